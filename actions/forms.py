"""What the guided forms share: ``registration_form`` (actions/registration.py),
``verification_form`` (actions/verification.py) and ``custody_form`` (actions/custody.py).

rasa-sdk's ``FormValidationAction`` pattern: a base class, ``GuidedForm``, holds the behaviour
every form needs, and each form's validation action subclasses it with its own
``validate_<slot>`` methods and, where a question does not apply to everyone, ``needed_slots``:

- an answer in the wrong form is asked again with an example of the right one; the third wrong
  answer in a row ends the form with a specialist's number instead of looping;
- ``cancel``/``unsubscribe``, or EXIT/SALIR and the like, end the form (``reg_outcome``);
- messages with an interrupting intent (emergency, privacy, ...) are not taken as answers: the
  domain's slot mappings skip them, the form rejects, the rules answer, the form resumes;
- every question is asked by an ``action_ask_<slot>`` (``AskSlot``) that stays silent once when a
  validator or an action has just asked it already (``reg_prompted``), so each turn is one
  message.

``OffenderQuestions`` adds who the offender is (name, A-number, country of birth), asked by both
the registration and the custody look-up. The readers below turn a message into an answer, or
into a signal: "I don't know", EXIT. Gateway calls are in actions/gateway.py.
"""

from __future__ import annotations

import functools
import os
import re
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions.slots import (
    LANGUAGE,
    REG_A_NUMBER,
    REG_COUNTRY,
    REG_FAILURES,
    REG_OFFENDER_NAME,
    REG_OUTCOME,
    REG_PROMPTED,
)
from formats.answers import parse_yes_no
from formats.contacts import US_AND_TERRITORIES, parse_contact_phone
from formats.countries import country_code, parse_country
from formats.digits import parse_a_number
from formats.names import normalise_full_name
from formats.text import fold_chars
from formats.text import has_phrase as phrase_in

MAX_FAILURES = 3
# The state every guided form keeps besides its answers.
CONTROL_SLOTS = (REG_FAILURES, REG_OUTCOME, REG_PROMPTED)

# reg_outcome: why a form ended before its last question.
CANCELLED = "cancelled"
GAVE_UP = "gave_up"
NOT_ELIGIBLE = "not_eligible"
DECLINED = "declined"

UNKNOWN = "unknown"  # reg_a_number when the person does not know it
_WORD = re.compile(r"[^\W_]+")

STOP_INTENTS = frozenset({"cancel", "unsubscribe"})
# Intents that may open a form with the A-number already in the message.
OPENING_INTENTS = frozenset({"check_custody_status", "register_notifications"})
# Whole messages that stop a form whatever the NLU made of them: the prompts promise EXIT/SALIR
# (and "stop" on calls: a texted STOP is the carrier's opt-out, answered by the gateway).
EXIT_MESSAGES = frozenset(
    {"exit", "salir", "stop", "quit", "quit registration", "exit registration", "never mind",
     "nevermind", "forget it", "olvidalo", "olvidelo", "dejelo", "dejalo", "ya no quiero",
     "stop registering", "cancel registration", "cancel the registration",
     "cancelar el registro", "cancelar registro", "salir del registro"}
)  # fmt: skip
_DONT_KNOW = (
    "dont know", "do not know", "idk", "not sure", "no idea", "unknown", "no clue", "dunno",
    "dont have", "do not have", "dont remember", "no se", "no lo se", "ni idea", "no sabemos",
    "no sabe", "desconozco", "desconocido", "no tengo", "no lo tengo", "no la tengo",
    "no recuerdo", "no me acuerdo", "no estoy segura", "no estoy seguro", "none", "no tiene",
    "doesnt have", "does not have",
)  # fmt: skip


# -- reading messages --------------------------------------------------------------------------


def contact_phone(text: str) -> str | None:
    """A phone number the hotline may text or call for this person: of the countries in
    ``HOTLINE_CONTACT_COUNTRIES`` (the gateway checks the same list; by default the US and its
    territories), so that a number it would refuse is asked for again, not lost at the end."""
    return parse_contact_phone(text, _contact_countries())


@functools.cache
def _contact_countries() -> tuple[str, ...]:
    raw = os.environ.get("HOTLINE_CONTACT_COUNTRIES", "")
    return tuple(code.strip().upper() for code in raw.split(",") if code.strip()) or (
        US_AND_TERRITORIES
    )


def fold(text: str) -> str:
    """Lower case without accents, a letter for a letter ("Número" -> "numero"), so that
    positions found in the folded text are positions in the original, even after a letter whose
    case folding is longer ("ß" -> "ss")."""
    return fold_chars(text)


def words(text: str) -> str:
    """Folded words and numbers separated by single spaces: "¡Olvídalo!" -> "olvidalo".

    Not quite ``formats.text.fold_phrase``, so that no answer reads differently than it did:
    only ' and U+2019 join words here (fold_phrase also drops U+2018 and U+02BC), and letters
    are folded by :func:`fold`, one for one (a ligature keeps its first letter: "ĳ" -> "i").
    """
    return " ".join(_WORD.findall(fold(text).replace("'", "").replace("\u2019", "")))


def has_phrase(text: str, phrases: tuple[str, ...] | frozenset[str]) -> bool:
    """Whether any phrase occurs in ``text`` as whole words (folded by :func:`words`)."""
    return phrase_in(words(text), phrases)


def latest_text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def conversation_language(tracker: Tracker) -> str:
    return "es" if tracker.get_slot(LANGUAGE) == "es" else "en"


