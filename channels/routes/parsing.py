"""Reading requests: every field from the phone network or the internet is hostile until parsed.

Each reader returns the value in the shape the code below it expects, or answers 400 with what
was wrong: a malformed field is the sender's error (4xx), never the hotline's (500). Sizes are
bounded by what Twilio really sends and by the database's columns (a 65-character MessageSid
would fail on PostgreSQL's ``VARCHAR(64)``, a 5,000-digit number in ``int()``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import abort, request

# Twilio's SIDs are two letters and 32 hex digits; the simulator's and tests' are alike. Any
# ASCII letters and digits up to the column's 64 characters are accepted.
_SID = re.compile(r"[A-Za-z0-9]{2,64}")
_WHOLE_NUMBER = re.compile(r"[0-9]{1,6}")
MAX_ADDRESS = 64  # "+" and up to 15 digits, or "client:<name>" / "sip:..." on voice
MAX_FIELD = 2000  # a speech transcript or a status word; a Body has its own 1,600 limit
MAX_JSON_DEPTH = 32


def form_sid(*names: str) -> str:
    """The first of the named SID fields present in the form; 400 when none or malformed."""
    for name in names:
        value = request.form.get(name, "")
        if value:
            if not _SID.fullmatch(value):
                abort(400, description=f"{name} must be 2 to 64 ASCII letters and digits")
            return value
    abort(400, description=f"missing Twilio field: {' or '.join(names)}")


def form_text(name: str, most: int = MAX_FIELD, default: str = "") -> str:
    """A text field of at most ``most`` characters (absent: ``default``)."""
    value = request.form.get(name, default)
    if len(value) > most:
        abort(400, description=f"{name} is longer than {most} characters")
    return value


def form_address(name: str) -> str:
    """A phone address (``From``, ``To``): bounded, required."""
    value = form_text(name, MAX_ADDRESS)
    if not value.strip():
        abort(400, description=f"missing Twilio field: {name}")
    return value


def form_count(name: str, most: int) -> int:
    """A small whole number in ASCII digits ("²" passes ``str.isdigit`` but not ``int``)."""
    return _bounded(name, request.form.get(name, ""), 0, most)


def query_count(name: str, default: int, most: int) -> int:
    """A whole number from the query string, ``default`` when absent, 400 when malformed."""
    return _bounded(name, request.args.get(name, ""), default, most)


def _bounded(name: str, raw: str, default: int, most: int) -> int:
    if not raw:
        return default
    if not _WHOLE_NUMBER.fullmatch(raw) or int(raw) > most:
        abort(400, description=f"{name} must be a whole number from 0 to {most}")
    return int(raw)


def json_object() -> dict[str, Any]:
    """The request's JSON object; 400 for anything else, nesting past ``MAX_JSON_DEPTH``
    included (Python's decoder gives up on deep nesting with a RecursionError, not a 400)."""
    try:
        body = json.loads(request.get_data(cache=True)) if request.is_json else None
    except (ValueError, RecursionError):
        body = None
    if not isinstance(body, dict):
        abort(400, description="the body must be a JSON object (Content-Type: application/json)")
    if _depth(body) > MAX_JSON_DEPTH:
        abort(400, description=f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep")
    return body


def _depth(value: Any) -> int:
    """How deep containers nest in a decoded JSON value (iteratively: no recursion limit)."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, level + 1) for child in children)
    return deepest
