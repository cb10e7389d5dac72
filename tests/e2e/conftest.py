"""The real thing: action server, Rasa server and gateway as processes, texted over signed HTTP.

One stack per test session on free ports the kernel chooses and a fresh SQLite database.
Needs the trained model (`make train`); `make test-e2e` trains first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from channels.storage.database import Database
from channels.twilio.fake_phone import FakePhone
from scripts.stack import MODEL, Ports, Stack
from tests.e2e.webhook_receiver import WebhookReceiver

RECEIVER_SECRET = "e2e-webhook-secret"

PORTS = Ports.free()


@pytest.fixture(scope="session")
def receiver() -> Iterator[WebhookReceiver]:
    """A ticketing system's end of the handoff webhooks, checking signatures like a real one."""
    with WebhookReceiver(RECEIVER_SECRET) as running:
        yield running


@pytest.fixture(scope="session")
def stack(tmp_path_factory, receiver: WebhookReceiver) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` first")
    workdir = tmp_path_factory.mktemp("stack")
    stack = Stack.throwaway(
        PORTS,
        workdir,
        HOTLINE_ENV="development",
        HOTLINE_RASA_TIMEOUT="5",
        HOTLINE_SWEEP_SECONDS="1",  # texts kept while Rasa was down are followed up quickly
        HOTLINE_WEBHOOK_URLS=receiver.url,
        HOTLINE_WEBHOOK_SECRET=RECEIVER_SECRET,
    )
    with stack:
        yield stack


@pytest.fixture
def phone(stack: Stack) -> Callable[[], FakePhone]:
    """A new phone number texting the stack through /twilio/sms, signed like Twilio."""

    def new_phone() -> FakePhone:
        return stack.phone()

    return new_phone


@pytest.fixture
def database(stack: Stack) -> Iterator[Database]:
    db = Database(stack.environment()["HOTLINE_DATABASE_URL"])
    yield db
    db.dispose()
