"""verification_form: checking the code with the gateway, resending it, its first question, and
what action_finish_verification says for a new registration or a new contact."""

from __future__ import annotations

from typing import Any

import pytest

from actions.gateway import GatewayError, GatewayUnavailable, RateLimited
from actions.verification import ActionFinishVerification, AskCode, ValidateVerificationForm
from tests.actions.conftest import DOMAIN, as_dict, make_tracker, responses

FORM = ValidateVerificationForm()


def answering(text: str, intent: str = "inform", **slots: Any):
    return make_tracker(
        text=text,
        intent=intent,
        slots={"requested_slot": "reg_code", "reg_registration_id": "r-17", "reg_code": text,
               **slots},
        events=[{"event": "slot", "name": "reg_code", "value": text}],
    )  # fmt: skip


async def check(text: str, dispatcher, **slots: Any) -> dict[str, Any]:
    return await FORM.validate_reg_code(text, dispatcher, answering(text, **slots), DOMAIN)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("482913", "482913"),
        ("my code is 482 913", "482913"),
        ("four eight two nine one three", "482913"),
        ("el código es cuatro ocho dos nueve uno tres", "482913"),
    ],
)
async def test_the_right_code_activates(text, code, fake_gateway, dispatcher):
    fake_gateway.answers["verify"] = {"result": "verified", "attempts_left": 4, "status": "active"}
    assert await check(text, dispatcher) == {"reg_code": "verified", "reg_failures": 0}
    assert fake_gateway.calls == [("verify", ("r-17", "test-conversation", code), {})]
    assert dispatcher.messages == []


async def test_a_wrong_code_says_how_many_tries_are_left(fake_gateway, dispatcher):
    fake_gateway.answers["verify"] = {"result": "wrong_code", "attempts_left": 3}
    assert await check("111111", dispatcher) == {"reg_code": None, "reg_prompted": True}
    assert dispatcher.messages[0]["response"] == "utter_verification_wrong_code"
    assert dispatcher.messages[0]["attempts_left"] == 3


async def test_the_last_try_is_said_in_the_singular(fake_gateway, dispatcher):
    fake_gateway.answers["verify"] = {"result": "wrong_code", "attempts_left": 1}
    await check("111111", dispatcher)
    assert responses(dispatcher) == ["utter_verification_wrong_code_last"]


@pytest.mark.parametrize(
    "answer",
    [
        {"result": "too_many_attempts", "attempts_left": 0},
        {"result": "wrong_code", "attempts_left": 0},
    ],
)
async def test_too_many_wrong_codes_end_the_form(answer, fake_gateway, dispatcher):
    fake_gateway.answers["verify"] = answer
    result = await check("111111", dispatcher)
    assert result["reg_code"] == "too_many_attempts"
    assert dispatcher.messages == []


async def test_an_expired_code_offers_resend(fake_gateway, dispatcher):
    fake_gateway.answers["verify"] = {"result": "expired", "attempts_left": 4}
    assert await check("482913", dispatcher) == {"reg_code": None, "reg_prompted": True}
    assert responses(dispatcher) == ["utter_verification_expired"]
    assert "RESEND" in DOMAIN["responses"]["utter_verification_expired"][0]["text"]


@pytest.mark.parametrize(
    "text", ["resend", "RESEND", "send it again", "i didnt get the code", "reenviar", "otro código"]
)
async def test_resend_asks_the_gateway_for_a_new_code(text, fake_gateway, dispatcher):
    fake_gateway.answers["resend"] = {"result": "sent", "code_expires_at": "2026-11-29T10:30:00Z"}
    assert await check(text, dispatcher) == {"reg_code": None, "reg_prompted": True}
    assert fake_gateway.calls == [("resend", ("r-17", "test-conversation"), {})]
    assert responses(dispatcher) == ["utter_verification_resent"]


@pytest.mark.parametrize("method", ["resend", "verify"])
async def test_rate_limits_say_when_to_try_again(method, fake_gateway, dispatcher):
    fake_gateway.errors[method] = RateLimited(429, {"error": "rate_limited"}, 600)
    await check("resend" if method == "resend" else "482913", dispatcher)
    assert responses(dispatcher) == ["utter_verification_rate_limited"]
    assert dispatcher.messages[0]["minutes"] == 10


@pytest.mark.parametrize(
    "error", [GatewayUnavailable("timeout"), GatewayError(404, {"error": "not_found"})]
)
async def test_gateway_trouble_apologises_and_keeps_waiting(error, fake_gateway, dispatcher):
    fake_gateway.errors["verify"] = error
    assert await check("482913", dispatcher) == {"reg_code": None, "reg_prompted": True}
    assert responses(dispatcher) == ["utter_verification_unavailable"]


async def test_not_a_code_is_asked_again_with_an_example(fake_gateway, dispatcher):
    result = await check("12345", dispatcher)
    assert result == {"reg_code": None, "reg_failures": 1, "reg_prompted": True}
    assert responses(dispatcher) == ["utter_verification_invalid"]
    assert fake_gateway.calls == []


