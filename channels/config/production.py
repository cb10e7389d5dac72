"""What the gateway refuses to start with: development leftovers in a deployment.

``make env`` writes a development ``.env`` (random local secrets, the simulator on). A copy of
it, or of ``.env.example``, taken to a server must fail loudly at start-up, not run with a
placeholder secret, one secret reused for everything, or texts silently kept in the local
outbox because a Twilio setting is missing. Every problem is listed at once.
"""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from channels.config.settings import Settings

MIN_SECRET_LENGTH = 24
PLACEHOLDERS = ("change-me", "changeme", "change_me", "replace-me", "placeholder", "example")
SENDERS = ("auto", "twilio", "outbox")


def startup_problems(settings: Settings) -> list[str]:
    """Everything wrong with ``settings`` for the mode they are in (empty: fine)."""
    if settings.dev_mode:
        return _development_problems(settings)
    return _secret_problems(settings) + _sender_problems(settings)


def _secrets(settings: Settings) -> dict[str, str]:
    named = {
        "TWILIO_AUTH_TOKEN": settings.twilio_auth_token,
        "HOTLINE_SECRET_KEY": settings.secret_key,
        "HOTLINE_API_TOKEN": settings.api_token,
        "HOTLINE_RASA_TOKEN": settings.rasa_token,
        "HOTLINE_EVENTS_TOKEN": settings.events_token,
        "HOTLINE_INTEGRATIONS_TOKEN": settings.integrations_token,
        "HOTLINE_WEBHOOK_SECRET": settings.webhook_secret,
        "HOTLINE_SESSION_KEY": settings.session_key,
        "HOTLINE_METRICS_TOKEN": settings.metrics_token,
    }
    for name in ("HOTLINE_HASH_KEYS", "HOTLINE_ENCRYPTION_KEYS"):
        for key_id, secret in getattr(settings, name.removeprefix("HOTLINE_").lower()):
            named[f"{name} ({key_id})"] = secret
    return {name: value for name, value in named.items() if value}


def _secret_problems(settings: Settings) -> list[str]:
    problems = [
        f"{name} is required in production"
        for name in ("HOTLINE_API_TOKEN", "HOTLINE_RASA_TOKEN")
        if not getattr(settings, name.removeprefix("HOTLINE_").lower())
    ]
    if settings.webhook_urls and not settings.webhook_secret:
        problems.append("HOTLINE_WEBHOOK_SECRET is required when HOTLINE_WEBHOOK_URLS is set")
    secrets = _secrets(settings)
    for name, value in secrets.items():
        if any(word in value.lower() for word in PLACEHOLDERS):
            problems.append(f"{name} is a placeholder: generate a random value")
        elif len(value) < MIN_SECRET_LENGTH:
            problems.append(f"{name} is shorter than {MIN_SECRET_LENGTH} characters")
    for (first, a), (second, b) in combinations(secrets.items(), 2):
        if a == b and not (_is_storage_key(first) and _is_storage_key(second)):
            problems.append(f"{first} and {second} are the same secret: each needs its own")
    return problems


def _is_storage_key(name: str) -> bool:
    """The keys the storage derives its own keys from, one per purpose: the same old secret
    may stand as the hashing key and as a legacy encryption key while data is re-encrypted."""
    return name.startswith(("HOTLINE_SECRET_KEY", "HOTLINE_HASH_KEYS", "HOTLINE_ENCRYPTION_KEYS"))


def _sender_problems(settings: Settings) -> list[str]:
    if settings.twilio_api_url:
        return ["HOTLINE_TWILIO_API_URL is for load tests against a stand-in, never production"]
    if settings.sender == "outbox":
        return []  # chosen on purpose: texts and calls stay in the local outbox
    twilio = {
        "TWILIO_ACCOUNT_SID": settings.twilio_account_sid,
        "TWILIO_PHONE_NUMBER": settings.twilio_phone_number,
    }
    missing = [name for name, value in twilio.items() if not value]
    if not missing:
        return []
    return [
        f"{' and '.join(missing)} missing: codes and alerts would silently stay in the local "
        "outbox (set them, or HOTLINE_SENDER=outbox to keep messages local on purpose)"
    ]


def _development_problems(settings: Settings) -> list[str]:
    real_twilio = settings.twilio_account_sid.startswith("AC") and settings.twilio_phone_number
    # With a stand-in for Twilio's API (load tests) nothing reaches a real phone.
    if real_twilio and settings.sender != "outbox" and not settings.twilio_api_url:
        return [
            "HOTLINE_ENV=development with real Twilio credentials: the simulator would send "
            "real texts and calls (use HOTLINE_ENV=production, or HOTLINE_SENDER=outbox)"
        ]
    return []
