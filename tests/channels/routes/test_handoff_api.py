"""The handoff API (/api/handoffs, /api/audit) over the Flask test client: the two tokens, the
error answers (400, 401, 404, 409, 422, 502), and the whole flow: a victim texts, the action
server asks for a specialist, ana claims and replies (an SMS), bob cannot, a note, ana closes,
the assistant is resumed and the victim told so, and the audit log names who read the record.
The flow runs on SQLite and on the machine's PostgreSQL. Last, /api/availability: whether
specialists are staffed now, for the action server.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from channels.config import hours
from channels.config.hours import HOURS
from channels.config.settings import Settings
from channels.handoff.service import HANDOFFS
from channels.outbound.message import SENDER, Outbound, Receipt, SendFailed
from channels.routes import handoff_api
from channels.storage.messages import STORE, Direction
from channels.storage.privacy import PRIVACY
from channels.texts import sms as replies
from tests.channels.conftest import SignedPost
from tests.channels.routes.handoff_fixtures import (
    PHONE,
    REPLY,
    SUMMARY,
    RecordingAssistant,
    conversation,
    history,
    texts_to_victim,
)

API_TOKEN = "api-token-for-handoff-tests"
INTEGRATIONS_TOKEN = "integrations-token-for-handoff-tests"
INTEGRATION_ROUTES = [
    ("GET", "/api/handoffs"),
    ("GET", "/api/handoffs/{id}"),
    ("POST", "/api/handoffs/{id}/claim"),
    ("POST", "/api/handoffs/{id}/release"),
    ("POST", "/api/handoffs/{id}/reassign"),
    ("POST", "/api/handoffs/{id}/notes"),
    ("POST", "/api/handoffs/{id}/reply"),
    ("POST", "/api/handoffs/{id}/close"),
    ("GET", "/api/audit"),
]


@pytest.fixture
def assistant() -> RecordingAssistant:
    return RecordingAssistant()


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """SQLite, or PostgreSQL for a test parametrized with ``indirect=["settings"]``."""
    url = settings.database_url
    if getattr(request, "param", "sqlite") == "postgresql":
        url = request.getfixturevalue("postgres_url")
    return replace(
        settings, database_url=url, api_token=API_TOKEN, integrations_token=INTEGRATIONS_TOKEN
    )


def call(
    client: FlaskClient,
    method: str,
    path: str,
    token: str = INTEGRATIONS_TOKEN,
    actor: str | None = None,
    **kwargs: Any,
) -> TestResponse:
    headers = {"Authorization": f"Bearer {token}"}
    if actor is not None:
        headers["X-Hotline-Actor"] = actor
    return client.open(path, method=method, headers=headers, **kwargs)


def create(client: FlaskClient, registrant: str, **changes: Any) -> TestResponse:
    body = {
        "registrant": registrant,
        "channel": "sms",
        "language": "en",
        "reason": "request_human",
        "priority": "normal",
        "summary": SUMMARY,
        **changes,
    }
    return call(client, "POST", "/api/handoffs", token=API_TOKEN, json=body)


def act(client: FlaskClient, handoff_id: str, action: str, **body: Any) -> TestResponse:
    return call(client, "POST", f"/api/handoffs/{handoff_id}/{action}", json=body)


def claimed(app: Flask, client: FlaskClient, signed_post: SignedPost, **changes: Any) -> str:
    """A handoff of a fresh conversation, claimed by ana."""
    handoff_id = str(create(client, conversation(app, signed_post), **changes).get_json()["id"])
    assert act(client, handoff_id, "claim", specialist="ana").status_code == 200
    return handoff_id


# -- authentication -------------------------------------------------------------------------------


def test_every_route_wants_its_token(client: FlaskClient) -> None:
    for method, template in [("POST", "/api/handoffs"), *INTEGRATION_ROUTES]:
        path = template.format(id="0" * 32)
        for headers in [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}]:
            answer = client.open(path, method=method, headers=headers, json={})
            assert answer.status_code == 401, (method, path, headers)
            assert answer.get_json()["error"] == "unauthorized"


def test_the_action_server_token_only_creates(
    app: Flask, client: FlaskClient, signed_post: SignedPost
) -> None:
    for method, template in INTEGRATION_ROUTES:
        path = template.format(id="0" * 32)
        answer = call(client, method, path, token=API_TOKEN, actor="ana", json={})
        assert answer.status_code == 401, (method, path)
    registrant = conversation(app, signed_post)
    body = {"registrant": registrant, "channel": "sms", "language": "en", "reason": "fallback"}
    refused = call(client, "POST", "/api/handoffs", token=INTEGRATIONS_TOKEN, json=body)
    assert refused.status_code == 401
    assert create(client, registrant).status_code == 201


def test_an_empty_token_setting_opens_nothing(
    settings: Settings, app: Flask, client: FlaskClient
) -> None:
    app.config["HOTLINE_SETTINGS"] = replace(settings, integrations_token="")
    assert call(client, "GET", "/api/handoffs", token="").status_code == 401
    assert call(client, "GET", "/api/audit", token="Bearer").status_code == 401


# -- creating -------------------------------------------------------------------------------------


def test_create_once_per_conversation_and_raise_to_urgent(
    app: Flask, client: FlaskClient, signed_post: SignedPost
) -> None:
    registrant = conversation(app, signed_post)
    first = create(client, registrant)
    assert first.status_code == 201
    answer = first.get_json()
    assert answer == {
        "id": answer["id"],
        "status": "waiting",
        "priority": "normal",
        "created": True,
    }
    again = create(client, registrant, reason="emergency", priority="urgent")
    assert again.status_code == 200
    assert again.get_json() == {**answer, "priority": "urgent", "created": False}


@pytest.mark.parametrize(
    ("reason", "priority"), [("emergency", "urgent"), ("threat", "high"), ("fallback", "normal")]
)
def test_the_priority_follows_the_reason_unless_told_otherwise(
    app: Flask, client: FlaskClient, signed_post: SignedPost, reason: str, priority: str
) -> None:
    body = {
        "registrant": conversation(app, signed_post),
        "channel": "sms",
        "language": "es",
        "reason": reason,
    }
    answer = call(client, "POST", "/api/handoffs", token=API_TOKEN, json=body)
    assert (answer.status_code, answer.get_json()["priority"]) == (201, priority)
    view = HANDOFFS.get(app).get(answer.get_json()["id"])
    assert (view.language, view.summary) == ("es", {})


def test_create_refuses_bad_bodies(
    app: Flask, client: FlaskClient, signed_post: SignedPost
) -> None:
    not_json = call(client, "POST", "/api/handoffs", token=API_TOKEN, data="registrant=x")
    assert not_json.status_code == 400
    array = call(client, "POST", "/api/handoffs", token=API_TOKEN, json=["registrant"])
    assert array.status_code == 400
    bad = create(
        client, " ", channel="fax", language="fr", reason="bored", priority="highest", summary=[]
    )
    assert bad.status_code == 422
    fields = bad.get_json()["fields"]
    assert sorted(fields) == ["channel", "language", "priority", "reason", "registrant", "summary"]
    assert fields["reason"].startswith("request_human or emergency")
    unknown = create(client, "f" * 32)
    assert (unknown.status_code, list(unknown.get_json()["fields"])) == (422, ["registrant"])
    assert HANDOFFS.get(app).queue() == []


# -- the whole flow -------------------------------------------------------------------------------


@pytest.mark.parametrize("settings", ["sqlite", "postgresql"], indirect=True)
def test_the_whole_flow(
    settings: Settings,
    app: Flask,
    client: FlaskClient,
    signed_post: SignedPost,
    assistant: RecordingAssistant,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    registrant = conversation(app, signed_post, "I need to talk to a person")
    handoff_id = create(client, registrant).get_json()["id"]

    listed = call(client, "GET", "/api/handoffs").get_json()["handoffs"]
    assert [item["id"] for item in listed] == [handoff_id]
    assert "summary" not in listed[0] and "conversation_id" not in listed[0]
    assert listed[0]["status"] == "waiting"
    waiting = call(client, "GET", "/api/handoffs?status=waiting").get_json()["handoffs"]
    assert [item["id"] for item in waiting] == [handoff_id]
    assert call(client, "GET", "/api/handoffs?status=claimed").get_json() == {"handoffs": []}

    claimed_view = act(client, handoff_id, "claim", specialist="ana")
    assert claimed_view.status_code == 200
    assert (claimed_view.get_json()["status"], claimed_view.get_json()["assignee"]) == (
        "claimed",
        "ana",
    )
    assert "summary" not in claimed_view.get_json()

    sent = act(client, handoff_id, "reply", specialist="ana", text=REPLY)
    assert sent.status_code == 201
    assert sent.get_json()["provider_sid"].startswith("OB")
    assert [entry.body for entry in texts_to_victim(app)] == [REPLY]
    stored = STORE.get(app).messages(registrant)[-1]
    assert stored.id == sent.get_json()["message_id"]
    assert stored.direction is Direction.OUTBOUND
    assert PRIVACY.get(app).decrypt(stored.body_encrypted) == REPLY
    assert REPLY.encode() not in stored.body_encrypted

    bob = act(client, handoff_id, "reply", specialist="bob", text="Hello from Bob.")
    assert (bob.status_code, bob.get_json()["error"]) == (409, "conflict")
    assert act(client, handoff_id, "claim", specialist="bob").status_code == 409
    assert len(texts_to_victim(app)) == 1

    note = act(client, handoff_id, "notes", specialist="bob", text="Asked for Houston shelters.")
    assert note.status_code == 201

    assert call(client, "GET", f"/api/handoffs/{handoff_id}").status_code == 400
    record = call(client, "GET", f"/api/handoffs/{handoff_id}", actor="ana").get_json()
    assert (record["summary"], record["conversation_id"]) == (SUMMARY, registrant)
    kinds = [(event["kind"], event["actor"]) for event in record["history"]]
    assert kinds == [("created", None), ("claimed", "ana"), ("reply", "ana"), ("note", "bob")]
    assert record["history"][2]["detail"] == {"text": REPLY}
    transcript = [(m["direction"], m["body"]) for m in record["transcript"]]
    assert transcript[0] == ("inbound", "I need to talk to a person")
    assert transcript[-1] == ("outbound", REPLY)

    closed = act(client, handoff_id, "close", specialist="ana")
    assert closed.status_code == 200
    answer = closed.get_json()
    assert answer["status"] == "closed" and answer["closed_at"]
    assert (answer["assistant_resumed"], answer["victim_notified"]) == (True, True)
    assert assistant.resumed == [registrant]
    assert texts_to_victim(app)[-1].body == replies.back_with_assistant("en")
    assert act(client, handoff_id, "close", specialist="ana").status_code == 409
    assert assistant.resumed == [registrant]

    assert call(client, "GET", "/api/handoffs").get_json() == {"handoffs": []}
    done = call(client, "GET", "/api/handoffs?status=closed").get_json()["handoffs"]
    assert [item["id"] for item in done] == [handoff_id]

    assert call(client, "GET", f"/api/handoffs/{handoff_id}", actor="bob").status_code == 200
    entries = call(client, "GET", "/api/audit").get_json()["entries"]
    assert [(e["actor"], e["action"], e["subject"]) for e in entries] == [
        ("bob", "handoff.viewed", handoff_id),
        ("ana", "handoff.viewed", handoff_id),
    ]
    assert call(client, "GET", "/api/audit?limit=1").get_json()["entries"] == entries[:1]

    logged = caplog.text
    for secret in (PHONE, "7135550142", REPLY, "Houston", "Ana,"):
        assert secret not in logged


# -- the rules of replying and closing ----------------------------------------------------------


def test_reply_needs_a_specialist_and_a_text_that_fits_an_sms(
    app: Flask, client: FlaskClient, signed_post: SignedPost
) -> None:
    handoff_id = claimed(app, client, signed_post)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"text": "hi"}, "specialist"),
        ({"specialist": "   ", "text": "hi"}, "specialist"),
        ({"specialist": "a" * 65, "text": "hi"}, "specialist"),
        ({"specialist": "ana"}, "text"),
        ({"specialist": "ana", "text": " \n "}, "text"),
        ({"specialist": "ana", "text": "x" * 1601}, "text"),
        ({"specialist": "ana", "text": 42}, "text"),
    ]
    for body, field in cases:
        answer = act(client, handoff_id, "reply", **body)
        assert (answer.status_code, list(answer.get_json()["fields"])) == (422, [field]), body
    not_json = call(client, "POST", f"/api/handoffs/{handoff_id}/reply", data="text=hi")
    assert not_json.status_code == 400
    assert texts_to_victim(app) == []
    longest = act(client, handoff_id, "reply", specialist=" ana ", text="x" * 1600)
    assert longest.status_code == 201


def test_a_waiting_handoff_cannot_be_replied_to(
    app: Flask, client: FlaskClient, signed_post: SignedPost
) -> None:
    handoff_id = create(client, conversation(app, signed_post)).get_json()["id"]
    answer = act(client, handoff_id, "reply", specialist="ana", text="Hello")
    assert answer.status_code == 409
    assert texts_to_victim(app) == []
    assert history(app, handoff_id) == [("created", None)]


def test_unknown_handoffs_are_404(client: FlaskClient) -> None:
    missing = "0" * 32
    assert call(client, "GET", f"/api/handoffs/{missing}", actor="ana").status_code == 404
    for action, body in [
        ("claim", {"specialist": "ana"}),
        ("release", {"specialist": "ana"}),
        ("reassign", {"specialist": "ana", "to": "bob"}),
        ("notes", {"specialist": "ana", "text": "x"}),
        ("reply", {"specialist": "ana", "text": "x"}),
        ("close", {"specialist": "ana"}),
    ]:
        answer = act(client, missing, action, **body)
        assert (answer.status_code, answer.get_json()["error"]) == (404, "not_found"), action
    assert call(client, "GET", "/api/audit").get_json() == {"entries": []}


def test_release_and_reassign(app: Flask, client: FlaskClient, signed_post: SignedPost) -> None:
    handoff_id = claimed(app, client, signed_post)
    assert act(client, handoff_id, "release", specialist="bob").status_code == 409
    released = act(client, handoff_id, "release", specialist="ana")
    assert (released.status_code, released.get_json()["status"]) == (200, "waiting")
    assert act(client, handoff_id, "claim", specialist="ana").status_code == 200
    missing_to = act(client, handoff_id, "reassign", specialist="ana")
    assert (missing_to.status_code, list(missing_to.get_json()["fields"])) == (422, ["to"])
    moved = act(client, handoff_id, "reassign", specialist="ana", to="bob")
    assert (moved.status_code, moved.get_json()["assignee"]) == (200, "bob")
    assert act(client, handoff_id, "reply", specialist="ana", text="Hi").status_code == 409
    assert act(client, handoff_id, "reply", specialist="bob", text="Hi").status_code == 201
    assert act(client, handoff_id, "close", specialist="ana").status_code == 409
    assert act(client, handoff_id, "close", specialist="bob").status_code == 200


def test_closing_when_the_assistant_is_down_still_closes_in_spanish(
    app: Flask,
    client: FlaskClient,
    signed_post: SignedPost,
    assistant: RecordingAssistant,
    caplog: pytest.LogCaptureFixture,
) -> None:
    handoff_id = claimed(app, client, signed_post, language="es")
    assistant.down = True
    closed = act(client, handoff_id, "close", specialist="ana")
    assert closed.status_code == 200
    answer = closed.get_json()
    assert (answer["status"], answer["assistant_resumed"], answer["victim_notified"]) == (
        "closed",
        False,
        True,
    )
    assert texts_to_victim(app)[-1].body == replies.back_with_assistant("es")
    assert "was not resumed" in caplog.text


def test_nobody_texts_a_person_who_opted_out(
    app: Flask, client: FlaskClient, signed_post: SignedPost
) -> None:
    registrant = conversation(app, signed_post, "hello", "STOP")
    handoff_id = create(client, registrant).get_json()["id"]
    act(client, handoff_id, "claim", specialist="ana")
    texted_before = len(texts_to_victim(app))
    refused = act(client, handoff_id, "reply", specialist="ana", text="Hello")
    assert (refused.status_code, refused.get_json()["error"]) == (409, "opted_out")
    closed = act(client, handoff_id, "close", specialist="ana").get_json()
    assert (closed["status"], closed["victim_notified"]) == ("closed", False)
    assert len(texts_to_victim(app)) == texted_before
    assert history(app, handoff_id)[-1] == ("closed", "ana")


class FailingSender:
    def __init__(self) -> None:
        self.sent: list[Outbound] = []

    def send(self, message: Outbound) -> Receipt:
        self.sent.append(message)
        raise SendFailed("twilio HTTP 503 error 20500", retryable=True)


def test_a_failed_send_is_502_and_leaves_no_trace(
    app: Flask, client: FlaskClient, signed_post: SignedPost
) -> None:
    handoff_id = claimed(app, client, signed_post)
    registrant = HANDOFFS.get(app).get(handoff_id).conversation_id
    stored_before = len(STORE.get(app).messages(registrant))
    sender = FailingSender()
    SENDER.set(app, sender)
    answer = act(client, handoff_id, "reply", specialist="ana", text="Hello")
    assert answer.status_code == 502
    assert answer.get_json() == {
        "error": "send_failed",
        "detail": "twilio HTTP 503 error 20500",
        "retryable": True,
    }
    assert [message.to for message in sender.sent] == [PHONE]
    assert len(STORE.get(app).messages(registrant)) == stored_before
    assert history(app, handoff_id) == [("created", None), ("claimed", "ana")]
    closed = act(client, handoff_id, "close", specialist="ana").get_json()
    assert (closed["status"], closed["victim_notified"]) == ("closed", False)


def test_notes_are_internal(app: Flask, client: FlaskClient, signed_post: SignedPost) -> None:
    handoff_id = create(client, conversation(app, signed_post)).get_json()["id"]
    texted = len(texts_to_victim(app))
    note = act(client, handoff_id, "notes", specialist="carla", text="Called back, no answer.")
    assert (note.status_code, note.get_json()["status"]) == (201, "waiting")
    assert len(texts_to_victim(app)) == texted
    assert act(client, handoff_id, "notes", specialist="carla", text="").status_code == 422
    assert history(app, handoff_id) == [("created", None), ("note", "carla")]


def test_list_filters(app: Flask, client: FlaskClient, signed_post: SignedPost) -> None:
    bad = call(client, "GET", "/api/handoffs?status=all")
    assert (bad.status_code, list(bad.get_json()["fields"])) == (422, ["status"])
    handoff_id = claimed(app, client, signed_post)
    for status, expected in [("open", [handoff_id]), ("claimed", [handoff_id]), ("waiting", [])]:
        listed = call(client, "GET", f"/api/handoffs?status={status}").get_json()["handoffs"]
        assert [item["id"] for item in listed] == expected, status
    assert call(client, "GET", "/api/handoffs?status=closed").get_json() == {"handoffs": []}


def test_the_reader_must_be_named(app: Flask, client: FlaskClient, signed_post: SignedPost) -> None:
    handoff_id = create(client, conversation(app, signed_post)).get_json()["id"]
    for actor in ["", "   ", "x" * 65, "ana\tbob"]:
        answer = call(client, "GET", f"/api/handoffs/{handoff_id}", actor=actor)
        assert answer.status_code == 400, actor
        assert "X-Hotline-Actor" in answer.get_json()["detail"]
    assert call(client, "GET", "/api/audit").get_json() == {"entries": []}


# -- availability (business hours) ---------------------------------------------------------------

SATURDAY_EVENING = datetime(2026, 11, 28, 23, 0, tzinfo=timezone.utc)  # 18:00 in New York


class SaturdayEvening(datetime):
    """The route's clock, stopped on a Saturday evening."""

    @classmethod
    def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
        return SATURDAY_EVENING.astimezone(tz)