async def test_three_replies_that_are_not_codes_end_the_form(fake_gateway, dispatcher):
    result = await check("thanks", dispatcher, reg_failures=2)
    assert result["reg_outcome"] == "gave_up"


async def test_without_a_registration_there_is_nothing_to_check(fake_gateway, dispatcher):
    result = await check("482913", dispatcher, reg_registration_id=None)
    assert result["reg_outcome"] == "gave_up"
    assert fake_gateway.calls == []


@pytest.mark.parametrize(("text", "intent"), [("EXIT", "inform"), ("ya no quiero", "cancel")])
async def test_cancel_ends_the_form(text, intent, fake_gateway, dispatcher):
    events = await FORM.run(dispatcher, answering(text, intent), DOMAIN)
    assert as_dict(events) == {"reg_code": None, "reg_outcome": "cancelled", "requested_slot": None}
    assert fake_gateway.calls == []


async def test_verified_ends_the_form(fake_gateway, dispatcher):
    fake_gateway.answers["verify"] = {"result": "verified", "attempts_left": 4}
    events = await FORM.run(dispatcher, answering("482913"), DOMAIN)
    assert as_dict(events)["requested_slot"] is None


# -- the question --------------------------------------------------------------------------------

ACTIVATED = [
    {"event": "user", "text": "yes"},
    {"event": "action", "name": "action_finish_registration"},
    {"event": "action", "name": "verification_form"},
    {"event": "active_loop", "name": "verification_form"},
]


async def test_first_question_is_silent_the_code_message_already_asked(dispatcher):
    tracker = make_tracker(events=ACTIVATED)
    assert await AskCode().run(dispatcher, tracker, DOMAIN) == []
    assert dispatcher.messages == []


async def test_after_an_interruption_the_code_is_asked_for_again(dispatcher):
    events = [*ACTIVATED, {"event": "user", "text": "is this private"}]
    await AskCode().run(dispatcher, make_tracker(events=events), DOMAIN)
    assert responses(dispatcher) == ["utter_ask_reg_code"]


async def test_not_asked_twice_after_a_wrong_code(dispatcher):
    tracker = make_tracker(slots={"reg_prompted": True}, events=[{"event": "user", "text": "1"}])
    events = await AskCode().run(dispatcher, tracker, DOMAIN)
    assert as_dict(events) == {"reg_prompted": None}
    assert dispatcher.messages == []


# -- the end -------------------------------------------------------------------------------------

REGISTRATION = [{"event": "action", "name": "action_finish_registration"}]
CONTACT_CHANGE = [
    *REGISTRATION,
    {"event": "user", "text": "new number please"},
    {"event": "action", "name": "action_change_contact"},
]


async def finish(dispatcher, events, **slots: Any):
    tracker = make_tracker(slots={"reg_registration_id": "r-17", **slots}, events=events)
    return await ActionFinishVerification().run(dispatcher, tracker, DOMAIN)


@pytest.mark.parametrize("channel", ["sms", "voice", "email"])
async def test_verified_registration_is_active(channel, dispatcher):
    events = await finish(
        dispatcher,
        REGISTRATION,
        reg_code="verified",
        reg_channel=channel,
        reg_offender_name="Carlos Mendoza Ruiz",
    )
    assert dispatcher.messages[0]["response"] == f"utter_registration_active_{channel}"
    assert dispatcher.messages[0]["offender"] == "Carlos Mendoza Ruiz"
    slots = as_dict(events)
    assert slots["reg_registration_id"] is None and slots["reg_offender_name"] is None


def test_the_active_message_names_every_event():
    for channel in ("sms", "voice", "email"):
        text = DOMAIN["responses"][f"utter_registration_active_{channel}"][0]["text"]
        for event in ("released", "transferred", "removed", "escapes", "dies"):
            assert event in text


async def test_without_the_name_the_offender_is_named_generically(dispatcher):
    await finish(dispatcher, REGISTRATION, reg_code="verified", language="es")
    assert dispatcher.messages[0]["offender"] == "el delincuente"
    assert dispatcher.messages[0]["response"] == "utter_registration_active_sms"


@pytest.mark.parametrize(
    ("slots", "registration", "contact_change"),
    [
        ({"reg_code": "verified"}, None, "utter_verification_contact_confirmed"),
        ({"reg_outcome": "cancelled"}, "utter_verification_cancelled",
         "utter_verification_contact_cancelled"),
        ({"reg_code": "too_many_attempts"}, "utter_verification_failed",
         "utter_verification_contact_failed"),
        ({"reg_outcome": "gave_up"}, "utter_verification_failed",
         "utter_verification_contact_failed"),
    ],
)  # fmt: skip
async def test_endings_for_a_registration_and_a_contact_change(
    slots, registration, contact_change, dispatcher
):
    if registration:
        await finish(dispatcher, REGISTRATION, **slots)
        assert responses(dispatcher) == [registration]
        dispatcher.messages.clear()
    events = await finish(dispatcher, CONTACT_CHANGE, **slots)
    assert responses(dispatcher) == [contact_change]
    assert as_dict(events)["reg_code"] is None
    assert as_dict(events)["reg_outcome"] is None
