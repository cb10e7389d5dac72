"""Signing up for custody alerts: ``registration_form`` and ``action_finish_registration``.

The form asks, one question per message and each answerable with keypad digits: who the person
is (victim, family, guardian), the terms, the offender (full name; A-number, or else date and
country of birth), how to reach them (channel, contact, voicemail, neutral wording, language), a
PIN, and finally reads everything back for a YES or a correction.

Shared with ``verification_form`` (actions/verification.py) and ``custody_form``
(actions/custody.py), through ``GuidedForm``:

- an answer in the wrong form is asked again with an example of the right one; the third wrong
  answer in a row ends the form with a specialist's number instead of looping;
- ``cancel``/``unsubscribe``, or EXIT/SALIR and the like, end the form (``reg_outcome``);
- messages with an interrupting intent (emergency, privacy, ...) are not taken as answers: the
  domain's slot mappings skip them, the form rejects, the rules answer, the form resumes;
- every question is asked by an ``action_ask_<slot>`` that stays silent once when a validator or
  an action has just asked it already (``reg_prompted``), so each turn is one message.

After the form, ``action_finish_registration`` alone says how it ended and, when confirmed, saves
the registration through the gateway, which sends a code to the contact; the rules then start
``verification_form``. The PIN is never shown and is cleared whatever happens.
"""

from __future__ import annotations

import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import date
from typing import Any

import phonenumbers
from babel.dates import format_date
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions.gateway import (
    THIS_NUMBER,
    GatewayError,
    GatewayUnavailable,
    RateLimited,
    call_gateway,
    minutes_until,
)
from actions.responses import message_channel, response_text, shown_hint
from actions.slots import (
    CUSTODY_OFFER,
    LANGUAGE,
    REG_A_NUMBER,
    REG_BIRTH_DATE,
    REG_CHANNEL,
    REG_CONFIRMED,
    REG_CONTACT,
    REG_COUNTRY,
    REG_DISCREET,
    REG_FAILURES,
    REG_LANGUAGE,
    REG_OFFENDER_NAME,
    REG_OUTCOME,
    REG_PIN,
    REG_PROMPTED,
    REG_REGISTRATION_ID,
    REG_RELATIONSHIP,
    REG_TERMS,
    REG_VOICEMAIL_OK,
)
from formats.values import (
    country_code,
    country_name,
    normalise_full_name,
    parse_a_number,
    parse_birth_date,
    parse_channel,
    parse_country,
    parse_email,
    parse_language_choice,
    parse_phone,
    parse_pin,
    parse_relationship,
    parse_yes_no,
)

# The terms the person accepts with YES (utter_ask_reg_terms), stored with the registration.
TERMS_VERSION = "2026-11"
MAX_FAILURES = 3


FORM_SLOTS = (
    REG_RELATIONSHIP, REG_TERMS, REG_OFFENDER_NAME, REG_A_NUMBER, REG_BIRTH_DATE, REG_COUNTRY,
    REG_CHANNEL, REG_CONTACT, REG_VOICEMAIL_OK, REG_DISCREET, REG_LANGUAGE, REG_PIN, REG_CONFIRMED,
)  # fmt: skip
CONTROL_SLOTS = (REG_FAILURES, REG_OUTCOME, REG_PROMPTED)

# reg_outcome: why a form ended before its last question.
CANCELLED = "cancelled"
GAVE_UP = "gave_up"
NOT_ELIGIBLE = "not_eligible"
DECLINED = "declined"

UNKNOWN = "unknown"  # reg_a_number when the person does not know it

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
_NONE_OF_THESE = (
    "4", "four", "cuatro", "none", "none of these", "none of them", "neither", "other", "otro",
    "otra", "ninguno", "ninguna", "nobody", "no one", "friend", "amigo", "amiga", "neighbor",
    "neighbour", "vecino", "vecina", "coworker", "companero", "companera",
)  # fmt: skip
_THIS_NUMBER_WHOLE = frozenset(
    {"this", "1", "one", "uno", "same", "here", "este", "esta", "mismo", "el mismo", "aqui"}
)
_THIS_NUMBER_PHRASES = (
    "this number", "this phone", "this one", "this cell", "same number", "same phone",
    "the same", "texting from", "calling from", "este numero", "este telefono", "este cel",
    "este celular", "el mismo", "mismo numero", "de donde escribo", "de donde le escribo",
    "del que escribo", "desde el que escribo", "desde este",
)  # fmt: skip

