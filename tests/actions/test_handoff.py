"""Asking for a specialist: what the gateway is sent, what the person is told, the pause."""

from __future__ import annotations

import pytest
from rasa_sdk.events import ConversationPaused

from actions import gateway
from actions.handoff import ActionEmergencyFollowup, ActionRequestHandoff, summary
from tests.actions.test_fallback import HandoffGateway
from tests.conftest import make_tracker


def user(text: str, intent: str) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


@pytest.fixture
def fake(monkeypatch) -> HandoffGateway:
    client = HandoffGateway()
    monkeypatch.setattr(gateway, "client", lambda: client)
    return client


@pytest.mark.parametrize(
    ("intent", "reason"),
    [
        ("request_human", "request_human"),
        ("frustration", "frustration"),
        ("affirm", "victimization"),
    ],
)
async def test_the_reason_follows_what_the_person_said(fake, dispatcher, intent, reason):
    tracker = make_tracker("...", intent=intent, slots={"language": "es"})
    events = await ActionRequestHandoff().run(dispatcher, tracker, {})
    (sent,) = fake.requests
    assert (sent["reason"], sent["priority"], sent["language"]) == (reason, "normal", "es")
    assert sent["registrant"] == "test-conversation"
    assert [m["response"] for m in dispatcher.messages] == ["utter_handoff_requested"]
    assert events == [ConversationPaused()]


async def test_an_emergency_is_urgent(fake, dispatcher):
    tracker = make_tracker("he is outside with a knife", intent="emergency")
    events = await ActionEmergencyFollowup().run(dispatcher, tracker, {})
    assert fake.requests[0]["priority"] == "urgent"
    assert fake.requests[0]["reason"] == "emergency"
    assert [m["response"] for m in dispatcher.messages] == ["utter_handoff_urgent"]
    assert events == [ConversationPaused()]


async def test_an_emergency_with_the_gateway_down_still_gets_the_followup(dispatcher, monkeypatch):
    monkeypatch.setattr(gateway, "client", lambda: HandoffGateway(up=False))
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
        events=[user("hola", "greet"), user("quiero avisos", "register_notifications")],
    )
    result = summary(tracker)
    assert result["asked"] == ["greet", "register_notifications"]
    assert result["details"] == {"help_location": "Houston", "reg_offender_name": "Juan Pérez"}
    assert "4821" not in str(result) and "123456" not in str(result)
