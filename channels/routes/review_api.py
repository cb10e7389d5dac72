"""``POST /api/review-items``: the action server reports a turn the assistant may have
misunderstood (``HOTLINE_API_TOKEN``; documented in ``docs/openapi.yml``).

The text comes in as the person wrote it, over the internal API, like the registrations'
details; the inbox de-identifies it before storing anything (``channels.review.service``).
Nothing here logs it.
"""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from channels.review.models import INTENT_LENGTH, ReviewReason
from channels.review.service import MAX_TEXT, REVIEW, NewItem
from channels.routes.auth import bearer
from channels.routes.parsing import json_object
from channels.texts.languages import LANGUAGES

bp = Blueprint("review_api", __name__, url_prefix="/api")

# What the action server may report; only a specialist flags (the console).
REPORTED = tuple(reason for reason in ReviewReason if reason is not ReviewReason.FLAGGED)


class Invalid(Exception):
    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(sorted(fields))
        self.fields = fields


@bp.errorhandler(Invalid)
def _invalid(error: Invalid) -> ResponseReturnValue:
    return jsonify(error="invalid", detail="some fields are not valid", fields=error.fields), 422


@bp.post("/review-items")
@bearer("api_token")
def report_review_item() -> ResponseReturnValue:
    """201 with a new item; 200 when the conversation's same text is already waiting."""
    item_id, created = REVIEW.get().record(_new_item(json_object()))
    return jsonify(id=item_id, created=created), 201 if created else 200


def _new_item(body: dict[str, Any]) -> NewItem:
    """The reported turn, every bad field named at once."""
    fields: dict[str, str] = {}
    registrant = _text(body, "registrant", 64, fields, required=True)
    reasons = [reason.value for reason in REPORTED]
    if body.get("reason") not in reasons:
        fields["reason"] = " or ".join(reasons)
    if body.get("language") not in LANGUAGES:
        fields["language"] = " or ".join(LANGUAGES)
    text = _text(body, "text", MAX_TEXT, fields, required=True)
    previous_bot = _text(body, "previous_bot", MAX_TEXT, fields)
    predicted_intent = _text(body, "predicted_intent", INTENT_LENGTH, fields)
    confidence = _confidence(body.get("confidence"), fields)
    if fields:
        raise Invalid(fields)
    return NewItem(
        conversation_id=registrant.strip(),
        reason=ReviewReason(body["reason"]),
        language=body["language"],
        text=text,
        previous_bot=previous_bot,
        predicted_intent=predicted_intent.strip(),
        confidence=confidence,
    )


def _text(
    body: dict[str, Any], key: str, most: int, fields: dict[str, str], *, required: bool = False
) -> str:
    """A string field of at most ``most`` characters; a required one holds more than blanks."""
    value = body.get(key, None if required else "")
    if not isinstance(value, str) or len(value) > most or (required and not value.strip()):
        least = "1" if required else "0"
        fields[key] = f"a string of {least} to {most} characters" + (
            ", not only blanks" if required else ""
        )
        return ""
    return value


def _confidence(value: object, fields: dict[str, str]) -> float | None:
    """Absent or null: unknown; else a number from 0 to 1."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        fields["confidence"] = "a number from 0 to 1"
        return None
    if not math.isfinite(value) or not 0 <= value <= 1:
        fields["confidence"] = "a number from 0 to 1"
        return None
    return float(value)