# At the read-back: which answer a correction is about. The earliest mention in the message
# wins; on a tie the first pattern here ("numero A" is the A-number, not the phone number).
_FIELDS = (
    (REG_A_NUMBER, r"\ba[\s#-]*number\b|\banumber\b|\bnumero\s*a\b|\balien\b|\bextranjero\b"),
    (REG_BIRTH_DATE, r"\bbirth\s*date\b|\bdate of birth\b|\bbirthday\b|\bdob\b|\bfecha\b"
                     r"|\bnacimiento\b|\bcumpleanos\b"),
    (REG_VOICEMAIL_OK, r"\bvoice\s*mail\b|\bbuzon\b|\bmensajes? de voz\b"),
    (REG_PIN, r"\bpin\b"),
    (REG_COUNTRY, r"\bcountry\b|\bpais\b"),
    (REG_LANGUAGE, r"\blanguage\b|\bidioma\b|\benglish\b|\bspanish\b|\bingles\b|\bespanol\b"),
    (REG_DISCREET, r"\bwording\b|\bdiscreet\b|\bneutral\b|\bneutras?\b|\bpalabras\b|\bdiscreto\b"),
    (REG_CONTACT, r"\bphone\b|\bnumber\b|\bcell\b|\be-?mail\b|\baddress\b|\bcorreo\b|\btelefono\b"
                  r"|\bnumero\b|\bcelular\b|\bcel\b"),
    (REG_CHANNEL, r"\btexts?\b|\bcalls?\b|\bchannel\b|\bllamadas?\b|\bmensajes?\b|\btextos?\b"),
    (REG_RELATIONSHIP, r"\brelationship\b|\bvictim\b|\bfamily\b|\bguardian\b|\bvictima\b"
                       r"|\bfamiliar\b|\btutora?\b|\bparentesco\b"),
    (REG_OFFENDER_NAME, r"\bname\b|\bnombre\b|\bapellido\b|\bspell"),
)  # fmt: skip
# What stands between the field and a corrected value: "the name IS ...", "el país ES ...".
_LEAD = re.compile(
    r"^[\s:=,.-]*(?:(?:is|was|should be|must be|es|era|debe ser|deberia ser|to|a|al|esta)\b"
    r"[\s:=,.-]*)*",
    re.IGNORECASE,
)
_NOT_A_VALUE = frozenset(
    {"wrong", "incorrect", "misspelled", "spelled", "typo", "mistake", "error", "change",
     "changed", "bad", "mal", "incorrecto", "incorrecta", "equivocado", "equivocada", "cambiar",
     "cambio", "errores"}
)  # fmt: skip


