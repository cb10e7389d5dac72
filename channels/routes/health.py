"""``/healthz``: the process is up. ``/readyz``: this instance can serve, i.e. its database
answers; the assistant's health (Rasa, the action server) is reported beside it without failing
readiness: while the assistant is down every text still gets the bilingual fallback answer (911,
the specialists' number) and is kept for follow-up, so a load balancer must keep routing here."""

from __future__ import annotations

from collections.abc import Callable

import requests
from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from channels.assistant.client import RASA
from channels.config.settings import current_settings
from channels.storage.database import DATABASE

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    settings = current_settings()
    database = _run(DATABASE.get().ping)
    assistant_checks: dict[str, Callable[[], None]] = {
        "rasa": RASA.get().ping,
        "actions": lambda: _get_ok(settings.actions_url.rsplit("/webhook", 1)[0] + "/health"),
    }
    assistant = {name: _run(check) for name, check in assistant_checks.items()}
    ready = database == "ok"
    body = {
        "status": "ready" if ready else "not ready",
        "checks": {"database": database},
        "assistant": {
            "status": "ok" if set(assistant.values()) == {"ok"} else "degraded",
            "checks": assistant,
        },
    }
    return jsonify(body), 200 if ready else 503


def _get_ok(url: str) -> None:
    requests.get(url, timeout=2).raise_for_status()


def _run(check: Callable[[], None]) -> str:
    try:
        check()
    except Exception as error:
        return f"failed: {type(error).__name__}"
    return "ok"
