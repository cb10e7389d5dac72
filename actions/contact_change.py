"""Changing where custody alerts go (``update_contact``): ``contact_form`` and
``action_change_contact``.

After the picking step every lifecycle form shares (actions/lifecycle.py), the form asks the new
channel (``lc_channel``: 1 text, 2 call, 3 e-mail) and the new contact (``lc_value``), unless the
message that started it gave them. ``action_change_contact`` asks the gateway to send a code to
the new contact, and the registration helper's ``verification_form`` takes it; the old contact
keeps working until the new one is confirmed.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import contact_phone, latest_text
from actions.gateway import (
    THIS_NUMBER,
    GatewayError,
    GatewayUnavailable,
    RateLimited,
    call_gateway,
)
from actions.lifecycle import (
    NUMBER,
    LifecycleFormValidation,
    chosen_registrations,
    cleared,
    folded_words,
    initials,
    tell_failure,
)
from actions.responses import shown_hint
from actions.slots import LANGUAGE, LC_CHANNEL, LC_FAILURES, LC_VALUE, REG_REGISTRATION_ID
from formats.answers import parse_channel
from formats.contacts import parse_email

# "THIS", "this one", "same number", "este", "el mismo": a short answer with one of these words
# and no negation ("this isn't right", "no es este") means the phone in use.
_THIS_WORDS = frozenset({"this", "same", "current", "este", "mismo", "misma", "actual"})
_NEGATIONS = frozenset({"no", "not", "t", "never", "nunca"})
_MAX_THIS_WORDS = 4


# -- reading answers ---------------------------------------------------------------------------


def parse_new_contact(text: str, channel: str) -> str | None:
    """The new contact for ``channel``: an e-mail address, or a phone number in E.164, or
    ``this_number`` for "THIS" / "this number" / "este" (the phone the person is using now,
    which only the gateway knows)."""
    if channel == "email":
        return parse_email(text)
    phone = contact_phone(text)
    if phone:
        return phone
    words = folded_words(text)
    if (
        not NUMBER.search(text)
        and len(words) <= _MAX_THIS_WORDS
        and _THIS_WORDS.intersection(words)
        and not _NEGATIONS.intersection(words)
    ):
        return THIS_NUMBER
    return None


def _fits(channel: str, value: str) -> bool:
    """Whether a contact found earlier suits the channel chosen (an e-mail is not a phone)."""
    return (channel == "email") == ("@" in value)


# -- the form ----------------------------------------------------------------------------------


class ValidateContactForm(LifecycleFormValidation):
    allow_all = False
    none_response = "utter_lc_none_to_change"

    def name(self) -> str:
        return "validate_contact_form"

    def prefilled(self, tracker: Tracker) -> dict[str, Any]:
        """ "my new email is ana@example.org" needs no more questions than which registration;
        "my new number is 713 555 0199" still needs text or call."""
        text = latest_text(tracker)
        email = parse_email(text)
        if email:
            return {LC_CHANNEL: "email", LC_VALUE: email}
        phone = contact_phone(text)
        return {LC_VALUE: phone} if phone else {}

    def validate_lc_channel(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        channel = parse_channel(str(value or ""))
        if channel is None:
            return self.invalid(dispatcher, tracker, LC_CHANNEL, "utter_lc_invalid")
        slots: dict[str, Any] = {LC_CHANNEL: channel, LC_FAILURES: 0}
        earlier = tracker.get_slot(LC_VALUE)
        if earlier and not _fits(channel, str(earlier)):
            slots[LC_VALUE] = None
        return slots

    def validate_lc_value(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        channel = str(tracker.get_slot(LC_CHANNEL) or "sms")
        contact = parse_new_contact(str(value or ""), channel)
        if contact is None:
            response = "utter_lc_invalid_email" if channel == "email" else "utter_lc_invalid_phone"
            return self.invalid(dispatcher, tracker, LC_VALUE, response)
        return {LC_VALUE: contact, LC_FAILURES: 0}


# -- the questions -----------------------------------------------------------------------------


class AskChannel(Action):
    def name(self) -> str:
        return "action_ask_lc_channel"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(
            response="utter_lc_ask_channel", offender=initials(chosen_registrations(tracker))
        )
        return []


class AskValue(Action):
    def name(self) -> str:
        return "action_ask_lc_value"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        email = tracker.get_slot(LC_CHANNEL) == "email"
        dispatcher.utter_message(response="utter_lc_ask_email" if email else "utter_lc_ask_phone")
        return []


# -- after the form ----------------------------------------------------------------------------


class ActionChangeContact(Action):
    """Asks the gateway to send a code to the new contact. Only when it did, sets
    ``reg_registration_id``, and the rules start the registration helper's ``verification_form``
    (whose first question stays silent: this action has just asked for the code)."""

    def name(self) -> str:
        return "action_change_contact"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        nothing_sent = [*cleared(), SlotSet(REG_REGISTRATION_ID, None)]
        chosen = chosen_registrations(tracker)
        channel, value = tracker.get_slot(LC_CHANNEL), tracker.get_slot(LC_VALUE)
        if not (len(chosen) == 1 and channel and value):
            return nothing_sent
        registration_id = chosen[0]["id"]
        try:
            answer = await call_gateway(
                lambda api: api.change_contact(
                    registration_id, tracker.sender_id, str(channel), str(value)
                )
            )
            hint = str(answer["pending_contact_hint"])
        except GatewayError as error:
            if error.status == 422 and not isinstance(error, RateLimited):
                dispatcher.utter_message(response="utter_lc_contact_rejected")
            else:
                tell_failure(dispatcher, error)
            return nothing_sent
        except (GatewayUnavailable, KeyError):
            dispatcher.utter_message(response="utter_lc_unavailable")
            return nothing_sent
        language = tracker.get_slot(LANGUAGE)
        dispatcher.utter_message(
            response="utter_lc_code_sent", hint=shown_hint(hint, tracker, language)
        )
        return [*cleared(), SlotSet(REG_REGISTRATION_ID, registration_id)]
