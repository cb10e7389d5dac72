"""Human handoff end to end: an SMS asks for a person, the ticketing system gets a signed webhook,
a specialist answers through the API, the victim's answer reaches the specialist and not the
assistant, and after closing the assistant answers again."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests

from channels.twilio.fake_phone import FakePhone
from scripts.stack import Stack
from tests.e2e.registration_flow import outbox_for
from tests.e2e.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.e2e
SPECIALIST = "ana"


def specialist_api(stack: Stack, method: str, path: str, **kwargs: Any) -> Any:
    token = stack.environment()["HOTLINE_INTEGRATIONS_TOKEN"]
    headers = {"Authorization": f"Bearer {token}", "X-Hotline-Actor": SPECIALIST}
    response = requests.request(
        method, f"{stack.gateway_url}/api/handoffs{path}", headers=headers, timeout=10, **kwargs
    )
    assert response.status_code < 300, (response.status_code, response.text)
    return response.json()


def ask_for_a_person(receiver: WebhookReceiver, texter: FakePhone) -> tuple[str, float]:
    """Texts a request for a person; returns the handoff's id and the webhook's delay."""
    started = time.monotonic()
    reply = " ".join(texter.text("can i talk to a real person please"))
    assert "specialist" in reply and "911" in reply, reply
    created = receiver.wait_for("handoff.created", after=started)
    assert created.signature_valid
    assert "summary" not in created.data and "conversation_id" not in created.data
    return str(created.data["id"]), created.at - started


def test_a_specialist_takes_over_and_hands_back(
    stack: Stack, receiver: WebhookReceiver, phone: Callable[[], FakePhone]
):
    texter = phone()
    texter.text("hi")
    handoff_id, _ = ask_for_a_person(receiver, texter)

    specialist_api(stack, "POST", f"/{handoff_id}/claim", json={"specialist": SPECIALIST})
    assert receiver.wait_for("handoff.claimed", handoff_id).signature_valid
    hello = "Hi, this is Ana, a victim assistance specialist. How can I help?"
    specialist_api(
        stack, "POST", f"/{handoff_id}/reply", json={"specialist": SPECIALIST, "text": hello}
    )
    assert hello in [m["body"] for m in outbox_for(stack, texter)]

    answer = "my brother was hurt and i need a lawyer"
    assert texter.text(answer) == []  # Ana answers herself; the assistant stays quiet
    record = specialist_api(stack, "GET", f"/{handoff_id}")
    assert answer in [entry["body"] for entry in record["transcript"]]
    assert record["summary"]["asked"][-1] == "request_human"

    closed = specialist_api(stack, "POST", f"/{handoff_id}/close", json={"specialist": SPECIALIST})
    assert closed["assistant_resumed"] is True
    assert receiver.wait_for("handoff.closed", handoff_id).signature_valid
    assert any("back with the automated assistant" in m["body"] for m in outbox_for(stack, texter))
    reply = " ".join(texter.text("what services do you offer"))
    assert reply and "specialists" not in reply  # the assistant again


def test_webhook_delay_from_the_message_to_the_receiver(
    stack: Stack, receiver: WebhookReceiver, phone: Callable[[], FakePhone]
):
    delays = [ask_for_a_person(receiver, phone())[1] for _ in range(20)]
    median = statistics.median(delays)
    print(
        f"\nhandoff webhook delay over 20: median {median * 1000:.0f} ms, "
        f"max {max(delays) * 1000:.0f} ms"
    )
    assert median < 2.0
