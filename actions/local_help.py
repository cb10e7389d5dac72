"""``find_local_help``: where to get help near a place, from the services directory."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions.directory import format_listing, load_directory
from actions.forms import latest_intent, latest_text
from actions.responses import VOICE, message_channel
from actions.slots import HELP_LOCATION, LANGUAGE

FREE_TEXT_INTENTS = frozenset({"inform", "find_local_help", "nlu_fallback"})


class ValidateLocalHelpForm(FormValidationAction):
    """Finds the place in the message even when the NLU tagged no ``location`` entity."""

    def name(self) -> str:
        return "validate_local_help_form"

    async def extract_help_location(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = latest_text(tracker)
        if load_directory().find(text):
            return {HELP_LOCATION: text}
        asked = tracker.get_slot(REQUESTED_SLOT) == HELP_LOCATION
        if asked and latest_intent(tracker) in FREE_TEXT_INTENTS and text.strip():
            return {HELP_LOCATION: text.strip()}
        return {}

    def validate_help_location(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        value = str(slot_value or "").strip()
        return {HELP_LOCATION: value or None}


class ActionFindLocalHelp(Action):
    """Lists up to three services near the place, or says where else to turn."""

    def name(self) -> str:
        return "action_find_local_help"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        place = str(tracker.get_slot(HELP_LOCATION) or "")
        language = tracker.get_slot(LANGUAGE) or "en"
        directory = load_directory()
        match = directory.find(place, language, wanted=_request_text(tracker))
        if match is None:
            dispatcher.utter_message(response="utter_local_help_not_found", place=place)
            return [SlotSet(HELP_LOCATION, None)]
        dispatcher.utter_message(
            response="utter_local_help_found",
            place=match.place,
            listing=format_listing(match.services, spoken=message_channel(tracker) == VOICE),
        )
        if directory.sample:
            dispatcher.utter_message(response="utter_local_help_sample_note")
        return []


def _request_text(tracker: Tracker) -> str:
    """The text of the message that asked for local help, which may name a kind of service."""
    for event in reversed(tracker.events):
        if (
            event.get("event") == "user"
            and (event.get("parse_data") or {}).get("intent", {}).get("name") == "find_local_help"
        ):
            return str(event.get("text") or "")
    return ""
