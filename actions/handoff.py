"""Handing the conversation to a human specialist (the gateway keeps the handoff record).

The assistant asks for a specialist when the person asks for one, is frustrated, accepts the
offer made after telling what happened or after saying they are threatened or afraid (high
priority), is in danger (urgent, after the 911 answer), or is not understood twice in a row.
It tells the person what happens next, in their language, and pauses itself: while a
specialist has the conversation the gateway sends the messages to them, and resumes the
assistant when they close it.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import gateway
from actions.slots import (
    CALLBACK_OFFERED,
    CALLBACK_VOICEMAIL_OK,
    CALLBACK_WINDOW,
    HELP_LOCATION,
    LANGUAGE,
    REG_A_NUMBER,
    REG_BIRTH_DATE,
    REG_CHANNEL,
    REG_COUNTRY,
    REG_LANGUAGE,
    REG_OFFENDER_NAME,
    REG_REGISTRATION_ID,
    REG_RELATIONSHIP,
)
from formats.answers import parse_yes_no

REASONS_BY_INTENT = {
    "request_human": "request_human",
    "frustration": "frustration",
    "affirm": "victimization",  # YES to an offer of a specialist: which one, REASONS_BY_OFFER
    "emergency": "emergency",
    "nlu_fallback": "fallback",
}
# The responses that offer a specialist, and the reason a YES to each gives the handoff.
REASONS_BY_OFFER = {
    "utter_report_victimization": "victimization",
    "utter_report_threat": "threat",
}
# Above normal: an emergency is urgent; someone threatened or afraid, not in danger now, high.
PRIORITIES = {"emergency": "urgent", "threat": "high"}
# What a specialist may read first: the details collected so far. Never the PIN or the code.
SUMMARY_SLOTS = (
    HELP_LOCATION,
    REG_RELATIONSHIP,
    REG_OFFENDER_NAME,
    REG_A_NUMBER,
    REG_BIRTH_DATE,
    REG_COUNTRY,
    REG_CHANNEL,
    REG_LANGUAGE,
    REG_REGISTRATION_ID,
)
RECENT_TOPICS = 5
WINDOW_MAX_CHARACTERS = 120


def summary(tracker: Tracker) -> dict[str, Any]:
    """What the person asked (their recent intents), the details given, the registration state."""
    asked = [
        (event.get("parse_data") or {}).get("intent", {}).get("name")
        for event in tracker.events
        if event.get("event") == "user"
    ]
    topics = [name for name in asked if name][-RECENT_TOPICS:]
    details = {slot: tracker.get_slot(slot) for slot in SUMMARY_SLOTS if tracker.get_slot(slot)}
    active_loop = (tracker.active_loop or {}).get("name")
    return {"asked": topics, "details": details, "form_in_progress": active_loop}


def answered_offer(tracker: Tracker) -> str | None:
    """The response that made the offer the latest message answers: the last one before it."""
    for event in reversed(tracker.events):
        name = event.get("name")
        if event.get("event") == "action" and name in REASONS_BY_OFFER:
            return str(name)
        if event.get("event") == "action" and name != "action_listen":
            return None
    return None


def reason_for(tracker: Tracker) -> str:
    """Why the person is handed over, from what they said and what it answered."""
    intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
    offer = answered_offer(tracker) if intent == "affirm" else None
    if offer is not None:
        return REASONS_BY_OFFER[offer]
    return REASONS_BY_INTENT.get(intent, "request_human")


def closed_hours(tracker: Tracker) -> str | None:
    """The specialists' hours when they are not working now; None when they are (or when the
    gateway cannot say: then asking for one is the better mistake)."""
    try:
        answer = gateway.client().availability(tracker.get_slot(LANGUAGE) or "en")
    except (gateway.GatewayUnavailable, gateway.GatewayError):
        return None
    return None if answer.get("open", True) else str(answer.get("hours") or "")


def hand_over(
    dispatcher: CollectingDispatcher, tracker: Tracker, reason: str, *, offer_callback: bool
) -> list[EventType]:
    """A specialist now, or outside their hours a callback offer (or just the hours)."""
    hours = closed_hours(tracker)
    if hours is not None and offer_callback:
        dispatcher.utter_message(response="utter_offer_callback", hours=hours)
        return [SlotSet(CALLBACK_OFFERED, True)]
    # The rules see the offer's slot set either way (Rasa checks rules for completeness).
    no_offer = [SlotSet(CALLBACK_OFFERED, None)]
    if hours is None:
        return [*no_offer, *request_handoff(dispatcher, tracker, reason)]
    dispatcher.utter_message(response="utter_specialists_closed", hours=hours)
    return no_offer


def handoff_payload(tracker: Tracker, reason: str) -> dict[str, Any]:
    return {
        "registrant": tracker.sender_id,
        "channel": (tracker.latest_message.get("metadata") or {}).get("channel") or "sms",
        "language": tracker.get_slot(LANGUAGE) or "en",
        "reason": reason,
        "priority": PRIORITIES.get(reason, "normal"),
        "summary": summary(tracker),
    }


def request_handoff(
    dispatcher: CollectingDispatcher, tracker: Tracker, reason: str
) -> list[EventType]:
    """Asks the gateway for a specialist and says what happens next; pauses on success.
    Emergencies come here whatever the hour: the urgent handoff waits at the top of the queue."""
    urgent = PRIORITIES.get(reason) == "urgent"
    try:
        gateway.client().request_handoff(handoff_payload(tracker, reason))
    except (gateway.GatewayUnavailable, gateway.GatewayError):
        # Nobody will be told: give the number to call instead.
        dispatcher.utter_message(
            response="utter_emergency_followup" if urgent else "utter_request_human"
        )
        return []
    dispatcher.utter_message(
        response="utter_handoff_urgent" if urgent else "utter_handoff_requested"
    )
    return [ConversationPaused()]


class ActionRequestHandoff(Action):
    """Request for a person, frustration, or YES to the offer of a specialist."""

    def name(self) -> str:
        return "action_request_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return hand_over(dispatcher, tracker, reason_for(tracker), offer_callback=True)


class ActionEmergencyFollowup(Action):
    """After the 911 answer: an urgent handoff, so a specialist texts the person."""

    def name(self) -> str:
        return "action_emergency_followup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return request_handoff(dispatcher, tracker, "emergency")


class ValidateCallbackForm(FormValidationAction):
    """When to call (free text, as the person says it) and whether a voicemail is safe."""

    def name(self) -> str:
        return "validate_callback_form"

    def validate_callback_window(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        window = " ".join(str(value or "").split())[:WINDOW_MAX_CHARACTERS]
        return {CALLBACK_WINDOW: window or None}

    def validate_callback_voicemail_ok(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        answer = parse_yes_no(str(value or ""))
        if answer is None:
            dispatcher.utter_message(response="utter_invalid_callback_voicemail_ok")
        return {CALLBACK_VOICEMAIL_OK: answer}


class ActionRequestCallback(Action):
    """Records the callback request as a handoff (reason ``callback``); the assistant carries on
    answering in the meantime."""

    def name(self) -> str:
        return "action_request_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        window = str(tracker.get_slot(CALLBACK_WINDOW) or "")
        payload = handoff_payload(tracker, "callback")
        payload["summary"]["callback"] = {
            "window": window,
            "voicemail_ok": bool(tracker.get_slot(CALLBACK_VOICEMAIL_OK)),
        }
        try:
            gateway.client().request_handoff(payload)
        except (gateway.GatewayUnavailable, gateway.GatewayError):
            dispatcher.utter_message(response="utter_request_human")
        else:
            dispatcher.utter_message(response="utter_callback_requested", window=window)
        return [
            SlotSet(CALLBACK_OFFERED, None),
            SlotSet(CALLBACK_WINDOW, None),
            SlotSet(CALLBACK_VOICEMAIL_OK, None),
        ]
