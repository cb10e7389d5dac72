"""Production refuses development leftovers: placeholder, short or shared secrets, an incomplete
sender; development refuses real Twilio credentials."""

from __future__ import annotations

import secrets

import pytest

from channels.config.settings import Settings
from channels.errors import ConfigurationError


def production_env(**changes: str) -> dict[str, str]:
    env = {
        "HOTLINE_ENV": "production",
        "TWILIO_AUTH_TOKEN": secrets.token_hex(16),
        "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
        "TWILIO_PHONE_NUMBER": "+12025550100",
        "HOTLINE_SECRET_KEY": secrets.token_hex(32),
        "HOTLINE_API_TOKEN": secrets.token_hex(16),
        "HOTLINE_RASA_TOKEN": secrets.token_hex(16),
        "HOTLINE_EVENTS_TOKEN": secrets.token_hex(16),
    }
    env.update(changes)
    return {name: value for name, value in env.items() if value != "<unset>"}


def refusal(env: dict[str, str]) -> str:
    with pytest.raises(ConfigurationError) as refused:
        Settings.from_env(env)
    return str(refused.value)


def test_a_complete_production_configuration_starts():
    assert not Settings.from_env(production_env()).dev_mode


def test_the_example_file_is_refused_with_every_problem_listed():
    example = {"TWILIO_AUTH_TOKEN": "change-me", "HOTLINE_SECRET_KEY": "change-me"}
    message = refusal({**example, "HOTLINE_API_TOKEN": "change-me"})
    assert message.startswith("refusing to start in production:")
    for expected in [
        "TWILIO_AUTH_TOKEN is a placeholder",
        "HOTLINE_SECRET_KEY is a placeholder",
        "HOTLINE_RASA_TOKEN is required",
        "TWILIO_ACCOUNT_SID and TWILIO_PHONE_NUMBER missing",
    ]:
        assert expected in message


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"HOTLINE_SECRET_KEY": "short-but-random-1"}, "HOTLINE_SECRET_KEY is shorter than 24"),
        ({"HOTLINE_API_TOKEN": "<unset>"}, "HOTLINE_API_TOKEN is required"),
        ({"HOTLINE_API_TOKEN": "CHANGE-ME-" + "x" * 30}, "HOTLINE_API_TOKEN is a placeholder"),
        ({"HOTLINE_WEBHOOK_URLS": "https://tickets.example.org/hook"}, "HOTLINE_WEBHOOK_SECRET"),
        ({"TWILIO_PHONE_NUMBER": ""}, "TWILIO_PHONE_NUMBER missing"),
        ({"HOTLINE_SENDER": "carrier-pigeon"}, "HOTLINE_SENDER must be one of"),
    ],
)
def test_each_problem_is_named(changes, expected):
    assert expected in refusal(production_env(**changes))


def test_one_secret_for_two_jobs_is_refused():
    shared = secrets.token_hex(16)
    message = refusal(production_env(HOTLINE_API_TOKEN=shared, HOTLINE_EVENTS_TOKEN=shared))
    assert "HOTLINE_API_TOKEN and HOTLINE_EVENTS_TOKEN are the same secret" in message


def test_the_outbox_can_be_chosen_on_purpose():
    env = production_env(TWILIO_ACCOUNT_SID="", TWILIO_PHONE_NUMBER="", HOTLINE_SENDER="outbox")
    assert Settings.from_env(env).sender == "outbox"


def test_development_with_real_twilio_credentials_is_refused():
    message = refusal(production_env(HOTLINE_ENV="development"))
    assert "real Twilio credentials" in message
    local = production_env(HOTLINE_ENV="development", HOTLINE_SENDER="outbox")
    assert Settings.from_env(local).dev_mode


def test_the_development_env_file_starts_in_development(tmp_path):
    from scripts import envfile

    path = tmp_path / ".env"
    envfile.create_local_env(path)
    settings = Settings.from_env(envfile.load(path))
    assert settings.dev_mode and settings.sender == "auto"
