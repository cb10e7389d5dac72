"""Gateway settings, read once from the environment when the app is created."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, cast

import phonenumbers
from flask import Flask, current_app

from channels.config import hours
from channels.config.production import SENDERS, startup_problems
from channels.errors import ConfigurationError
from formats.contacts import US_AND_TERRITORIES

DEFAULT_SPECIALIST_PHONE = "1-855-488-6423"
# Where the app keeps its settings (``app.config``): read them with ``current_settings``.
CONFIG_KEY = "HOTLINE_SETTINGS"


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
    # "auto": Twilio when its settings are complete, else the local outbox (development);
    # "outbox": always the outbox, on purpose (staging, benchmarks); production needs Twilio.
    sender: str = "auto"
    specialist_phone: str = DEFAULT_SPECIALIST_PHONE
    # Twilio gives up on a webhook after 15 s; the assistant gets well under that.
    rasa_timeout_seconds: float = 8.0
    dev_mode: bool = False
    # Custody feed posts events with this token (separate from the action server's api_token).
    events_token: str = ""
    # Integrations (ticketing, chat workspace) call /api/handoffs with this token.
    integrations_token: str = ""
    rasa_token: str = ""
    gateway_threads: int = 64
    webhook_urls: tuple[str, ...] = ()
    webhook_secret: str = ""
    console_idle_minutes: int = 30
    # When specialists staff the hotline (channels.config.hours): "always", "never" or windows like
    # "mon-fri 08:00-20:00; sat 09:00-13:00", in this IANA time zone.
    business_hours: str = "always"
    timezone: str = "America/New_York"
    custody_provider: str = "sample"
    custody_sample_path: str = "data/custody/sample.yml"
    custody_feed_url: str = ""
    custody_feed_token: str = ""
    job_queue: str = "inprocess"
    redis_url: str = "redis://127.0.0.1:6379/0"
    queue_name: str = "hotline"
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = "alerts@hotline.invalid"
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_tls: bool = False
    registration_days: int = 365
    reminder_days: int = 30
    code_minutes: int = 15
    voice_retry_minutes: int = 30
    voice_retry_hours: int = 24
    # How often due retries, expiries and reminders are swept (0: never, e.g. in unit tests).
    sweep_seconds: int = 60
    # Texts kept while the assistant was down are answered when it is back; after this many
    # minutes still down, they go to a person. Texts the database could not take wait here.
    follow_up_minutes: int = 5
    # What people said (messages, calls, transcripts, Rasa's conversations) is erased after
    # this many days; counters stay (channels.storage.retention).
    retention_days: int = 90
    # Each process migrates the schema at start (the embedded default); production makes it a
    # release step (`make migrate`) and each process only checks the schema is current.
    migrate_at_start: bool = True
    # /metrics wants this bearer token when it is set.
    metrics_token: str = ""
    # "text" (default) or "json": one JSON object per log line, for a log collector.
    log_format: str = "text"
    # Separate keys (channels.storage.privacy); each defaults to one derived from secret_key.
    session_key: str = ""
    hash_keys: tuple[tuple[str, str], ...] = ()
    encryption_keys: tuple[tuple[str, str], ...] = ()
    # Alerts and codes go only to phone numbers of these countries (ISO codes): the US and its
    # territories by default.
    contact_countries: tuple[str, ...] = US_AND_TERRITORIES
    spool_dir: str = "var/spool"
    # Calls: the specialists' line a caller is transferred to (E.164; default: the specialist
    # phone number), or a Twilio queue they answer from; how long a call webhook waits for the
    # assistant before a filler and a <Redirect>; how long the line rings.
    specialist_line: str = ""
    voice_transfer: str = "dial"
    voice_queue: str = "specialists"
    voice_wait_seconds: float = 3.0
    voice_ring_seconds: int = 25
    # Twilio <Gather> speech models by language (empty: Twilio's choice, with failover).
    speech_models: tuple[tuple[str, str], ...] = ()
    # Who answers STOP/START/HELP: "gateway" (Twilio's opt-out handling off) or "twilio" (its
    # default or Advanced Opt-Out; the gateway follows its OptOutType and stays silent).
    opt_out_replies: str = "gateway"
    # Texts go out through this Twilio Messaging Service when set (US A2P 10DLC needs one).
    twilio_messaging_service_sid: str = ""
    # Twilio's pace (outbound/pacing.py): texts and calls per second it accepts from this
    # account (Twilio's defaults are 1; a 10DLC campaign or a short code has its own). 0: none.
    sms_per_second: float = 1.0
    calls_per_second: float = 1.0
    # Twilio's API somewhere else: a local stand-in for load tests (scripts/twilio_standin.py).
    # Refused in production.
    twilio_api_url: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        separate_keys = ("HOTLINE_SESSION_KEY", "HOTLINE_HASH_KEYS", "HOTLINE_ENCRYPTION_KEYS")
        has_keys = bool(env.get("HOTLINE_SECRET_KEY")) or all(env.get(k) for k in separate_keys)
        if env.get("HOTLINE_HASH_KEY"):
            raise ConfigurationError(
                "HOTLINE_HASH_KEY is now HOTLINE_HASH_KEYS, id:secret pairs like the encryption "
                "keys: HOTLINE_HASH_KEYS=1:<the same secret> keeps every stored hash"
            )
        missing = [name for name in ("TWILIO_AUTH_TOKEN",) if not env.get(name)]
        if not has_keys:
            missing.append("HOTLINE_SECRET_KEY (or all of " + ", ".join(separate_keys) + ")")
        if missing:
            raise ConfigurationError(
                f"missing {', '.join(missing)}: set them in .env (`make env` creates one with "
                "random local secrets) or in the environment"
            )
        defaults = cls(twilio_auth_token="", secret_key="")
        # Read in this order: the first malformed setting is the one reported.
        settings = cls(
            **_gateway(env, defaults), **_services(env, defaults), **_calls(env, defaults)
        )
        hours.parse(settings.business_hours, settings.timezone)  # malformed: fail at start-up
        if settings.retention_days < 1:
            raise ConfigurationError("HOTLINE_RETENTION_DAYS must be at least 1 (day)")
        for name in ("HOTLINE_SMS_PER_SECOND", "HOTLINE_CALLS_PER_SECOND"):
            pace = getattr(settings, name.removeprefix("HOTLINE_").lower())
            if not 0 <= pace < 10_000:  # NaN fails too
                raise ConfigurationError(f"{name} must be a number from 0 (no pacing), not {pace}")
        problems = startup_problems(settings)
        if problems:
            mode = "development" if settings.dev_mode else "production"
            listed = "".join(f"\n  - {problem}" for problem in problems)
            raise ConfigurationError(f"refusing to start in {mode}:{listed}")
        return settings

    def speech_model(self, language: str) -> str | None:
        """The <Gather> speech model for ``language``, if one is set."""
        return dict(self.speech_models).get(language)

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    @property
    def flask_secret_key(self) -> str:
        """What signs the console's session cookie."""
        return self.session_key or self.secret_key

    @property
    def transfer_number(self) -> str:
        """The line calls are transferred to, E.164: HOTLINE_SPECIALIST_LINE, else the
        specialist phone number every message gives ("1-855-488-6423" -> "+18554886423")."""
        from formats.contacts import parse_phone

        return parse_phone(self.specialist_line or self.specialist_phone) or ""


