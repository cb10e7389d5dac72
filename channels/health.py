"""``/healthz``: the process is up. ``/readyz``: Rasa, the action server and the database answer."""

from __future__ import annotations

from collections.abc import Callable

import requests
from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    settings = current_app.config["HOTLINE_SETTINGS"]
    checks: dict[str, Callable[[], None]] = {
        "database": current_app.extensions["hotline.db"].ping,
        "rasa": current_app.extensions["hotline.rasa"].ping,
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
