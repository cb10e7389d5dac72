"""Stopping custody alerts (``unsubscribe``) and changing where they go (``update_contact``):
what the two forms share.

- ``withdraw_form`` (actions/withdraw.py): which registration (``lc_choice``: a number from the
  list, or ALL), then YES or NO (``lc_confirm``); ``action_withdraw`` then withdraws it.
- ``contact_form`` (actions/contact_change.py): which registration, the new channel
  (``lc_channel``: 1 text, 2 call, 3 e-mail) and the new contact (``lc_value``);
  ``action_change_contact`` asks the gateway to send a code to the new contact, and the
  registration helper's ``verification_form`` takes it.

When a form starts, its validation action fetches the person's registrations (the registrant is
the conversation's sender id): with none it says so and ends the form, with one it skips the
choice. Every question can be answered with digits, so the voice channel can reuse it.

Messages with an interrupting intent (emergency, cancel, a privacy question, ...) are never taken
as answers: the domain's slot mappings skip them, the form rejects, the rules answer (and resume
the form, or end it for cancel). Three invalid answers in a row end the form with a specialist's
number; a gateway failure ends it with an apology. A form that ends early leaves its slots
incomplete, and the action the rules run after it then changes nothing.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions.gateway import (
    GatewayError,
    GatewayUnavailable,
    RateLimited,
    call_gateway,
    minutes_until,
)
from actions.responses import VOICE, message_channel, response_text, shown_hint
from actions.slots import (
    LANGUAGE,
    LC_CHANNEL,
    LC_CHOICE,
    LC_CONFIRM,
    LC_FAILURES,
    LC_REGISTRATIONS,
    LC_VALUE,
)
from formats.digits import spoken_digits
from formats.text import fold

LIFECYCLE_SLOTS = (LC_REGISTRATIONS, LC_CHOICE, LC_CONFIRM, LC_CHANNEL, LC_VALUE, LC_FAILURES)

ALL = "all"
MAX_FAILURES = 3

_ALL_WORDS = frozenset({"all", "both", "everything", "todos", "todas", "todo", "ambos", "ambas"})
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    "primero": 1, "primera": 1, "segundo": 2, "segunda": 2, "tercero": 3, "tercera": 3,
    "cuarto": 4, "cuarta": 4, "quinto": 5, "quinta": 5,
}  # fmt: skip
# Words that may stand around the number of a choice: "number 2 please", "el 2".
_NUMBER_FILLERS = frozenset(
    {"number", "num", "no", "option", "choice", "the", "please", "pls", "numero", "opcion", "el",
     "la", "por", "favor", "porfa"}
)  # fmt: skip
_WORD = re.compile(r"[a-z]+")
NUMBER = re.compile(r"\d+")


# -- reading answers ---------------------------------------------------------------------------


def folded_words(text: str) -> list[str]:
    """Lower-case words without accents: "¡TODOS, Sí!" -> ["todos", "si"]. Only the letters a to
    z make words, so an apostrophe splits one ("isn't" -> "isn", "t") and digits are left out."""
    return _WORD.findall(fold(text))


def parse_choice(text: str, count: int, allow_all: bool) -> int | str | None:
    """The position (1-based) picked from a list of ``count``, or ``ALL``; None if unclear.

    "2", "number 2", "two", "el dos", "the second one" pick 2; "ALL", "todos", "both" pick all
    when allowed. Anything else around the number ("which one", "2 or 3") makes it unclear.
    """
    position: int | None = None
    ordinals = {_ORDINALS[word] for word in folded_words(text) if word in _ORDINALS}
    numbers = NUMBER.findall(spoken_digits(text))
    if len(ordinals) == 1 and not NUMBER.search(text):
        position = ordinals.pop()
    elif len(numbers) == 1 and set(folded_words(spoken_digits(text))) <= _NUMBER_FILLERS:
        position = int(numbers[0])
    elif not numbers and allow_all and _ALL_WORDS.intersection(folded_words(text)):
        return ALL
    return position if position is not None and 1 <= position <= count else None


# -- what the person sees of a registration ----------------------------------------------------


def shown(registration: dict[str, Any]) -> dict[str, str]:
    """Only what the person may see (the gateway already masks): id, initials, channel, hint."""
    return {
        "id": str(registration.get("id") or ""),
        "offender_hint": str(registration.get("offender_hint") or ""),
        "channel": str(registration.get("channel") or "sms"),
        "contact_hint": str(registration.get("contact_hint") or ""),
    }


def how_reached(registration: dict[str, Any], domain: DomainDict, tracker: Tracker) -> str:
    """ "by text ***-0142" / "por texto ***-0142"; on a call "by text message ending in 0142"."""
    language = tracker.get_slot(LANGUAGE)
    channel = message_channel(tracker)
    by = response_text(domain, f"utter_lc_by_{registration['channel']}", language, channel)
    return f"{by} {shown_hint(registration['contact_hint'], tracker, language)}"


def listing(registrations: list[dict[str, Any]], domain: DomainDict, tracker: Tracker) -> str:
    """ "1) J. D. by text ***-0142" and so on, one line each (one sentence each on a call)."""
    separator = " " if message_channel(tracker) == VOICE else "\n"
    return separator.join(
        f"{position}) {registration['offender_hint']} {how_reached(registration, domain, tracker)}"
        + ("." if separator == " " else "")
        for position, registration in enumerate(registrations, start=1)
    )


def listed_registrations(tracker: Tracker) -> list[dict[str, Any]]:
    return list(tracker.get_slot(LC_REGISTRATIONS) or [])


def chosen_registrations(tracker: Tracker) -> list[dict[str, Any]]:
    """The registrations ``lc_choice`` points at (all of them for ALL)."""
    choice = tracker.get_slot(LC_CHOICE)
    registrations = listed_registrations(tracker)
    if choice == ALL:
        return registrations
    return [registration for registration in registrations if registration["id"] == choice]


def initials(registrations: list[dict[str, Any]]) -> str:
    return ", ".join(registration["offender_hint"] for registration in registrations)


# -- talking to the gateway --------------------------------------------------------------------


def tell_failure(dispatcher: CollectingDispatcher, error: Exception) -> None:
    """The answer to a gateway failure: when to try again, or an apology and a specialist."""
    if isinstance(error, RateLimited):
        dispatcher.utter_message(response="utter_lc_rate_limited", minutes=minutes_until(error))
    elif isinstance(error, GatewayError):
        dispatcher.utter_message(response="utter_lc_failed")
    else:
        dispatcher.utter_message(response="utter_lc_unavailable")


def cleared() -> list[EventType]:
    """Forgets the form's state (including the new contact, which is personal data)."""
    return [SlotSet(slot, None) for slot in LIFECYCLE_SLOTS]