# -- reading messages --------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case without accents, one character for one ("Número" -> "numero"), so that
    positions found in the folded text are positions in the original."""
    return "".join(_fold_char(char) for char in text.casefold())


def _fold_char(char: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return base[:1] or char


def words(text: str) -> str:
    """Folded words and numbers separated by single spaces: "¡Olvídalo!" -> "olvidalo"."""
    return " ".join(re.findall(r"[^\W_]+", fold(text).replace("'", "").replace("\u2019", "")))


def has_phrase(text: str, phrases: tuple[str, ...] | frozenset[str]) -> bool:
    padded = f" {words(text)} "
    return any(f" {phrase} " in padded for phrase in phrases)


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


def none_of_these(text: str) -> bool:
    return has_phrase(text, _NONE_OF_THESE)


def means_this_number(text: str) -> bool:
    return words(text) in _THIS_NUMBER_WHOLE or has_phrase(text, _THIS_NUMBER_PHRASES)


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


def as_contact(value: Any, channel: str | None) -> str | None:
    """An e-mail for e-mail alerts; else an E.164 phone number, or ``THIS_NUMBER``."""
    text = str(value or "")
    if channel == "email":
        return parse_email(text)
    if text == THIS_NUMBER:
        return THIS_NUMBER
    return parse_phone(text) or (THIS_NUMBER if means_this_number(text) else None)


def as_language(value: Any, current: str) -> str | None:
    """ "en"/"es" by name or digit (1 English, 2 Spanish); YES keeps ``current``, NO the other."""
    text = str(value or "")
    if text in ("en", "es"):
        return text
    chosen = parse_language_choice(text)
    if chosen:
        return chosen
    answer = parse_yes_no(text)
    if answer is None:
        return None
    return current if answer else ("es" if current == "en" else "en")


def known_a_number(tracker: Tracker) -> str | None:
    value = tracker.get_slot(REG_A_NUMBER)
    return value if value and value != UNKNOWN else None


def compatible(channel: str | None, contact: str | None) -> bool:
    """Whether a contact given earlier suits the channel (an e-mail is not a phone)."""
    if not channel or not contact:
        return True
    return (channel == "email") == ("@" in contact)


# -- corrections at the read-back --------------------------------------------------------------


def mentioned_field(text: str) -> tuple[str, str] | None:
    """The answer a correction names, and the text after that name: "the birth date is wrong"
    -> (reg_birth_date, "is wrong")."""
    folded = fold(text)
    best: tuple[int, int, str, int] | None = None
    for priority, (slot, pattern) in enumerate(_FIELDS):
        match = re.search(pattern, folded)
        if match and (best is None or (match.start(), priority) < (best[0], best[1])):
            best = (match.start(), priority, slot, match.end())
    if best is None:
        return None
    return best[2], text[best[3] :]


def corrected_name(after: str) -> str | None:
    """A name given with the correction ("the name is Jose Luis Garcia"), not "is spelled wrong"."""
    candidate = _LEAD.sub("", after, count=1)
    if set(words(candidate).split()) & _NOT_A_VALUE:
        return None
    return normalise_full_name(candidate)


def correction(
    field: str, after: str, text: str, tracker: Tracker, language: str
) -> dict[str, Any]:
    """The slot changes for "<field> is wrong" (clear it, so the form asks again) or
    "<field> is <value>" (take the value), with what depends on it."""
    if field == REG_CONTACT:
        return _contact_correction(text, tracker.get_slot(REG_CHANNEL))
    if field == REG_CHANNEL:
        channel = parse_channel(text)
        return {**_after_channel_change(channel, tracker), REG_CHANNEL: channel}
    return {field: _CORRECTED[field](text, after, language)}


def _yes_no_or_none(text: str, flip: bool) -> bool | None:
    answer = parse_yes_no(text)
    return None if answer is None else answer != flip


def _iso(found: date | None) -> str | None:
    return found.isoformat() if found else None


# The new value a correction may carry: (whole message, text after the field's name, language).
_CORRECTED: dict[str, Callable[[str, str, str], Any]] = {
    REG_OFFENDER_NAME: lambda text, after, language: corrected_name(after),
    REG_A_NUMBER: lambda text, after, language: parse_a_number(text),
    REG_BIRTH_DATE: lambda text, after, language: _iso(parse_birth_date(text, language)),
    REG_COUNTRY: lambda text, after, language: parse_country(text),
    REG_RELATIONSHIP: lambda text, after, language: parse_relationship(text),
    REG_VOICEMAIL_OK: lambda text, after, language: _yes_no_or_none(after, flip=False),
    REG_DISCREET: lambda text, after, language: _yes_no_or_none(after, flip=True),
    REG_LANGUAGE: lambda text, after, language: parse_language_choice(text),
    REG_PIN: lambda text, after, language: parse_pin(text),
}


def _after_channel_change(channel: str | None, tracker: Tracker) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if channel is None or not compatible(channel, tracker.get_slot(REG_CONTACT)):
        changes[REG_CONTACT] = None
    if channel != "voice":
        changes[REG_VOICEMAIL_OK] = None
    return changes


def _contact_correction(text: str, channel: str | None) -> dict[str, Any]:
    """A new e-mail switches to e-mail alerts; a phone number for e-mail alerts asks the channel
    again; "I want e-mail instead" changes the channel and asks for the address."""
    email = parse_email(text)
    if email:
        return {REG_CHANNEL: "email", REG_CONTACT: email, REG_VOICEMAIL_OK: None}
    phone = parse_phone(text)
    if phone:
        return {REG_CONTACT: phone, REG_CHANNEL: None if channel == "email" else channel}
    wanted = parse_channel(text)
    if wanted and wanted != channel:
        return {REG_CHANNEL: wanted, REG_CONTACT: None, REG_VOICEMAIL_OK: None}
    return {REG_CONTACT: None}


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
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        name = normalise_full_name(str(slot_value or ""))
        if name:
            return self.accept(REG_OFFENDER_NAME, name)
        return self.reject(REG_OFFENDER_NAME, dispatcher, tracker)

    def validate_reg_a_number(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        a_number = as_a_number(slot_value)
        if a_number:
            return self.accept(REG_A_NUMBER, a_number)
        return self.reject(REG_A_NUMBER, dispatcher, tracker)

    def validate_reg_country(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        country = as_country(slot_value)
        if country:
            return self.accept(REG_COUNTRY, country)
        if doesnt_know(str(slot_value or "")):
            return self.stop(REG_COUNTRY, GAVE_UP)
        return self.reject(REG_COUNTRY, dispatcher, tracker)


class ValidateRegistrationForm(OffenderQuestions):
    def name(self) -> str:
        return "validate_registration_form"

    def needed_slots(self, slots: list[str], tracker: Tracker) -> list[str]:
        """Birth date and country only without an A-number; voicemail only for phone calls."""
        skipped = set()
        if known_a_number(tracker):
            skipped |= {REG_BIRTH_DATE, REG_COUNTRY}
        if tracker.get_slot(REG_CHANNEL) != "voice":
            skipped.add(REG_VOICEMAIL_OK)
        return [slot for slot in slots if slot not in skipped]

    def validate_reg_relationship(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        text = str(slot_value or "")
        relationship = parse_relationship(text)
        if relationship:
            return self.accept(REG_RELATIONSHIP, relationship)
        if none_of_these(text):
            return self.stop(REG_RELATIONSHIP, NOT_ELIGIBLE)
        return self.reject(REG_RELATIONSHIP, dispatcher, tracker)

    def validate_reg_terms(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        answer = slot_value if isinstance(slot_value, bool) else parse_yes_no(str(slot_value))
        if answer is True:
            return self.accept(REG_TERMS, True)
        if answer is False:
            return self.stop(REG_TERMS, DECLINED)
        return self.reject(REG_TERMS, dispatcher, tracker)

    def validate_reg_birth_date(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        text = str(slot_value or "")
        found = parse_birth_date(text, conversation_language(tracker))
        if found:
            return self.accept(REG_BIRTH_DATE, found.isoformat())
        if doesnt_know(text):
            return self.stop(REG_BIRTH_DATE, GAVE_UP)
        return self.reject(REG_BIRTH_DATE, dispatcher, tracker)

    def validate_reg_channel(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        channel = parse_channel(str(slot_value or ""))
        if channel:
            return {**_after_channel_change(channel, tracker), **self.accept(REG_CHANNEL, channel)}
        return self.reject(REG_CHANNEL, dispatcher, tracker)

    def validate_reg_contact(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        channel = tracker.get_slot(REG_CHANNEL)
        contact = as_contact(slot_value, channel)
        if contact:
            return self.accept(REG_CONTACT, contact)
        kind = "email" if channel == "email" else "phone"
        return self.reject(REG_CONTACT, dispatcher, tracker, f"utter_invalid_reg_contact_{kind}")

    def validate_reg_voicemail_ok(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        answer = slot_value if isinstance(slot_value, bool) else parse_yes_no(str(slot_value))
        if answer is None:
            return self.reject(REG_VOICEMAIL_OK, dispatcher, tracker)
        return self.accept(REG_VOICEMAIL_OK, answer)

    def validate_reg_discreet(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """The question is "is it safe to name the office?": YES means no need to be discreet."""
        if isinstance(slot_value, bool):
            return self.accept(REG_DISCREET, slot_value)
        answer = parse_yes_no(str(slot_value))
        if answer is None:
            return self.reject(REG_DISCREET, dispatcher, tracker)
        return self.accept(REG_DISCREET, not answer)

    def validate_reg_language(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        language = as_language(slot_value, conversation_language(tracker))
        if language:
            return self.accept(REG_LANGUAGE, language)
        return self.reject(REG_LANGUAGE, dispatcher, tracker)

    def validate_reg_pin(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        pin = parse_pin(str(slot_value or ""))
        if pin:
            return self.accept(REG_PIN, pin)
        return self.reject(REG_PIN, dispatcher, tracker)

    def validate_reg_confirmed(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """YES submits. A correction clears the answer it names (or takes the new value it
        carries), and the form asks again and reads back again. A bare NO asks what to change."""
        if slot_value is True:
            return self.accept(REG_CONFIRMED, True)
        text = str(slot_value or "")
        answer = parse_yes_no(text)
        mentioned = mentioned_field(text)
        negative = bool(set(words(text).split()) & (_NOT_A_VALUE | {"no", "not", "but", "pero"}))
        if mentioned and not (answer is True and not negative):
            field, after = mentioned
            changes = correction(field, after, text, tracker, conversation_language(tracker))
            return {**changes, REG_CONFIRMED: None, REG_FAILURES: 0}
        if answer is True:
            return self.accept(REG_CONFIRMED, True)
        if answer is False:
            dispatcher.utter_message(response="utter_ask_reg_change")
            return {REG_CONFIRMED: None, REG_PROMPTED: True}
        return self.reject(REG_CONFIRMED, dispatcher, tracker)


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


# One ask action per plain question: rasa-sdk finds actions among Action's subclasses, which it
# holds weakly, so the generated classes are kept in this tuple.
PLAIN_QUESTIONS: tuple[type[AskSlot], ...] = tuple(
    type(f"Ask_{slot}", (AskSlot,), {"slot": slot})
    for slot in (
        *(
            REG_RELATIONSHIP,
            REG_TERMS,
            REG_OFFENDER_NAME,
            REG_A_NUMBER,
            REG_BIRTH_DATE,
            REG_COUNTRY,
            REG_CHANNEL,
        ),
        *(REG_VOICEMAIL_OK, REG_DISCREET, REG_LANGUAGE, REG_PIN),
    )
)


class AskContact(AskSlot):
    slot = REG_CONTACT

    def question(self, tracker: Tracker, domain: DomainDict) -> tuple[str, dict[str, Any]]:
        kind = "email" if tracker.get_slot(REG_CHANNEL) == "email" else "phone"
        return f"utter_ask_reg_contact_{kind}", {}


class AskConfirmed(AskSlot):
    """The read-back: everything that will be registered, in one message, PIN hidden."""

    slot = REG_CONFIRMED

    def question(self, tracker: Tracker, domain: DomainDict) -> tuple[str, dict[str, Any]]:
        return "utter_ask_reg_confirmed", read_back(tracker, domain)


def read_back(tracker: Tracker, domain: DomainDict) -> dict[str, str]:
    """The variables of utter_ask_reg_confirmed, in the conversation's language."""
    language = conversation_language(tracker)
    channel = message_channel(tracker)

    def part(piece: str, **values: str) -> str:
        text = response_text(domain, f"utter_reg_part_{piece}", language, channel)
        return text.format(**values)

    name = str(tracker.get_slot(REG_OFFENDER_NAME) or "")
    a_number = known_a_number(tracker)
    if a_number:
        offender = part("a_number", name=name, a_number=a_number)
    else:
        offender = part(
            "birth",
            name=name,
            birth_date=_shown_date(tracker.get_slot(REG_BIRTH_DATE), language),
            country=_shown_country(tracker.get_slot(REG_COUNTRY), language),
        )
    channel = str(tracker.get_slot(REG_CHANNEL) or "sms")
    contact = str(tracker.get_slot(REG_CONTACT) or "")
    if contact == THIS_NUMBER:
        shown_contact = part("this_number")
    elif channel == "email":
        shown_contact = contact
    else:
        shown_contact = _shown_phone(contact)
    options = part("discreet" if tracker.get_slot(REG_DISCREET) is not False else "not_discreet")
    if channel == "voice":
        options += " " + part("voicemail" if tracker.get_slot(REG_VOICEMAIL_OK) else "no_voicemail")
    chosen = tracker.get_slot(REG_LANGUAGE) or language
    return {
        "offender": offender,
        "contact": part(channel, contact=shown_contact),
        "language_name": part(f"language_{chosen}"),
        "options": options,
    }


