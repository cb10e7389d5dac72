"""The 6-digit code that activates a registration (or confirms a new contact):
``verification_form`` and ``action_finish_verification``.

Whoever starts the form has just said that a code was sent (action_finish_registration, or the
lifecycle helper's action_change_contact), so the form's first question is silent. Each reply is
checked with the gateway at once: a wrong code says how many tries are left, an expired one offers
RESEND, too many wrong ones end the form with a specialist's number. "resend", "otro código" and
the like ask the gateway for a new code. Cancelling leaves the registration inactive.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import (
    CANCELLED,
    CONTROL_SLOTS,
    GAVE_UP,
    AskSlot,
    GuidedForm,
    conversation_language,
    has_phrase,
)
from actions.gateway import (
    GatewayError,
    GatewayUnavailable,
    RateLimited,
    call_gateway,
    minutes_until,
)
from actions.responses import message_channel, response_text
from actions.slots import (
    REG_CHANNEL,
    REG_CODE,
    REG_OFFENDER_NAME,
    REG_OUTCOME,
    REG_PROMPTED,
    REG_REGISTRATION_ID,
)
from formats.digits import spoken_digits

VERIFIED = "verified"
TOO_MANY_ATTEMPTS = "too_many_attempts"
FORM = "verification_form"
# The actions after which verification_form starts: which one tells what the code confirms.
STARTED_BY_REGISTRATION = "action_finish_registration"
STARTED_BY_CONTACT_CHANGE = "action_change_contact"

_RESEND = (
    "resend", "re send", "send again", "send it again", "send the code again", "send another",
    "another code", "new code", "didnt get", "did not get", "never got", "didnt receive",
    "did not receive", "no code", "reenviar", "reenvie", "reenvien", "reenviame", "otro codigo",
    "nuevo codigo", "codigo nuevo", "no me llego", "no llego", "no me ha llegado",
    "otra vez el codigo", "mandelo otra vez", "mandenlo otra vez", "mandemelo otra vez",
)  # fmt: skip


def wants_resend(text: str) -> bool:
    return has_phrase(text, _RESEND)


def six_digit_code(text: str) -> str | None:
    """ "482913", "482 913", "four eight two nine one three" -> "482913"; else None."""
    digits = re.sub(r"\D", "", spoken_digits(text))
    return digits if len(digits) == 6 else None


def started_by(tracker: Tracker) -> str | None:
    """Which action last started a verification: a new registration or a contact change."""
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") in (
            STARTED_BY_REGISTRATION,
            STARTED_BY_CONTACT_CHANGE,
        ):
            return str(event["name"])
    return None


def just_activated(tracker: Tracker) -> bool:
    """Whether the form was activated by this very turn (not resumed after a question)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "active_loop" and event.get("name") == FORM:
            return True
    return False


class ValidateVerificationForm(GuidedForm):
    def name(self) -> str:
        return "validate_verification_form"

    async def validate_reg_code(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        text = str(value or "")
        registration_id = tracker.get_slot(REG_REGISTRATION_ID)
        if not registration_id:
            return self.stop(REG_CODE, GAVE_UP)
        if wants_resend(text):
            return await self._resend(str(registration_id), dispatcher, tracker)
        code = six_digit_code(text)
        if code is None:
            return self.reject(REG_CODE, dispatcher, tracker, "utter_verification_invalid")
        return await self._verify(str(registration_id), code, dispatcher, tracker)

    async def _verify(
        self, registration_id: str, code: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        try:
            answer = await call_gateway(
                lambda api: api.verify(registration_id, tracker.sender_id, code)
            )
        except RateLimited as error:
            dispatcher.utter_message(
                response="utter_verification_rate_limited", minutes=minutes_until(error)
            )
            return _asked_again()
        except (GatewayError, GatewayUnavailable):
            dispatcher.utter_message(response="utter_verification_unavailable")
            return _asked_again()
        result = answer.get("result")
        attempts_left = _int(answer.get("attempts_left"))
        if result == VERIFIED:
            return self.accept(REG_CODE, VERIFIED)
        if result == "expired":
            dispatcher.utter_message(response="utter_verification_expired")
        elif result == TOO_MANY_ATTEMPTS or (result == "wrong_code" and attempts_left <= 0):
            return self.accept(REG_CODE, TOO_MANY_ATTEMPTS)
        elif result == "wrong_code" and attempts_left == 1:
            dispatcher.utter_message(response="utter_verification_wrong_code_last")
        elif result == "wrong_code":
            dispatcher.utter_message(
                response="utter_verification_wrong_code", attempts_left=attempts_left
            )
        else:
            dispatcher.utter_message(response="utter_verification_unavailable")
        return _asked_again()

    @staticmethod
    async def _resend(
        registration_id: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        try:
            await call_gateway(lambda api: api.resend(registration_id, tracker.sender_id))
        except RateLimited as error:
            dispatcher.utter_message(
                response="utter_verification_rate_limited", minutes=minutes_until(error)
            )
        except (GatewayError, GatewayUnavailable):
            dispatcher.utter_message(response="utter_verification_unavailable")
        else:
            dispatcher.utter_message(response="utter_verification_resent")
        return _asked_again()


def _asked_again() -> dict[str, Any]:
    """The message just sent asks for the code again: the form's own question is skipped."""
    return {REG_CODE: None, REG_PROMPTED: True}


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class AskCode(AskSlot):
    """Silent when the form has just started: the action before it said a code was sent."""

    slot = REG_CODE

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if just_activated(tracker) and not tracker.get_slot(REG_PROMPTED):
            return []
        return await super().run(dispatcher, tracker, domain)


class ActionFinishVerification(Action):
    """Says what the code confirmed (or that nothing changed) and forgets the verification."""

    def name(self) -> str:
        return "action_finish_verification"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        contact_change = started_by(tracker) == STARTED_BY_CONTACT_CHANGE
        result = tracker.get_slot(REG_CODE)
        cancelled = tracker.get_slot(REG_OUTCOME) == CANCELLED
        if result == VERIFIED and contact_change:
            dispatcher.utter_message(response="utter_verification_contact_confirmed")
        elif result == VERIFIED:
            channel = tracker.get_slot(REG_CHANNEL)
            channel = channel if channel in ("sms", "voice", "email") else "sms"
            offender = tracker.get_slot(REG_OFFENDER_NAME) or response_text(
                domain,
                "utter_reg_part_the_offender",
                conversation_language(tracker),
                message_channel(tracker),
            )
            dispatcher.utter_message(
                response=f"utter_registration_active_{channel}", offender=offender
            )
        elif cancelled:
            dispatcher.utter_message(
                response="utter_verification_contact_cancelled"
                if contact_change
                else "utter_verification_cancelled"
            )
        else:
            dispatcher.utter_message(
                response="utter_verification_contact_failed"
                if contact_change
                else "utter_verification_failed"
            )
        forgotten = (REG_CODE, REG_REGISTRATION_ID, REG_OFFENDER_NAME, REG_CHANNEL, *CONTROL_SLOTS)
        return [SlotSet(slot, None) for slot in forgotten]