def staffed(app: Flask, spec: str) -> None:
    """The app's business hours (what channels/app.py builds from the settings)."""
    HOURS.set(app, hours.parse(spec, "America/New_York"))


def availability(client: FlaskClient, query: str = "", token: str = API_TOKEN) -> TestResponse:
    return call(client, "GET", f"/api/availability{query}", token=token)


def test_availability_wants_the_action_servers_token(app: Flask, client: FlaskClient) -> None:
    staffed(app, "always")
    for headers in [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {API_TOKEN}"}]:
        answer = client.get("/api/availability", headers=headers)
        assert (answer.status_code, answer.get_json()["error"]) == (401, "unauthorized")
    assert availability(client, token=INTEGRATIONS_TOKEN).status_code == 401
    assert availability(client).status_code == 200


def test_always_staffed(app: Flask, client: FlaskClient) -> None:
    staffed(app, "always")
    before = datetime.now(timezone.utc)
    answer = availability(client)
    after = datetime.now(timezone.utc)
    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["open"], body["hours"]) == (True, "24 hours a day")
    next_open = datetime.fromisoformat(body["next_open"])  # now, in New York, to the second
    assert next_open.utcoffset() in (timedelta(hours=-5), timedelta(hours=-4))
    assert before.replace(microsecond=0) <= next_open <= after
    spanish = availability(client, "?language=es").get_json()
    assert (spanish["open"], spanish["hours"]) == (True, "las 24 horas")