def settings_for_command(command: str) -> Settings | None:
    """The settings for a command-line tool, or None after saying on stderr what is wrong."""
    try:
        return Settings.from_env()
    except ConfigurationError as error:
        print(f"{command}: {error}", file=sys.stderr)
        return None


def _gateway(env: Mapping[str, str], defaults: Settings) -> dict[str, Any]:
    """Twilio, the assistant, the API's tokens, the webhooks and the console."""
    return {
        "twilio_auth_token": env["TWILIO_AUTH_TOKEN"],
        "secret_key": env.get("HOTLINE_SECRET_KEY", ""),
        "session_key": env.get("HOTLINE_SESSION_KEY", ""),
        "hash_keys": _key_list(env, "HOTLINE_HASH_KEYS"),
        "encryption_keys": _key_list(env, "HOTLINE_ENCRYPTION_KEYS"),
        "public_url": env.get("HOTLINE_PUBLIC_URL", defaults.public_url).rstrip("/"),
        "database_url": env.get("HOTLINE_DATABASE_URL", defaults.database_url),
        "rasa_url": env.get("HOTLINE_RASA_URL", defaults.rasa_url).rstrip("/"),
        "actions_url": env.get("HOTLINE_ACTIONS_URL", defaults.actions_url),
        "api_token": env.get("HOTLINE_API_TOKEN", ""),
        "twilio_account_sid": env.get("TWILIO_ACCOUNT_SID", ""),
        "twilio_phone_number": env.get("TWILIO_PHONE_NUMBER", ""),
        "sender": _choice(env, "HOTLINE_SENDER", SENDERS, defaults.sender),
        "specialist_phone": env.get("HOTLINE_SPECIALIST_PHONE", DEFAULT_SPECIALIST_PHONE),
        "rasa_timeout_seconds": _float(env, "HOTLINE_RASA_TIMEOUT", defaults.rasa_timeout_seconds),
        "dev_mode": env.get("HOTLINE_ENV", "production").lower() == "development",
        "events_token": env.get("HOTLINE_EVENTS_TOKEN", ""),
        "integrations_token": env.get("HOTLINE_INTEGRATIONS_TOKEN", ""),
        "rasa_token": env.get("HOTLINE_RASA_TOKEN", ""),
        "gateway_threads": _int(env, "HOTLINE_GATEWAY_THREADS", defaults.gateway_threads),
        "metrics_token": env.get("HOTLINE_METRICS_TOKEN", ""),
        "opt_out_replies": _choice(
            env, "HOTLINE_OPT_OUT_REPLIES", ("gateway", "twilio"), defaults.opt_out_replies
        ),
        "twilio_messaging_service_sid": env.get("TWILIO_MESSAGING_SERVICE_SID", "").strip(),
        "sms_per_second": _float(env, "HOTLINE_SMS_PER_SECOND", defaults.sms_per_second),
        "calls_per_second": _float(env, "HOTLINE_CALLS_PER_SECOND", defaults.calls_per_second),
        "twilio_api_url": env.get("HOTLINE_TWILIO_API_URL", "").strip().rstrip("/"),
        "log_format": _choice(env, "HOTLINE_LOG_FORMAT", ("text", "json"), "text"),
        "webhook_urls": tuple(
            url.strip() for url in env.get("HOTLINE_WEBHOOK_URLS", "").split(",") if url.strip()
        ),
        "webhook_secret": env.get("HOTLINE_WEBHOOK_SECRET", ""),
        "console_idle_minutes": _int(
            env, "HOTLINE_CONSOLE_IDLE_MINUTES", defaults.console_idle_minutes
        ),
    }


