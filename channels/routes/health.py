"""``/healthz``: the process is up. ``/readyz``: Rasa, the action server and the database answer."""

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
    checks: dict[str, Callable[[], None]] = {
        "database": DATABASE.get().ping,
        "rasa": RASA.get().ping,
        "actions": lambda: _get_ok(settings.actions_url.rsplit("/webhook", 1)[0] + "/health"),
    }
    results = {name: _run(check) for name, check in checks.items()}
    ready = all(result == "ok" for result in results.values())
    return jsonify(status="ready" if ready else "not ready", checks=results), 200 if ready else 503


def _get_ok(url: str) -> None:
    requests.get(url, timeout=2).raise_for_status()


def _run(check: Callable[[], None]) -> str:
    try:
        check()
    except Exception as error:
        return f"failed: {type(error).__name__}"
    return "ok"
