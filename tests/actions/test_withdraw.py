"""withdraw_form and action_withdraw: YES or NO to stopping the alerts chosen, and what is
withdrawn, with a fake gateway client in place of the real one. The picking step both lifecycle
forms share is tested in test_lifecycle.py."""

from __future__ import annotations

import pytest

from actions import lifecycle
from actions.gateway import GatewayError, GatewayUnavailable
from actions.withdraw import ActionWithdraw, AskChoiceToWithdraw, AskConfirm, ValidateWithdrawForm
from tests.actions.conftest import (
    DOMAIN,
    SENDER,
    SHOWN_JD,
    SHOWN_MR,
    as_dict,
    ask,
    make_tracker,
    responses,
    turn,
)

# -- the answer --------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [("YES", True), ("no", False), ("2", False)])
async def test_yes_or_no(lifecycle_gateway, dispatcher, text, expected):
    slots = {"lc_registrations": [SHOWN_JD], "lc_choice": "r-1"}
    tracker = turn("withdraw_form", "lc_confirm", text, slots)
    events = await ValidateWithdrawForm().run(dispatcher, tracker, DOMAIN)
    assert as_dict(events)["lc_confirm"] is expected


async def test_unclear_yes_or_no_asks_again(lifecycle_gateway, dispatcher):
    slots = {"lc_registrations": [SHOWN_JD], "lc_choice": "r-1"}
    tracker = turn("withdraw_form", "lc_confirm", "what do you mean", slots)
    events = await ValidateWithdrawForm().run(dispatcher, tracker, DOMAIN)
    assert as_dict(events) == {"lc_confirm": None, "lc_failures": 1}


# -- the questions -----------------------------------------------------------------------------


async def test_list_to_withdraw_in_english(dispatcher):
    await ask(AskChoiceToWithdraw(), dispatcher, "en", lc_registrations=[SHOWN_JD, SHOWN_MR])
    message = dispatcher.messages[0]
    assert message["response"] == "utter_lc_ask_choice_withdraw"
    assert message["listing"] == "1) J. D. by text ***-0142\n2) M. R. by e-mail a***@x.org"


@pytest.mark.parametrize(
    ("language", "contact"), [("en", "by text ***-0142"), ("es", "por texto ***-0142")]
)
async def test_confirm_one(dispatcher, language, contact):
    slots = {"language": language, "lc_registrations": [SHOWN_JD, SHOWN_MR], "lc_choice": "r-1"}
    await AskConfirm().run(dispatcher, make_tracker(slots=slots), DOMAIN)
    assert dispatcher.messages[0]["response"] == "utter_lc_ask_confirm"
    assert dispatcher.messages[0]["offender"] == "J. D."
    assert dispatcher.messages[0]["contact"] == contact


async def test_confirm_all(dispatcher):
    slots = {"lc_registrations": [SHOWN_JD, SHOWN_MR], "lc_choice": "all"}
    await AskConfirm().run(dispatcher, make_tracker(slots=slots), DOMAIN)
    assert dispatcher.messages[0]["response"] == "utter_lc_ask_confirm_all"
    assert dispatcher.messages[0]["offender"] == "J. D., M. R."


# -- withdrawing -------------------------------------------------------------------------------


def confirmed(choice: str, confirm: bool | None = True):
    return make_tracker(
        slots={"lc_registrations": [SHOWN_JD, SHOWN_MR], "lc_choice": choice, "lc_confirm": confirm}
    )


async def test_withdraws_the_one_confirmed(lifecycle_gateway, dispatcher):
    events = await ActionWithdraw().run(dispatcher, confirmed("r-2"), DOMAIN)
    assert lifecycle_gateway.calls == [("withdraw", "r-2", SENDER)]
    assert dispatcher.messages[0]["response"] == "utter_lc_withdrawn"
    assert dispatcher.messages[0]["offender"] == "M. R."
    assert as_dict(events) == dict.fromkeys(lifecycle.LIFECYCLE_SLOTS)


async def test_withdraws_all(lifecycle_gateway, dispatcher):
    await ActionWithdraw().run(dispatcher, confirmed("all"), DOMAIN)
    assert [call[1] for call in lifecycle_gateway.calls] == ["r-1", "r-2"]
    assert dispatcher.messages[0]["offender"] == "J. D., M. R."


async def test_no_keeps_everything(lifecycle_gateway, dispatcher):
    events = await ActionWithdraw().run(dispatcher, confirmed("r-1", False), DOMAIN)
    assert lifecycle_gateway.calls == []
    assert responses(dispatcher) == ["utter_lc_kept"]
    assert as_dict(events)["lc_choice"] is None


async def test_a_form_that_ended_early_changes_nothing_and_says_nothing(
    lifecycle_gateway, dispatcher
):
    events = await ActionWithdraw().run(dispatcher, confirmed("r-1", None), DOMAIN)
    assert lifecycle_gateway.calls == [] and dispatcher.messages == []
    assert as_dict(events) == dict.fromkeys(lifecycle.LIFECYCLE_SLOTS)


async def test_already_gone_counts_as_withdrawn(lifecycle_gateway, dispatcher):
    lifecycle_gateway.fail_ids["r-1"] = GatewayError(404, {"error": "not_found"})
    await ActionWithdraw().run(dispatcher, confirmed("all"), DOMAIN)
    assert dispatcher.messages[0]["offender"] == "J. D., M. R."


async def test_gateway_down_midway_reports_what_was_done(lifecycle_gateway, dispatcher):
    lifecycle_gateway.fail_ids["r-2"] = GatewayUnavailable("timeout")
    await ActionWithdraw().run(dispatcher, confirmed("all"), DOMAIN)
    assert responses(dispatcher) == ["utter_lc_withdrawn", "utter_lc_unavailable"]
    assert dispatcher.messages[0]["offender"] == "J. D."
