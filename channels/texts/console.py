"""What the specialist console shows: labels, lines of a conversation's history and summary,
and the messages it flashes (English: the specialists' working language)."""

from __future__ import annotations

from typing import Any

REASONS = {
    "request_human": "Asked for a person",
    "emergency": "Emergency",
    "fallback": "Not understood twice",
    "frustration": "Frustrated with the assistant",
    "victimization": "Told what happened",
    "threat": "Threatened or afraid",
    "callback": "Callback requested",
}
CHANNELS = {"sms": "Text", "voice": "Call"}
STATUSES = {"waiting": "Waiting", "claimed": "Claimed", "closed": "Closed"}
EVENTS = {
    "created": "Handed over",
    "claimed": "Claimed",
    "released": "Released to the queue",
    "reassigned": "Reassigned",
    "closed": "Closed",
    "note": "Note",
    "reply": "Reply sent",
    "message": "Message from the person",
    "priority": "Priority raised",
    "callback": "Callback requested",
    "call": "Call transferred to the specialists' line",
}
# How the transfer of a call ended (Twilio's DialCallStatus / QueueResult).
CALL_OUTCOMES = {
    "completed": "answered",
    "answered": "answered",
    "bridged": "answered",
    "no-answer": "nobody answered",
    "busy": "the line was busy",
    "failed": "the call could not be put through",
    "canceled": "the caller hung up while it rang",
    "hangup": "the caller hung up while waiting",
}
SUMMARY_DETAILS = {
    "help_location": "Place asked about",
    "reg_relationship": "Relationship to the victim",
    "reg_offender_name": "Offender's name",
    "reg_a_number": "Offender's A-number",
    "reg_birth_date": "Offender's date of birth",
    "reg_country": "Offender's country of birth",
    "reg_channel": "Alerts by",
    "reg_language": "Alerts in",
    "reg_registration_id": "Registration",
}

WRONG_LOGIN = "Wrong user name or password."
BUSY_LOGIN = "Too many people are logging in at this moment. Please try again in a few seconds."
CSRF_REFUSAL = (
    "This form has expired or did not come from the console. Reload the page and try again."
)
SESSION_ENDED = "Your session has ended. Please log in again."
LOGGED_OUT = "You have logged out."
SUPERVISORS_ONLY = "Only supervisors can open this page."
NO_SUCH_CONVERSATION = "There is no conversation with this id."
# After each action on a conversation.
DONE = {
    "claim": "You have claimed this conversation: your replies go to the person.",
    "release": "Released: the conversation is back in the queue.",
    "reassign": "Reassigned to {to}.",
    "close": "Closed: the assistant answers the person again.",
    "close_not_resumed": "The assistant could not be reached to take over; this is logged.",
    "close_told": "The person was told by text.",
    "close_not_told": "The person could not be told by text.",
    "reply": "Reply sent.",
    "note": "Note added. Only specialists see it.",
    "callback": "Callback request recorded.",
}
# When an action is refused or its form cannot be used.
REFUSED = {
    "conflict": "Not done: {error}.",
    "opted_out": "Not sent: the person texted STOP. No texts until they text START.",
    "send_failed": "Not sent: the text could not go out ({reason}).{again}",
    "send_failed_again": " Try again in a moment.",
    "no_colleague": "Choose a colleague to hand the conversation to.",
    "no_voicemail_answer": "Say whether a voicemail is safe.",
    "length": "{what}: {minimum} to {limit:,} characters.",
}
# What each form field is called in REFUSED["length"].
FIELDS = {
    "reply": "A reply",
    "note": "A note",
    "window": "A safe time to call",
    "callback_note": "The note",
}


def duration(seconds: int) -> str:
    if seconds < 60:
        return "under a minute"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"


def summary_rows(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """The summary the assistant collected, as labelled lines."""
    rows: list[tuple[str, str]] = []
    asked = summary.get("asked") or []
    if asked:
        rows.append(("Asked about", ", ".join(str(topic).replace("_", " ") for topic in asked)))
    details = summary.get("details") or {}
    if isinstance(details, dict):
        for key, value in details.items():
            rows.append((SUMMARY_DETAILS.get(key, key.replace("_", " ").capitalize()), str(value)))
    if summary.get("form_in_progress"):
        rows.append(("Form in progress", str(summary["form_in_progress"]).replace("_", " ")))
    for key, value in summary.items():
        if key not in ("asked", "details", "form_in_progress") and value not in (None, "", []):
            rows.append((key.replace("_", " ").capitalize(), str(value)))
    return rows


def event_text(event: dict[str, Any]) -> str:
    """The line a history event (its ``kind``: a handoff ``EventKind`` value) shows beside its
    label, actor and time."""
    detail = event.get("detail") or {}
    kind = event["kind"]
    if kind in ("note", "reply"):
        return str(detail.get("text", ""))
    if kind == "reassigned":
        return f"to {detail.get('to', '?')}"
    if kind in ("created", "priority"):
        reason = REASONS.get(str(detail.get("reason")), str(detail.get("reason", "")))
        return f"{reason}, {detail.get('priority', '')} priority"
    if kind == "callback":
        voicemail = "a voicemail is safe" if detail.get("voicemail_ok") else "no voicemail"
        note = f"; {detail['note']}" if detail.get("note") else ""
        return f"{detail.get('window', '')}; {voicemail}{note}"
    if kind == "call":
        outcome = str(detail.get("outcome", ""))
        return CALL_OUTCOMES.get(outcome, outcome)
    return ""