# -- the forms ---------------------------------------------------------------------------------


class LifecycleFormValidation(FormValidationAction):
    """Shared by both forms: fetching at the start, the choice, and counting invalid answers."""

    allow_all = False
    none_response = "utter_lc_none"

    @abstractmethod
    def name(self) -> str:
        """Abstract, so that the action server does not register this base class."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if self._just_activated(tracker):
            return await self.start(dispatcher, tracker)
        return await super().run(dispatcher, tracker, domain)

    def _just_activated(self, tracker: Tracker) -> bool:
        """True when the form was activated by the latest user message, whatever slots an
        earlier, interrupted run left behind."""
        for event in reversed(tracker.events):
            if event.get("event") == "user":
                return False
            if event.get("event") == "active_loop":
                return bool(event.get("name") == self.form_name())
        return False

    async def start(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        """Fetches the registrations; ends the form at once if there is nothing to choose from."""
        try:
            found = await call_gateway(lambda api: api.list_registrations(tracker.sender_id))
        except (GatewayError, GatewayUnavailable) as error:
            tell_failure(dispatcher, error)
            return [*cleared(), SlotSet(REQUESTED_SLOT, None)]
        registrations = [shown(registration) for registration in found]
        if not registrations:
            dispatcher.utter_message(response=self.none_response)
            return [*cleared(), SlotSet(REQUESTED_SLOT, None)]
        slots: dict[str, Any] = dict.fromkeys(LIFECYCLE_SLOTS)
        slots.update({LC_REGISTRATIONS: registrations, LC_FAILURES: 0})
        if len(registrations) == 1:
            slots[LC_CHOICE] = registrations[0]["id"]
        slots.update(self.prefilled(tracker))
        return [SlotSet(slot, value) for slot, value in slots.items()]

    def prefilled(self, tracker: Tracker) -> dict[str, Any]:
        """Slots the message that started the form already answers."""
        return {}

    def invalid(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, response: str
    ) -> dict[str, Any]:
        """Says the answer was not understood (the form then asks again); the third time in a
        row, offers a specialist and ends the form."""
        failures = int(tracker.get_slot(LC_FAILURES) or 0) + 1
        if failures >= MAX_FAILURES:
            dispatcher.utter_message(response="utter_lc_give_up")
            return {slot: None, LC_FAILURES: 0, REQUESTED_SLOT: None}
        dispatcher.utter_message(response=response)
        return {slot: None, LC_FAILURES: failures}

    def validate_lc_choice(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        registrations = listed_registrations(tracker)
        choice = parse_choice(str(value or ""), len(registrations), self.allow_all)
        if choice is None:
            return self.invalid(dispatcher, tracker, LC_CHOICE, "utter_lc_invalid")
        picked = ALL if choice == ALL else registrations[int(choice) - 1]["id"]
        return {LC_CHOICE: picked, LC_FAILURES: 0}


# -- the questions -----------------------------------------------------------------------------


class AskChoice(Action):
    """The numbered list of registrations."""

    response = "utter_lc_ask_choice_change"

    def name(self) -> str:
        return "action_ask_contact_form_lc_choice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = listing(listed_registrations(tracker), domain, tracker)
        dispatcher.utter_message(response=self.response, listing=text)
        return []


# -- after the forms ---------------------------------------------------------------------------


class ActionLifecycleCancel(Action):
    """ "cancel" in the middle of either form (the rules deactivate the form first)."""

    def name(self) -> str:
        return "action_lc_cancel"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_lc_cancelled")
        return cleared()
