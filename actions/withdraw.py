"""Stopping custody alerts (``unsubscribe``): ``withdraw_form`` and ``action_withdraw``.

After the picking step every lifecycle form shares (actions/lifecycle.py), in which a number from
the list or ALL chooses the registrations (``lc_choice``), the form asks YES or NO
(``lc_confirm``); ``action_withdraw`` then withdraws them. NO keeps everything.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.gateway import GatewayError, GatewayUnavailable, call_gateway
from actions.lifecycle import (
    ALL,
    AskChoice,
    LifecycleFormValidation,
    chosen_registrations,
    cleared,
    how_reached,
    initials,
    tell_failure,
)
from actions.slots import LC_CHOICE, LC_CONFIRM, LC_FAILURES
from formats.answers import parse_yes_no

# -- the form ----------------------------------------------------------------------------------


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


# -- the questions -----------------------------------------------------------------------------


class AskChoiceToWithdraw(AskChoice):
    response = "utter_lc_ask_choice_withdraw"

    def name(self) -> str:
        return "action_ask_withdraw_form_lc_choice"


class AskConfirm(Action):
    """ "Stop custody alerts about J. D. (by text ***-0142)? Reply YES (1) or NO (2)"."""

    def name(self) -> str:
        return "action_ask_lc_confirm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        chosen = chosen_registrations(tracker)
        if tracker.get_slot(LC_CHOICE) == ALL:
            dispatcher.utter_message(response="utter_lc_ask_confirm_all", offender=initials(chosen))
        elif chosen:
            registration = chosen[0]
            dispatcher.utter_message(
                response="utter_lc_ask_confirm",
                offender=registration["offender_hint"],
                contact=how_reached(registration, domain, tracker),
            )
        return []


# -- after the form ----------------------------------------------------------------------------


async def _withdraw_one(registration_id: str, registrant: str) -> None:
    await call_gateway(lambda api: api.withdraw(registration_id, registrant))


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
            await self.withdraw(dispatcher, tracker.sender_id, chosen_registrations(tracker))
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
            dispatcher.utter_message(response="utter_lc_withdrawn", offender=initials(withdrawn))
        if failure is not None:
            tell_failure(dispatcher, failure)