def _services(env: Mapping[str, str], defaults: Settings) -> dict[str, Any]:
    """Business hours, custody data, jobs, e-mail, registrations and notifications."""
    return {
        "business_hours": env.get("HOTLINE_BUSINESS_HOURS") or defaults.business_hours,
        "timezone": env.get("HOTLINE_TIMEZONE") or defaults.timezone,
        "custody_provider": env.get("HOTLINE_CUSTODY_PROVIDER", defaults.custody_provider),
        "custody_sample_path": env.get("HOTLINE_CUSTODY_SAMPLE", defaults.custody_sample_path),
        "custody_feed_url": env.get("HOTLINE_CUSTODY_FEED_URL", ""),
        "custody_feed_token": env.get("HOTLINE_CUSTODY_FEED_TOKEN", ""),
        "job_queue": env.get("HOTLINE_JOB_QUEUE", defaults.job_queue),
        "redis_url": env.get("HOTLINE_REDIS_URL", defaults.redis_url),
        "queue_name": env.get("HOTLINE_QUEUE_NAME", defaults.queue_name),
        "smtp_host": env.get("HOTLINE_SMTP_HOST", ""),
        "smtp_port": _int(env, "HOTLINE_SMTP_PORT", defaults.smtp_port),
        "smtp_from": env.get("HOTLINE_SMTP_FROM", defaults.smtp_from),
        "smtp_username": env.get("HOTLINE_SMTP_USERNAME", ""),
        "smtp_password": env.get("HOTLINE_SMTP_PASSWORD", ""),
        "smtp_tls": _bool(env, "HOTLINE_SMTP_TLS", defaults.smtp_tls),
        "registration_days": _int(env, "HOTLINE_REGISTRATION_DAYS", defaults.registration_days),
        "reminder_days": _int(env, "HOTLINE_REMINDER_DAYS", defaults.reminder_days),
        "code_minutes": _int(env, "HOTLINE_CODE_MINUTES", defaults.code_minutes),
        "voice_retry_minutes": _int(
            env, "HOTLINE_VOICE_RETRY_MINUTES", defaults.voice_retry_minutes
        ),
        "voice_retry_hours": _int(env, "HOTLINE_VOICE_RETRY_HOURS", defaults.voice_retry_hours),
        "sweep_seconds": _int(env, "HOTLINE_SWEEP_SECONDS", defaults.sweep_seconds),
        "follow_up_minutes": _int(env, "HOTLINE_FOLLOW_UP_MINUTES", defaults.follow_up_minutes),
        "retention_days": _int(env, "HOTLINE_RETENTION_DAYS", defaults.retention_days),
        "migrate_at_start": _bool(env, "HOTLINE_MIGRATE_AT_START", defaults.migrate_at_start),
        "contact_countries": _countries(
            env, "HOTLINE_CONTACT_COUNTRIES", defaults.contact_countries
        ),
        "spool_dir": env.get("HOTLINE_SPOOL_DIR") or defaults.spool_dir,
    }


