"""Two-stage fallback that works over SMS and voice, where there are no buttons.

Rasa's ``action_two_stage_fallback`` confirms a guess through a button whose payload is the
intent; a texted "yes" arrives as ``affirm`` instead and is answered as a plain "yes". Here:

1. The NLU is unsure (``nlu_fallback``): ``action_clarify`` asks "Did you mean <topic>? Reply
   YES (1) or NO (2)" about the best guess, keeping it in ``pending_intent``; with no usable
   guess it asks the person to rephrase. A second unsure message in a row hands the conversation
   to a specialist (or, when that cannot be done, gives the number to call).
2. ``action_resolve_guess`` handles the YES or NO, which arrive as ``affirm`` or ``deny``
   however they were said (the NLU's YesNoAnswer reads keypad 1/2, SÍ/NO, "yes pls", "nop" with
   ``formats.answers.parse_yes_no``): YES replays the original message with the guessed intent,
   so the normal rules answer it; NO asks to rephrase.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SlotSet, UserUttered
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.handoff import hand_over
from actions.responses import message_channel, response_text
from actions.slots import LANGUAGE, PENDING_INTENT

IGNORED_INTENTS = frozenset({"nlu_fallback", "inform", "affirm", "deny", "out_of_scope"})


def best_guess(tracker: Tracker, domain: DomainDict) -> str | None:
    """The most likely intent that has a topic label to ask about, or None."""
    for ranked in tracker.latest_message.get("intent_ranking") or []:
        intent = ranked.get("name")
        if intent not in IGNORED_INTENTS and f"utter_topic_{intent}" in domain["responses"]:
            return str(intent)
    return None


def previous_user_message(tracker: Tracker) -> dict[str, Any] | None:
    """The user message before the latest one (for a YES, the unsure message it answers)."""
    user_events = [e for e in tracker.events if e.get("event") == "user"]
    return user_events[-2] if len(user_events) >= 2 else None


def previous_user_intent(tracker: Tracker) -> str | None:
    previous = previous_user_message(tracker) or {}
    return (previous.get("parse_data") or {}).get("intent", {}).get("name")


class ActionClarify(Action):
    def name(self) -> str:
        return "action_clarify"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if previous_user_intent(tracker) == "nlu_fallback":
            dispatcher.utter_message(response="utter_still_not_understood")
            handed = hand_over(dispatcher, tracker, "fallback", offer_callback=False)
            return [SlotSet(PENDING_INTENT, None), *handed]
        intent = best_guess(tracker, domain)
        if intent is None:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return [SlotSet(PENDING_INTENT, None)]
        topic = response_text(
            domain,
            f"utter_topic_{intent}",
            tracker.get_slot(LANGUAGE),
            message_channel(tracker),
        )
        dispatcher.utter_message(response="utter_did_you_mean", topic=topic)
        return [SlotSet(PENDING_INTENT, intent)]


class ActionResolveGuess(Action):
    def name(self) -> str:
        return "action_resolve_guess"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        guessed = tracker.get_slot(PENDING_INTENT)
        answer = (tracker.latest_message.get("intent") or {}).get("name")
        original = previous_user_message(tracker)
        if answer != "affirm" or not guessed or original is None:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return [SlotSet(PENDING_INTENT, None)]
        parse_data = {
            "text": original.get("text"),
            "intent": {"name": guessed, "confidence": 1.0},
            "entities": (original.get("parse_data") or {}).get("entities", []),
        }
        return [
            SlotSet(PENDING_INTENT, None),
            ActionExecuted("action_listen"),
            UserUttered(original.get("text"), parse_data),
        ]
