"""One gateway for the fuzzers, built once per module: SQLite in a temporary folder, a scripted
assistant (no Rasa), one token for every kind of API caller (so that every operation is
reached past its authentication), and Twilio's signature checked as in production."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from channels.app import create_app
from channels.assistant.client import RASA
from channels.config.settings import Settings
from channels.storage.database import DATABASE
from tests.channels.conftest import ScriptedAssistant

TOKEN = "fuzz-token-for-every-api-caller-0123456789"
AUTH_TOKEN = "fuzz-twilio-auth-token"
PUBLIC_URL = "https://hotline.example.org"


@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    workdir = tmp_path_factory.mktemp("fuzz")
    app = create_app(
        Settings(
            twilio_auth_token=AUTH_TOKEN,
            secret_key="fuzz-secret-key",
            public_url=PUBLIC_URL,
            database_url=f"sqlite:///{workdir}/hotline.db",
            rasa_url="http://127.0.0.1:9",
            actions_url="http://127.0.0.1:9/webhook",
            rasa_timeout_seconds=0.5,
            api_token=TOKEN,
            events_token=TOKEN,
            integrations_token=TOKEN,
            dev_mode=True,
            sweep_seconds=0,
            spool_dir=str(workdir / "spool"),
        )
    )
    RASA.set(app, ScriptedAssistant())
    yield app
    DATABASE.get(app).dispose()
