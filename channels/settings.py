"""Gateway settings, read once from the environment when the app is created."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

DEFAULT_SPECIALIST_PHONE = "1-855-488-6423"


class ConfigurationError(RuntimeError):
    """A required setting is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    twilio_auth_token: str
    secret_key: str
    public_url: str = "http://127.0.0.1:5000"
    database_url: str = "sqlite:///var/hotline.db"
    rasa_url: str = "http://127.0.0.1:5005"
    actions_url: str = "http://127.0.0.1:5055/webhook"
    api_token: str = ""
    twilio_account_sid: str = ""
    twilio_phone_number: str = ""
    specialist_phone: str = DEFAULT_SPECIALIST_PHONE
    # Twilio gives up on a webhook after 15 s; the assistant gets well under that.
    rasa_timeout_seconds: float = 8.0
    dev_mode: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        missing = [
            name for name in ("TWILIO_AUTH_TOKEN", "HOTLINE_SECRET_KEY") if not env.get(name)
        ]
        if missing:
            raise ConfigurationError(
                f"missing {', '.join(missing)}: set them in .env (`make env` creates one with "
                "random local secrets) or in the environment"
            )
        defaults = cls(twilio_auth_token="", secret_key="")
        return cls(
            twilio_auth_token=env["TWILIO_AUTH_TOKEN"],
            secret_key=env["HOTLINE_SECRET_KEY"],
            public_url=env.get("HOTLINE_PUBLIC_URL", defaults.public_url).rstrip("/"),
            database_url=env.get("HOTLINE_DATABASE_URL", defaults.database_url),
            rasa_url=env.get("HOTLINE_RASA_URL", defaults.rasa_url).rstrip("/"),
            actions_url=env.get("HOTLINE_ACTIONS_URL", defaults.actions_url),
            api_token=env.get("HOTLINE_API_TOKEN", ""),
            twilio_account_sid=env.get("TWILIO_ACCOUNT_SID", ""),
            twilio_phone_number=env.get("TWILIO_PHONE_NUMBER", ""),
            specialist_phone=env.get("HOTLINE_SPECIALIST_PHONE", DEFAULT_SPECIALIST_PHONE),
            rasa_timeout_seconds=_float(env, "HOTLINE_RASA_TIMEOUT", defaults.rasa_timeout_seconds),
            dev_mode=env.get("HOTLINE_ENV", "production").lower() == "development",
        )

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as error:
        raise ConfigurationError(f"{name} must be a number of seconds, not {raw!r}") from error
