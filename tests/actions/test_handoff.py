"""Asking for a specialist: what the gateway is sent, what the person is told, the pause."""

from __future__ import annotations

import pytest
from rasa_sdk.events import ConversationPaused, SlotSet

from actions.handoff import (
    ActionEmergencyFollowup,
    ActionRequestCallback,
    ActionRequestHandoff,
    ValidateCallbackForm,
    summary,
)
from tests.actions.conftest import make_tracker, user_event


@pytest.mark.parametrize(
    ("intent", "reason"),
    [
        ("request_human", "request_human"),
        ("frustration", "frustration"),
        ("affirm", "victimization"),
    ],
)
async def test_the_reason_follows_what_the_person_said(handoff_gateway, dispatcher, intent, reason):
    tracker = make_tracker("...", intent=intent, slots={"language": "es"})
    events = await ActionRequestHandoff().run(dispatcher, tracker, {})
    (sent,) = handoff_gateway.requests
    assert (sent["reason"], sent["priority"], sent["language"]) == (reason, "normal", "es")
    assert sent["registrant"] == "test-conversation"
    assert [m["response"] for m in dispatcher.messages] == ["utter_handoff_requested"]
    assert events == [SlotSet("callback_offered", None), ConversationPaused()]


def offered(response: str) -> list[dict]:
    """The events of a turn that ended with ``response`` and a YES to it."""
    return [
        {"event": "action", "name": response},
        {"event": "bot", "text": "..."},
        {"event": "action", "name": "action_listen"},
        user_event("yes", "affirm"),
    ]


@pytest.mark.parametrize(
    ("offer", "reason", "priority"),
    [
        ("utter_report_threat", "threat", "high"),
        ("utter_report_victimization", "victimization", "normal"),
    ],
)
async def test_a_yes_is_handed_over_for_the_offer_it_answers(
    handoff_gateway, dispatcher, offer, reason, priority
):
    tracker = make_tracker("yes", intent="affirm", events=offered(offer))
    events = await ActionRequestHandoff().run(dispatcher, tracker, {})
    (sent,) = handoff_gateway.requests
    assert (sent["reason"], sent["priority"]) == (reason, priority)
    assert [m["response"] for m in dispatcher.messages] == ["utter_handoff_requested"]
    assert events == [SlotSet("callback_offered", None), ConversationPaused()]


async def test_a_threatened_person_outside_hours_is_offered_a_callback(handoff_gateway, dispatcher):
    handoff_gateway.open_now = False
    tracker = make_tracker("yes", intent="affirm", events=offered("utter_report_threat"))
    events = await ActionRequestHandoff().run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_offer_callback"]
    assert events == [SlotSet("callback_offered", True)]


async def test_an_emergency_is_urgent(handoff_gateway, dispatcher):
    tracker = make_tracker("he is outside with a knife", intent="emergency")
    events = await ActionEmergencyFollowup().run(dispatcher, tracker, {})
    assert handoff_gateway.requests[0]["priority"] == "urgent"
    assert handoff_gateway.requests[0]["reason"] == "emergency"
    assert [m["response"] for m in dispatcher.messages] == ["utter_handoff_urgent"]
    assert events == [ConversationPaused()]


async def test_an_emergency_with_the_gateway_down_still_gets_the_followup(
    dispatcher, handoff_gateway
):
    handoff_gateway.up = False
    events = await ActionEmergencyFollowup().run(dispatcher, make_tracker(intent="emergency"), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_emergency_followup"]
    assert events == []


def test_the_summary_has_the_details_but_never_the_pin_or_the_code():
    tracker = make_tracker(
        "talk to someone",
        intent="request_human",
        slots={
            "help_location": "Houston",
            "reg_offender_name": "Juan Pérez",
            "reg_pin": "4821",
            "reg_code": "123456",
        },
        events=[user_event("hola", "greet"), user_event("quiero avisos", "register_notifications")],
    )
    result = summary(tracker)
    assert result["asked"] == ["greet", "register_notifications"]
    assert result["details"] == {"help_location": "Houston", "reg_offender_name": "Juan Pérez"}
    assert "4821" not in str(result) and "123456" not in str(result)


async def test_outside_hours_a_callback_is_offered_instead(dispatcher, handoff_gateway):
    handoff_gateway.open_now = False
    tracker = make_tracker("i want a person", intent="request_human")
    events = await ActionRequestHandoff().run(dispatcher, tracker, {})
    (message,) = dispatcher.messages
    assert message["response"] == "utter_offer_callback"
    assert "Monday to Friday" in message["hours"]
    assert events == [SlotSet("callback_offered", True)]
    assert handoff_gateway.requests == []


async def test_an_emergency_is_handed_over_whatever_the_hour(dispatcher, handoff_gateway):
    handoff_gateway.open_now = False
    await ActionEmergencyFollowup().run(dispatcher, make_tracker(intent="emergency"), {})
    assert handoff_gateway.requests[0]["priority"] == "urgent"


@pytest.mark.parametrize(
    ("text", "expected"), [("yes", True), ("2", False), ("no", False), ("maybe later", None)]
)
def test_the_voicemail_answer_is_yes_or_no(dispatcher, text, expected):
    result = ValidateCallbackForm().validate_callback_voicemail_ok(
        text, dispatcher, make_tracker(text), {}
    )
    assert result == {"callback_voicemail_ok": expected}
    assert bool(dispatcher.messages) is (expected is None)  # re-asked with the choices


def test_the_window_is_kept_as_said_within_a_limit(dispatcher):
    validate = ValidateCallbackForm().validate_callback_window
    assert validate("  tomorrow   after 5 ", dispatcher, make_tracker(), {}) == {
        "callback_window": "tomorrow after 5"
    }
    assert len(validate("x" * 500, dispatcher, make_tracker(), {})["callback_window"]) == 120
    assert validate("   ", dispatcher, make_tracker(), {}) == {"callback_window": None}


async def test_the_callback_request_carries_when_and_voicemail(handoff_gateway, dispatcher):
    slots = {"callback_window": "tomorrow after 5", "callback_voicemail_ok": False}
    tracker = make_tracker("no", intent="deny", slots={**slots, "language": "es"})
    events = await ActionRequestCallback().run(dispatcher, tracker, {})
    (sent,) = handoff_gateway.requests
    assert (sent["reason"], sent["language"]) == ("callback", "es")
    assert sent["summary"]["callback"] == {"window": "tomorrow after 5", "voicemail_ok": False}
    assert dispatcher.messages[0]["response"] == "utter_callback_requested"
    assert SlotSet("callback_window", None) in events
    assert ConversationPaused() not in events  # the assistant keeps answering meanwhile
