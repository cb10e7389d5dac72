"""Stopping custody alerts (``unsubscribe``) and changing where they go (``update_contact``).

Two forms share the same picking step:

- ``withdraw_form``: which registration (``lc_choice``: a number from the list, or ALL), then
  YES or NO (``lc_confirm``); ``action_withdraw`` then withdraws it.
- ``contact_form``: which registration, the new channel (``lc_channel``: 1 text, 2 call,
  3 e-mail) and the new contact (``lc_value``); ``action_change_contact`` asks the gateway to
  send a code to the new contact, and the registration helper's ``verification_form`` takes it.

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
    THIS_NUMBER,
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
    REG_REGISTRATION_ID,
)
from formats.text import fold
from formats.values import parse_channel, parse_email, parse_phone, parse_yes_no, spoken_digits

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
# "THIS", "this one", "same number", "este", "el mismo": a short answer with one of these words
# and no negation ("this isn't right", "no es este") means the phone in use.
_THIS_WORDS = frozenset({"this", "same", "current", "este", "mismo", "misma", "actual"})
_NEGATIONS = frozenset({"no", "not", "t", "never", "nunca"})
_MAX_THIS_WORDS = 4
_WORD = re.compile(r"[a-z]+")
_NUMBER = re.compile(r"\d+")


# -- reading answers ---------------------------------------------------------------------------


def _folded_words(text: str) -> list[str]:
    """Lower-case words without accents: "¡TODOS, Sí!" -> ["todos", "si"]. Only the letters a to
    z make words, so an apostrophe splits one ("isn't" -> "isn", "t") and digits are left out."""
    return _WORD.findall(fold(text))


def parse_choice(text: str, count: int, allow_all: bool) -> int | str | None:
    """The position (1-based) picked from a list of ``count``, or ``ALL``; None if unclear.

    "2", "number 2", "two", "el dos", "the second one" pick 2; "ALL", "todos", "both" pick all
    when allowed. Anything else around the number ("which one", "2 or 3") makes it unclear.
    """
    position: int | None = None
    ordinals = {_ORDINALS[word] for word in _folded_words(text) if word in _ORDINALS}
    numbers = _NUMBER.findall(spoken_digits(text))
    if len(ordinals) == 1 and not _NUMBER.search(text):
        position = ordinals.pop()
    elif len(numbers) == 1 and set(_folded_words(spoken_digits(text))) <= _NUMBER_FILLERS:
        position = int(numbers[0])
    elif not numbers and allow_all and _ALL_WORDS.intersection(_folded_words(text)):
        return ALL
    return position if position is not None and 1 <= position <= count else None


def parse_new_contact(text: str, channel: str) -> str | None:
    """The new contact for ``channel``: an e-mail address, or a phone number in E.164, or
    ``this_number`` for "THIS" / "this number" / "este" (the phone the person is using now,
    which only the gateway knows)."""
    if channel == "email":
        return parse_email(text)
    phone = parse_phone(text)
    if phone:
        return phone
    words = _folded_words(text)
    if (
        not _NUMBER.search(text)
        and len(words) <= _MAX_THIS_WORDS
        and _THIS_WORDS.intersection(words)
        and not _NEGATIONS.intersection(words)
    ):
        return THIS_NUMBER
    return None


def _fits(channel: str, value: str) -> bool:
    """Whether a contact found earlier suits the channel chosen (an e-mail is not a phone)."""
    return (channel == "email") == ("@" in value)


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


def _registrations(tracker: Tracker) -> list[dict[str, Any]]:
    return list(tracker.get_slot(LC_REGISTRATIONS) or [])


def _chosen(tracker: Tracker) -> list[dict[str, Any]]:
    """The registrations ``lc_choice`` points at (all of them for ALL)."""
    choice = tracker.get_slot(LC_CHOICE)
    registrations = _registrations(tracker)
    if choice == ALL:
        return registrations
    return [registration for registration in registrations if registration["id"] == choice]


def _initials(registrations: list[dict[str, Any]]) -> str:
    return ", ".join(registration["offender_hint"] for registration in registrations)


# -- talking to the gateway --------------------------------------------------------------------


async def _withdraw_one(registration_id: str, registrant: str) -> None:
    await call_gateway(lambda api: api.withdraw(registration_id, registrant))


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
        registrations = _registrations(tracker)
        choice = parse_choice(str(value or ""), len(registrations), self.allow_all)
        if choice is None:
            return self.invalid(dispatcher, tracker, LC_CHOICE, "utter_lc_invalid")
        picked = ALL if choice == ALL else registrations[int(choice) - 1]["id"]
        return {LC_CHOICE: picked, LC_FAILURES: 0}


class ValidateWithdrawForm(LifecycleFormValidation):
    allow_all = True
    none_response = "utter_lc_none"

    def name(self) -> str:
        return "validate_withdraw_form"

    def validate_lc_confirm(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        answer = parse_yes_no(str(value or ""))
        if answer is None:
            return self.invalid(dispatcher, tracker, LC_CONFIRM, "utter_lc_invalid")
        return {LC_CONFIRM: answer, LC_FAILURES: 0}


class ValidateContactForm(LifecycleFormValidation):
    allow_all = False
    none_response = "utter_lc_none_to_change"

    def name(self) -> str:
        return "validate_contact_form"

    def prefilled(self, tracker: Tracker) -> dict[str, Any]:
        """ "my new email is ana@example.org" needs no more questions than which registration;
        "my new number is 713 555 0199" still needs text or call."""
        text = str(tracker.latest_message.get("text") or "")
        email = parse_email(text)
        if email:
            return {LC_CHANNEL: "email", LC_VALUE: email}
        phone = parse_phone(text)
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


class AskChoice(Action):
    """The numbered list of registrations."""

    response = "utter_lc_ask_choice_change"

    def name(self) -> str:
        return "action_ask_contact_form_lc_choice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = listing(_registrations(tracker), domain, tracker)
        dispatcher.utter_message(response=self.response, listing=text)
        return []


class AskChoiceToWithdraw(AskChoice):
    response = "utter_lc_ask_choice_withdraw"

    def name(self) -> str:
        return "action_ask_withdraw_form_lc_choice"


class AskConfirm(Action):
    """ "Stop custody alerts about J. D. (by text ***-0142)? Reply YES or NO"."""

    def name(self) -> str:
        return "action_ask_lc_confirm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        chosen = _chosen(tracker)
        if tracker.get_slot(LC_CHOICE) == ALL:
            dispatcher.utter_message(
                response="utter_lc_ask_confirm_all", offender=_initials(chosen)
            )
        elif chosen:
            registration = chosen[0]
            dispatcher.utter_message(
                response="utter_lc_ask_confirm",
                offender=registration["offender_hint"],
                contact=how_reached(registration, domain, tracker),
            )
        return []


class AskChannel(Action):
    def name(self) -> str:
        return "action_ask_lc_channel"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(
            response="utter_lc_ask_channel", offender=_initials(_chosen(tracker))
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


# -- after the forms ---------------------------------------------------------------------------


class ActionWithdraw(Action):
    """Withdraws what was chosen and confirmed; a NO keeps everything, an early end says nothing
    more (the form already did)."""

    def name(self) -> str:
        return "action_withdraw"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        confirm = tracker.get_slot(LC_CONFIRM)
        if confirm is False:
            dispatcher.utter_message(response="utter_lc_kept")
        elif confirm is True:
            await self.withdraw(dispatcher, tracker.sender_id, _chosen(tracker))
        return cleared()

    @staticmethod
    async def withdraw(
        dispatcher: CollectingDispatcher, registrant: str, chosen: list[dict[str, Any]]
    ) -> None:
        withdrawn: list[dict[str, Any]] = []
        failure: Exception | None = None
        for registration in chosen:
            try:
                await _withdraw_one(registration["id"], registrant)
            except GatewayError as error:
                # Not found: already withdrawn (by STOP, or expired), which is what was wanted.
                if error.status != 404:
                    failure = error
                    break
            except GatewayUnavailable as error:
                failure = error
                break
            withdrawn.append(registration)
        if withdrawn:
            dispatcher.utter_message(response="utter_lc_withdrawn", offender=_initials(withdrawn))
        if failure is not None:
            tell_failure(dispatcher, failure)


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
        chosen = _chosen(tracker)
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


class ActionLifecycleCancel(Action):
    """ "cancel" in the middle of either form (the rules deactivate the form first)."""

    def name(self) -> str:
        return "action_lc_cancel"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_lc_cancelled")
        return cleared()
