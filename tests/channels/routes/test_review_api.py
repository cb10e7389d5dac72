"""``POST /api/review-items``: the action server's token only, every bad field a 422, and the
text de-identified before anything is stored (the phone number and the name sent in are
nowhere in the database, encrypted or not)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from channels.config.settings import Settings
from channels.review.service import REVIEW, Filters
from channels.storage.database import DATABASE
from tests.channels.conftest import values_in_clear

TOKEN = "review-test-actions-token"
PHONE = "713-555-0142"
ITEM = {
    "registrant": "3f9c2a7d41b6e8f0",
    "reason": "unsure",
    "language": "en",
    "text": f"this is Ana Pérez, call me back at {PHONE} about my cousin",
    "previous_bot": "Hi, this is the VOICE hotline. How can I help?",
    "predicted_intent": "check_custody_status",
    "confidence": 0.41,
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, api_token=TOKEN, integrations_token="another-token-entirely")


def post(client, body: Any, token: str | None = TOKEN, **kwargs: Any):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/api/review-items", json=body, headers=headers, **kwargs)


def test_the_text_is_stored_de_identified(app, client):
    answer = post(client, ITEM)
    assert answer.status_code == 201 and answer.get_json()["created"] is True
    (item,) = REVIEW.get(app).page(Filters()).items
    assert item.text == "this is [NAME], call me back at [PHONE] about my cousin"
    assert (item.reason, item.language, item.predicted_intent) == (
        "unsure",
        "en",
        "check_custody_status",
    )
    stored = values_in_clear(DATABASE.get(app), "review_items")
    for secret in (PHONE, "5550142", "Ana", "Pérez", "about my cousin", ITEM["registrant"]):
        assert secret not in stored

    again = post(client, {**ITEM, "reason": "said_no"})
    assert again.status_code == 200 and again.get_json() == {
        "id": answer.get_json()["id"],
        "created": False,
    }
    assert REVIEW.get(app).get(answer.get_json()["id"]).reason == "said_no"


@pytest.mark.parametrize("token", [None, "wrong-token", "another-token-entirely"])
def test_the_action_servers_token_is_required(client, token):
    answer = post(client, ITEM, token=token)
    assert answer.status_code == 401
    assert answer.get_json()["error"] == "unauthorized"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reason": "flagged"}, "reason"),  # only a specialist flags
        ({"reason": None}, "reason"),
        ({"language": "fr"}, "language"),
        ({"text": "   "}, "text"),
        ({"text": "x" * 2001}, "text"),
        ({"text": 5}, "text"),
        ({"registrant": ""}, "registrant"),
        ({"registrant": "x" * 65}, "registrant"),
        ({"previous_bot": ["a list"]}, "previous_bot"),
        ({"predicted_intent": "x" * 65}, "predicted_intent"),
        ({"confidence": 1.5}, "confidence"),
        ({"confidence": True}, "confidence"),
        ({"confidence": "0.4"}, "confidence"),
    ],
)
def test_bad_fields_are_named(app, client, change, field):
    answer = post(client, {**ITEM, **change})
    assert answer.status_code == 422
    assert list(answer.get_json()["fields"]) == [field]
    assert REVIEW.get(app).page(Filters()).total == 0


def test_optional_fields_may_be_left_out_and_non_json_is_400(client):
    minimal = {key: ITEM[key] for key in ("registrant", "reason", "language", "text")}
    assert post(client, {**minimal, "confidence": None}).status_code == 201
    assert post(client, ["not", "an", "object"]).status_code == 400
    raw = client.post(
        "/api/review-items",
        data="text=hello",
        headers={"Authorization": f"Bearer {TOKEN}"},
        content_type="application/x-www-form-urlencoded",
    )
    assert raw.status_code == 400
