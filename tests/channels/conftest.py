"""The gateway's fixtures: settings and app on a temporary SQLite file, a signed-request helper,
a scripted assistant standing in for Rasa, and a throwaway PostgreSQL database; and the helpers
of the storage tests: a database on either backend, migrated, and a stored row read back."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from channels import create_app
from channels.assistant.client import RASA, AssistantUnavailable, Intent, TurnResult, as_message
from channels.config.settings import Settings
from channels.storage.database import DATABASE, Database
from channels.twilio.fake_phone import sms_params
from channels.twilio.signature import SIGNATURE_HEADER, sign
from scripts.throwaway_postgres import throwaway_postgres

T = TypeVar("T")

AUTH_TOKEN = "test-auth-token"
PUBLIC_URL = "https://hotline.example.org"


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        twilio_auth_token=AUTH_TOKEN,
        secret_key="test-secret-key",
        public_url=PUBLIC_URL,
        database_url=f"sqlite:///{tmp_path}/hotline.db",
        rasa_url="http://127.0.0.1:9",  # nothing listens: unit tests script the assistant
        actions_url="http://127.0.0.1:9/webhook",
        rasa_timeout_seconds=1.0,
        dev_mode=True,
        sweep_seconds=0,
        spool_dir=str(tmp_path / "spool"),
    )


class Clock:
    """An injected ``utcnow``: tests move time instead of waiting for it."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class ScriptedAssistant:
    """Stands in for the Rasa client in gateway unit tests; records what Rasa would receive
    (``as_message``: the gateway's intents as "/name", a person's words never as a command)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self.answer: list[str] | None = ["Hello from the assistant."]
        self.intent_answer: str | None = None
        self.parsed: list[str] = []
        self.tracker_events: list[tuple[str, str]] = []
        self.voice_answer: Any = TurnResult(texts=("Hello from the assistant.",), language="en")
        self.voice_delay = 0.0

    def send(
        self,
        sender: str,
        text: str | Intent,
        metadata: dict[str, Any],
        timeout_seconds: float | None = None,
    ) -> list[str]:
        self.calls.append((sender, as_message(text), dict(metadata)))
        if self.answer is None:
            raise AssistantUnavailable("ConnectionError")
        return list(self.answer)

    def ping(self) -> None:
        if self.answer is None:
            raise AssistantUnavailable("ConnectionError")

    def intent(self, text: str) -> str | None:
        """The NLU's reading of ``text`` (Rasa's /model/parse), as the test sets it."""
        self.parsed.append(as_message(text))
        return self.intent_answer

    def pause(self, sender: str) -> None:
        self.tracker_events.append((sender, "pause"))

    def resume(self, sender: str) -> None:
        self.tracker_events.append((sender, "resume"))

    def voice_turn(
        self, sender: str, text: str | Intent, metadata: dict[str, Any], timeout_seconds: float
    ) -> TurnResult:
        """A call's turn: ``voice_answer`` (a TurnResult, or a function of the text giving one),
        after ``voice_delay`` seconds; None: the assistant is down."""
        text = as_message(text)
        self.calls.append((sender, text, dict(metadata)))
        time.sleep(self.voice_delay)
        answer = self.voice_answer
        if answer is None:
            raise AssistantUnavailable("ConnectionError")
        return answer(sender, text) if callable(answer) else answer


@pytest.fixture
def assistant() -> ScriptedAssistant:
    return ScriptedAssistant()


@pytest.fixture
def app(settings: Settings, assistant: ScriptedAssistant) -> Iterator[Flask]:
    app = create_app(settings)
    RASA.set(app, assistant)
    app.config.update(TESTING=True)
    yield app
    DATABASE.get(app).dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


SignedPost = Callable[..., Any]


@pytest.fixture
def signed_post(client: FlaskClient) -> SignedPost:
    """POST Twilio-shaped form fields to ``path``, signed for the public URL like Twilio does."""

    def post(path: str = "/twilio/sms", params: dict[str, str] | None = None, **fields: str):
        data = params if params is not None else sms_params("+17135550142", "hi")
        data = {**data, **fields}
        signature = sign(AUTH_TOKEN, PUBLIC_URL + path, data)
        return client.post(path, data=data, headers={SIGNATURE_HEADER: signature})

    return post


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with throwaway_postgres() as url:
        yield url


# -- databases -----------------------------------------------------------------------------------

BACKENDS = ["sqlite", "postgresql"]  # a fixture's params: the storage tests run on both


def backend_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path, name: str) -> str:
    """A SQLite file ``name``.db in ``tmp_path``, or for "postgresql" a throwaway database."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path}/{name}.db"
    return str(request.getfixturevalue("postgres_url"))


def migrated(url: str) -> Database:
    """The database at ``url`` with every migration applied."""
    database = Database(url)
    database.migrate()
    return database


def stored_row(database: Database, model: type[T], key: Any) -> T:
    """The row of ``model`` whose primary key is ``key``: it must be there."""
    with database.session() as session:
        row = session.get(model, key)
        assert row is not None
        return row


_FERNET_TOKEN = re.compile(r"gAAAAA[A-Za-z0-9_=-]+")


def values_in_clear(database: Database, table: str) -> str:
    """Every value stored in ``table``, as text, but the Fernet tokens: a token's letters may
    spell "Ana" by chance, and what a token holds is only read with the key."""
    with database.engine.connect() as connection:
        rows = connection.execute(text(f"SELECT * FROM {table}")).all()  # noqa: S608 - a test's table
    dump = " ".join(
        value.decode("latin-1") if isinstance(value, bytes) else str(value)
        for row in rows
        for value in row
    )
    return _FERNET_TOKEN.sub(" ", dump)
