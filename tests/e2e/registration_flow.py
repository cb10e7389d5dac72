"""The custody-alert journey over signed SMS, shared by the default and the production stacks:
sign up by conversation, take the code from the outbox, activate, post a custody event, find the
notification in the outbox, confirm it with OK."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import requests

from channels.twilio.fake_phone import FakePhone
from scripts.stack import Stack

A_NUMBER = "A204555781"
OFFENDER = "Juan Carlos Pérez Gómez"
PIN = "4821"

# What the person texts, and a word each answer must contain (the next question, or the outcome).
SIGN_UP = [
    ("i want to sign up for custody alerts", "victim"),
    ("1", "YES"),
    ("yes", "full name"),
    (OFFENDER, "A-number"),
    ("a 204-555-781", "text"),
    ("1", "number"),
    ("this number", "neutral"),
    ("yes", "English"),
    ("yes", "PIN"),
    (PIN, "Please check"),
]


def api(stack: Stack, method: str, path: str, token_name: str, **kwargs: Any) -> Any:
    token = stack.environment()[token_name]
    response = requests.request(
        method,
        f"{stack.gateway_url}{path}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
        **kwargs,
    )
    assert response.status_code < 300, (response.status_code, response.text)
    return response.json()


def outbox_for(stack: Stack, phone: FakePhone) -> list[dict[str, Any]]:
    messages = api(
        stack, "GET", "/api/outbox", "HOTLINE_API_TOKEN", params={"to": phone.from_number}
    )
    return list(messages["messages"])


def wait_for(stack: Stack, phone: FakePhone, reference: str, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in outbox_for(stack, phone) if m["reference"].startswith(reference)]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"nothing with reference {reference!r} in the outbox")


def wait_until_sent(stack: Stack, event_id: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    path = f"/api/custody-events/{event_id}"
    while time.monotonic() < deadline:
        if api(stack, "GET", path, "HOTLINE_EVENTS_TOKEN")["notifications"].get("sent"):
            return
        time.sleep(0.2)
    raise AssertionError(f"the notification of {event_id} was never recorded as sent")


def say(phone: FakePhone, text: str, expected: str) -> str:
    reply = " ".join(phone.text(text))
    assert expected.casefold() in reply.casefold(), (text, reply)
    return reply


def register_and_get_notified(stack: Stack, phone: FakePhone) -> None:
    for text, expected in SIGN_UP:
        reply = say(phone, text, expected)
    assert PIN not in reply  # the read-back never shows the PIN
    assert OFFENDER in reply and A_NUMBER in reply.replace(" ", "")

    reply = say(phone, "yes", "6-digit code")
    code_message = wait_for(stack, phone, "code:")
    code = re.search(r"\b(\d{6})\b", code_message["body"])
    assert code is not None, code_message
    say(phone, code.group(1), "registration is active")

    event_id = f"e2e-{uuid.uuid4().hex}"
    event = {
        "event_id": event_id,
        "type": "transfer",
        "offender": {"a_number": A_NUMBER},
        "facility": {"name": "Sample Processing Center", "city": "Dallas", "state": "TX"},
        "occurred_at": "2026-11-29T14:05:00Z",
    }
    posted = api(stack, "POST", "/api/custody-events", "HOTLINE_EVENTS_TOKEN", json=event)
    assert posted["duplicate"] is False
    again = api(stack, "POST", "/api/custody-events", "HOTLINE_EVENTS_TOKEN", json=event)
    assert again["duplicate"] is True

    notification = wait_for(stack, phone, "notification-attempt:")
    assert OFFENDER in notification["body"] and "Dallas" in notification["body"]
    assert "Reply OK" in notification["body"]
    # The local outbox holds the text before the sender records it as sent; a real phone
    # receives it after Twilio's API has answered. Reply as a person would: once it is sent.
    wait_until_sent(stack, event_id)
    say(phone, "OK", "received the alert")

    status = api(stack, "GET", f"/api/custody-events/{event_id}", "HOTLINE_EVENTS_TOKEN")
    assert status["notifications"] == {"confirmed": 1}
    notifications = [
        m for m in outbox_for(stack, phone) if m["reference"].startswith("notification-attempt:")
    ]
    assert len(notifications) == 1  # the repeated event sent nothing more
    assert_logs_hold_none_of(stack, phone.from_number, OFFENDER, A_NUMBER, PIN, code.group(1))


def assert_logs_hold_none_of(stack: Stack, *secrets: str) -> None:
    """Rasa's, the action server's, the gateway's and the worker's logs: no number, name,
    A-number, PIN or code, however it was written.

    A run of digits counts where it stands alone: a four-digit PIN is, by chance, part of some
    request id ("...94821f..."), a fraction ("0.4821") or a process id ("[4821]",
    "pid: 4821"), which are the logs' own numbers, not anything a person typed."""
    logs = {
        path.name: _PROCESS_IDS.sub(" ", path.read_text(errors="replace"))
        for path in stack.log_dir.glob("*.log")
    }
    assert {"rasa.log", "actions.log", "gateway.log"} <= set(logs)
    for secret in secrets:
        digits = re.sub(r"\D", "", secret)
        patterns = [] if secret.isdigit() else [re.escape(secret)]
        if len(digits) >= 4:  # "+15550100123" as 5550100123, "A204555781" as 204555781
            patterns.append(rf"(?<![0-9a-f.]){digits[-9:]}(?![0-9a-f])")
        for name, text in logs.items():
            for pattern in patterns:
                assert not re.search(pattern, text, re.IGNORECASE), (name, pattern)


_PROCESS_IDS = re.compile(r"\[\d+\]|\bpid[:=]? ?\d+", re.IGNORECASE)