def _calls(env: Mapping[str, str], defaults: Settings) -> dict[str, Any]:
    """Where calls are transferred, and how long they wait and ring."""
    return {
        "specialist_line": env.get("HOTLINE_SPECIALIST_LINE", ""),
        "voice_transfer": _choice(
            env, "HOTLINE_VOICE_TRANSFER", ("dial", "enqueue"), defaults.voice_transfer
        ),
        "voice_queue": env.get("HOTLINE_VOICE_QUEUE") or defaults.voice_queue,
        "voice_wait_seconds": _float(env, "HOTLINE_VOICE_WAIT", defaults.voice_wait_seconds),
        "voice_ring_seconds": _int(env, "HOTLINE_VOICE_RING", defaults.voice_ring_seconds),
        "speech_models": tuple(
            (language, env[f"HOTLINE_SPEECH_MODEL_{language.upper()}"].strip())
            for language in ("en", "es")
            if env.get(f"HOTLINE_SPEECH_MODEL_{language.upper()}", "").strip()
        ),
    }


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as error:
        raise ConfigurationError(f"{name} must be a number of seconds, not {raw!r}") from error


def _key_list(env: Mapping[str, str], name: str) -> tuple[tuple[str, str], ...]:
    """ "2026-12:secret,2026-01:older" -> (("2026-12", "secret"), ("2026-01", "older"))."""
    keys = []
    for item in env.get(name, "").split(","):
        if not item.strip():
            continue
        key_id, sep, secret = item.strip().partition(":")
        if not sep or not key_id or not secret:
            raise ConfigurationError(f"{name}: each key is id:secret, comma-separated")
        keys.append((key_id, secret))
    ids = [key_id for key_id, _ in keys]
    if len(set(ids)) != len(ids):
        raise ConfigurationError(f"{name}: each key needs its own id")
    return tuple(keys)


def _countries(env: Mapping[str, str], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = env.get(name, "")
    if not raw.strip():
        return default
    codes = tuple(code.strip().upper() for code in raw.split(",") if code.strip())
    unknown = [code for code in codes if code not in phonenumbers.SUPPORTED_REGIONS]
    if unknown:
        raise ConfigurationError(f"{name}: not country codes: {', '.join(unknown)}")
    return codes


def _choice(env: Mapping[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = (env.get(name) or default).strip().lower()
    if value not in allowed:
        raise ConfigurationError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigurationError(f"{name} must be true or false, not {raw!r}")


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as error:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from error
    if value < 0:
        raise ConfigurationError(f"{name} must not be negative, not {raw!r}")
    return value


def current_settings(app: Flask | None = None) -> Settings:
    """The settings of ``app``, else of the app handling the current request."""
    return cast(Settings, (app or current_app).config[CONFIG_KEY])