def _shown_date(value: Any, language: str) -> str:
    try:
        return format_date(date.fromisoformat(str(value)), format="long", locale=language)
    except ValueError:
        return str(value or "")


def _shown_country(value: Any, language: str) -> str:
    try:
        return country_name(str(value or ""), language)
    except ValueError:
        return str(value or "")


def _shown_phone(e164: str) -> str:
    """(713) 555-0142 for US numbers, +52 55 1234 5678 for others."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


# -- after the form ----------------------------------------------------------------------------

_ENDINGS = {
    CANCELLED: "utter_registration_cancelled",
    GAVE_UP: "utter_registration_gave_up",
    NOT_ELIGIBLE: "utter_registration_not_eligible",
    DECLINED: "utter_registration_terms_declined",
}


def registration_payload(tracker: Tracker) -> dict[str, Any]:
    """The body of POST /api/registrations (notes/registration-api.md). With an A-number it
    identifies the offender alone, as read back; without one, birth date and country do."""
    a_number = known_a_number(tracker)
    channel = tracker.get_slot(REG_CHANNEL)
    return {
        "registrant": tracker.sender_id,
        "relationship": tracker.get_slot(REG_RELATIONSHIP),
        "terms_version": TERMS_VERSION,
        "offender": {
            "name": tracker.get_slot(REG_OFFENDER_NAME),
            "a_number": a_number,
            "birth_date": None if a_number else tracker.get_slot(REG_BIRTH_DATE),
            "country_of_birth": None if a_number else tracker.get_slot(REG_COUNTRY),
        },
        "contact": {"channel": channel, "value": tracker.get_slot(REG_CONTACT)},
        "voicemail_ok": channel == "voice" and tracker.get_slot(REG_VOICEMAIL_OK) is True,
        "discreet": tracker.get_slot(REG_DISCREET) is not False,
        "language": tracker.get_slot(REG_LANGUAGE) or conversation_language(tracker),
        "pin": tracker.get_slot(REG_PIN),
    }


def forget(*kept: str) -> list[EventType]:
    """Clears the registration's answers and state (the PIN always), except ``kept``."""
    slots = (*FORM_SLOTS, *CONTROL_SLOTS, REG_REGISTRATION_ID, CUSTODY_OFFER)
    return [SlotSet(slot, None) for slot in slots if slot not in kept]