def test_never_staffed(app: Flask, client: FlaskClient) -> None:
    staffed(app, "never")
    assert availability(client, "?language=en").get_json() == {
        "open": False,
        "hours": "only to call people back",
        "next_open": None,
    }
    assert availability(client, "?language=es").get_json() == {
        "open": False,
        "hours": "solo para devolver llamadas",
        "next_open": None,
    }


def test_closed_on_a_saturday_evening_until_monday_morning(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handoff_api, "datetime", SaturdayEvening)
    staffed(app, "mon-fri 08:00-20:00; sat 09:00-13:00")
    assert availability(client, "?language=es").get_json() == {
        "open": False,
        "hours": "de lunes a viernes de 8:00 a 20:00, sábado de 9:00 a 13:00, hora del Este",
        "next_open": "2026-11-30T08:00:00-05:00",
    }
    staffed(app, "sat 17:00-19:00")
    assert availability(client).get_json() == {
        "open": True,
        "hours": "Saturday 17:00 to 19:00, Eastern Time",
        "next_open": "2026-11-28T18:00:00-05:00",
    }


def test_availability_speaks_english_or_spanish_only(app: Flask, client: FlaskClient) -> None:
    staffed(app, "always")
    for query in ["?language=fr", "?language=", "?language=EN"]:
        answer = availability(client, query)
        assert answer.status_code == 422, query
        assert answer.get_json()["fields"] == {"language": "en or es"}
