"""Handing the conversation to a human specialist (the gateway keeps the handoff record).

The assistant asks for a specialist when the person asks for one, is frustrated, accepts the
offer made after telling what happened, is in danger (urgent, after the 911 answer), or is not
understood twice in a row. It tells the person what happens next, in their language, and pauses
itself: while a specialist has the conversation the gateway sends the messages to them, and
resumes the assistant when they close it.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import gateway

REASONS_BY_INTENT = {
    "request_human": "request_human",
    "frustration": "frustration",
    "affirm": "victimization",  # YES to the offer made after report_victimization
    "emergency": "emergency",
    "nlu_fallback": "fallback",
}
# What a specialist may read first: the details collected so far. Never the PIN or the code.
SUMMARY_SLOTS = (
    "help_location",
    "reg_relationship",
    "reg_offender_name",
    "reg_a_number",
    "reg_birth_date",
    "reg_country",
    "reg_channel",
    "reg_language",
    "reg_registration_id",
)
RECENT_TOPICS = 5


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


def request_handoff(
    dispatcher: CollectingDispatcher, tracker: Tracker, reason: str, *, urgent: bool = False
) -> list[EventType]:
    """Asks the gateway for a specialist and says what happens next; pauses on success."""
    payload = {
        "registrant": tracker.sender_id,
        "channel": (tracker.latest_message.get("metadata") or {}).get("channel") or "sms",
        "language": tracker.get_slot("language") or "en",
        "reason": reason,
        "priority": "urgent" if urgent else "normal",
        "summary": summary(tracker),
    }
    try:
        gateway.client().request_handoff(payload)
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
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        return request_handoff(dispatcher, tracker, REASONS_BY_INTENT.get(intent, "request_human"))


class ActionEmergencyFollowup(Action):
    """After the 911 answer: an urgent handoff, so a specialist texts the person."""

    def name(self) -> str:
        return "action_emergency_followup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return request_handoff(dispatcher, tracker, "emergency", urgent=True)
