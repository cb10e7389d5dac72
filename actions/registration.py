"""Signing up for custody alerts: ``registration_form`` and ``action_finish_registration``.

The form asks, one question per message and each answerable with keypad digits: who the person
is (victim, family, guardian), the terms, the offender (full name; A-number, or else date and
country of birth), how to reach them (channel, contact, voicemail, neutral wording, language), a
PIN, and finally reads everything back for a YES or a correction (actions/read_back.py). Wrong
answers, cancelling, interruptions and silent re-asks are the guided forms' shared behaviour
(actions/forms.py), which ``verification_form`` and ``custody_form`` have too.

After the form, ``action_finish_registration`` alone says how it ended and, when confirmed, saves
the registration through the gateway, which sends a code to the contact; the rules then start
``verification_form``. The PIN is never shown and is cleared whatever happens.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import (
    CANCELLED,
    CONTROL_SLOTS,
    DECLINED,
    GAVE_UP,
    NOT_ELIGIBLE,
    AskSlot,
    OffenderQuestions,
    contact_phone,
    conversation_language,
    doesnt_know,
    has_phrase,
    known_a_number,
    words,
)
from actions.gateway import (
    THIS_NUMBER,
    GatewayError,
    GatewayUnavailable,
    RateLimited,
    call_gateway,
    minutes_until,
)
from actions.read_back import after_channel_change, correction, mentioned_field, sounds_negative
from actions.responses import shown_hint
from actions.slots import (
    CUSTODY_OFFER,
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
from formats.answers import parse_channel, parse_language_choice, parse_relationship, parse_yes_no
from formats.contacts import parse_email
from formats.dates import parse_birth_date
from formats.digits import parse_pin

# The terms the person accepts with YES (utter_ask_reg_terms), stored with the registration.
TERMS_VERSION = "2026-11"

# registration_form's answers, in the order it asks for them.
FORM_SLOTS = (
    REG_RELATIONSHIP, REG_TERMS, REG_OFFENDER_NAME, REG_A_NUMBER, REG_BIRTH_DATE, REG_COUNTRY,
    REG_CHANNEL, REG_CONTACT, REG_VOICEMAIL_OK, REG_DISCREET, REG_LANGUAGE, REG_PIN, REG_CONFIRMED,
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


# -- reading answers ---------------------------------------------------------------------------


def none_of_these(text: str) -> bool:
    return has_phrase(text, _NONE_OF_THESE)


def means_this_number(text: str) -> bool:
    return words(text) in _THIS_NUMBER_WHOLE or has_phrase(text, _THIS_NUMBER_PHRASES)


def as_contact(value: Any, channel: str | None) -> str | None:
    """An e-mail for e-mail alerts; else an E.164 phone number, or ``THIS_NUMBER``."""
    text = str(value or "")
    if channel == "email":
        return parse_email(text)
    if text == THIS_NUMBER:
        return THIS_NUMBER
    return contact_phone(text) or (THIS_NUMBER if means_this_number(text) else None)


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


# -- the form ----------------------------------------------------------------------------------


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
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "")
        relationship = parse_relationship(text)
        if relationship:
            return self.accept(REG_RELATIONSHIP, relationship)
        if none_of_these(text):
            return self.stop(REG_RELATIONSHIP, NOT_ELIGIBLE)
        return self.reject(REG_RELATIONSHIP, dispatcher, tracker)

    def validate_reg_terms(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        answer = value if isinstance(value, bool) else parse_yes_no(str(value))
        if answer is True:
            return self.accept(REG_TERMS, True)
        if answer is False:
            return self.stop(REG_TERMS, DECLINED)
        return self.reject(REG_TERMS, dispatcher, tracker)

    def validate_reg_birth_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "")
        found = parse_birth_date(text, conversation_language(tracker))
        if found:
            return self.accept(REG_BIRTH_DATE, found.isoformat())
        if doesnt_know(text):
            return self.stop(REG_BIRTH_DATE, GAVE_UP)
        return self.reject(REG_BIRTH_DATE, dispatcher, tracker)

    def validate_reg_channel(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        channel = parse_channel(str(value or ""))
        if channel:
            return {**after_channel_change(channel, tracker), **self.accept(REG_CHANNEL, channel)}
        return self.reject(REG_CHANNEL, dispatcher, tracker)

    def validate_reg_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        channel = tracker.get_slot(REG_CHANNEL)
        contact = as_contact(value, channel)
        if contact:
            return self.accept(REG_CONTACT, contact)
        kind = "email" if channel == "email" else "phone"
        return self.reject(REG_CONTACT, dispatcher, tracker, f"utter_invalid_reg_contact_{kind}")

    def validate_reg_voicemail_ok(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        answer = value if isinstance(value, bool) else parse_yes_no(str(value))
        if answer is None:
            return self.reject(REG_VOICEMAIL_OK, dispatcher, tracker)
        return self.accept(REG_VOICEMAIL_OK, answer)

    def validate_reg_discreet(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The question is "is it safe to name the office?": YES means no need to be discreet."""
        if isinstance(value, bool):
            return self.accept(REG_DISCREET, value)
        answer = parse_yes_no(str(value))
        if answer is None:
            return self.reject(REG_DISCREET, dispatcher, tracker)
        return self.accept(REG_DISCREET, not answer)

    def validate_reg_language(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        language = as_language(value, conversation_language(tracker))
        if language:
            return self.accept(REG_LANGUAGE, language)
        return self.reject(REG_LANGUAGE, dispatcher, tracker)

    def validate_reg_pin(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        pin = parse_pin(str(value or ""))
        if pin:
            return self.accept(REG_PIN, pin)
        return self.reject(REG_PIN, dispatcher, tracker)

    def validate_reg_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """YES submits. A correction clears the answer it names (or takes the new value it
        carries), and the form asks again and reads back again. A bare NO asks what to change."""
        if value is True:
            return self.accept(REG_CONFIRMED, True)
        text = str(value or "")
        answer = parse_yes_no(text)
        mentioned = mentioned_field(text)
        if mentioned and not (answer is True and not sounds_negative(text)):
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


# One ask action per plain question: rasa-sdk finds actions among Action's subclasses, which it
# holds weakly, so the generated classes are kept in this tuple.
PLAIN_QUESTIONS: tuple[type[AskSlot], ...] = tuple(
    type(f"Ask_{slot}", (AskSlot,), {"slot": slot})
    for slot in FORM_SLOTS
    if slot not in (REG_CONTACT, REG_CONFIRMED)  # AskContact, and AskConfirmed in read_back.py
)


class AskContact(AskSlot):
    slot = REG_CONTACT

    def question(self, tracker: Tracker, domain: DomainDict) -> tuple[str, dict[str, Any]]:
        kind = "email" if tracker.get_slot(REG_CHANNEL) == "email" else "phone"
        return f"utter_ask_reg_contact_{kind}", {}


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