def wants_to_stop(tracker: Tracker) -> bool:
    """A cancel while a question is pending (not the message that opened the form)."""
    if tracker.get_slot(REQUESTED_SLOT) is None:
        return False
    return latest_intent(tracker) in STOP_INTENTS or words(latest_text(tracker)) in EXIT_MESSAGES


def doesnt_know(text: str) -> bool:
    """ "I don't know", "no sé", or a plain NO to a question that asks for a value."""
    return has_phrase(text, _DONT_KNOW) or parse_yes_no(text) is False


def as_country(value: Any) -> str | None:
    """A country code kept from earlier ("MX") or a country named in the text. Only an
    upper-case pair is read as a code: typed in a sentence, "in" and "us" are words."""
    text = str(value or "").strip()
    if len(text) == 2 and text.isupper():
        return country_code(text)
    return parse_country(text)


def as_a_number(value: Any) -> str | None:
    """ "A" + 9 digits, or ``UNKNOWN`` when the person does not know it."""
    text = str(value or "")
    if text == UNKNOWN:
        return UNKNOWN
    return parse_a_number(text) or (UNKNOWN if doesnt_know(text) else None)


def known_a_number(tracker: Tracker) -> str | None:
    value = tracker.get_slot(REG_A_NUMBER)
    return value if value and value != UNKNOWN else None


# -- the forms ---------------------------------------------------------------------------------


class GuidedForm(FormValidationAction, ABC):
    """Cancel, failure counting and early endings, shared by the registration, verification and
    custody forms. ``reg_outcome`` set means the form is over: no slot is required any more."""

    @abstractmethod
    def name(self) -> str: ...

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if wants_to_stop(tracker):
            candidates = [slot for slot in tracker.slots_to_validate() if slot != REQUESTED_SLOT]
            return [
                *(SlotSet(slot, None) for slot in candidates),
                SlotSet(REG_OUTCOME, CANCELLED),
                SlotSet(REQUESTED_SLOT, None),
            ]
        return await super().run(dispatcher, tracker, domain)

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot(REG_OUTCOME):
            return []
        return self.needed_slots(list(domain_slots), tracker)

    def needed_slots(self, slots: list[str], tracker: Tracker) -> list[str]:
        """The form's slots that apply to this person (all, unless overridden)."""
        return slots

    async def next_requested_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> EventType | None:
        """Always names the next question (None ends the form); rasa-sdk leaves it to Rasa
        when every slot of the form applies."""
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        missing = (slot for slot in required if tracker.slots.get(slot) is None)
        return SlotSet(REQUESTED_SLOT, next(missing, None))

    @staticmethod
    def accept(slot: str, value: Any) -> dict[str, Any]:
        return {slot: value, REG_FAILURES: 0}

    @staticmethod
    def stop(slot: str, outcome: str) -> dict[str, Any]:
        return {slot: None, REG_FAILURES: 0, REG_OUTCOME: outcome}

    @staticmethod
    def reject(
        slot: str,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        response: str | None = None,
    ) -> dict[str, Any]:
        """Asks again with an example; the third wrong answer in a row ends the form instead.

        A value for a slot that was not asked (kept from an earlier form) is just dropped."""
        if tracker.get_slot(REQUESTED_SLOT) != slot:
            return {slot: None}
        failures = int(tracker.get_slot(REG_FAILURES) or 0) + 1
        if failures >= MAX_FAILURES:
            return GuidedForm.stop(slot, GAVE_UP)
        dispatcher.utter_message(response=response or f"utter_invalid_{slot}")
        return {slot: None, REG_FAILURES: failures, REG_PROMPTED: True}


class OffenderQuestions(GuidedForm, ABC):
    """Who the offender is: asked by both the registration and the custody look-up."""

    async def extract_reg_a_number(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """ "Is A204555781 still detained?": the A-number in the message that opens the form."""
        if tracker.get_slot(REQUESTED_SLOT) is not None:
            return {}
        if latest_intent(tracker) not in OPENING_INTENTS:
            return {}
        found = parse_a_number(latest_text(tracker))
        return {REG_A_NUMBER: found} if found else {}

    def validate_reg_offender_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        name = normalise_full_name(str(value or ""))
        if name:
            return self.accept(REG_OFFENDER_NAME, name)
        return self.reject(REG_OFFENDER_NAME, dispatcher, tracker)

    def validate_reg_a_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        a_number = as_a_number(value)
        if a_number:
            return self.accept(REG_A_NUMBER, a_number)
        return self.reject(REG_A_NUMBER, dispatcher, tracker)

    def validate_reg_country(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        country = as_country(value)
        if country:
            return self.accept(REG_COUNTRY, country)
        if doesnt_know(str(value or "")):
            return self.stop(REG_COUNTRY, GAVE_UP)
        return self.reject(REG_COUNTRY, dispatcher, tracker)


# -- asking the questions ----------------------------------------------------------------------


class AskSlot(Action, ABC):
    """Asks for one slot (Rasa's forms run ``action_ask_<slot>``), unless the question was just
    asked by a validator or another action (``reg_prompted``)."""

    @property
    @abstractmethod
    def slot(self) -> str: ...

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot(REG_PROMPTED):
            return [SlotSet(REG_PROMPTED, None)]
        response, values = self.question(tracker, domain)
        dispatcher.utter_message(response=response, **values)
        return []

    def question(self, tracker: Tracker, domain: DomainDict) -> tuple[str, dict[str, Any]]:
        return f"utter_ask_{self.slot}", {}