class ActionFinishRegistration(Action):
    """Runs once the registration form has ended, whichever way, and says so. When confirmed,
    saves the registration; the gateway sends a code to the contact, and the rules start
    verification_form because ``reg_registration_id`` is set."""

    def name(self) -> str:
        return "action_finish_registration"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        outcome = tracker.get_slot(REG_OUTCOME)
        if outcome in _ENDINGS or tracker.get_slot(REG_CONFIRMED) is not True:
            dispatcher.utter_message(response=_ENDINGS.get(outcome, _ENDINGS[CANCELLED]))
            return forget()
        payload = registration_payload(tracker)
        try:
            created = await call_gateway(lambda api: api.create_registration(payload))
            registration_id = str(created["id"])
            hint = str(created["contact_hint"])
        except RateLimited as error:
            dispatcher.utter_message(
                response="utter_registration_rate_limited", minutes=minutes_until(error)
            )
            return forget()
        except (GatewayError, GatewayUnavailable, KeyError, TypeError):
            dispatcher.utter_message(response="utter_registration_unavailable")
            return forget()
        dispatcher.utter_message(
            response="utter_registration_code_sent",
            contact_hint=shown_hint(hint, tracker, conversation_language(tracker)),
        )
        # The offender's name and the channel stay for the "your registration is active" answer.
        return [
            *forget(REG_OFFENDER_NAME, REG_CHANNEL),
            SlotSet(REG_REGISTRATION_ID, registration_id),
        ]
