"""The JSON API's callers: each endpoint names the setting whose bearer token it takes."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import jsonify, request

from channels.config.settings import current_settings

F = TypeVar("F", bound=Callable[..., Any])


def bearer(setting: str) -> Callable[[F], F]:
    """Requires ``Authorization: Bearer <token>`` matching the named setting (401 otherwise)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            settings = current_settings()
            expected = getattr(settings, setting)
            scheme, _, given = request.headers.get("Authorization", "").partition(" ")
            if (
                not expected
                or scheme.lower() != "bearer"
                or not hmac.compare_digest(given.strip().encode(), expected.encode())
            ):
                return jsonify(error="unauthorized", detail="a valid bearer token is required"), 401
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorator
