"""The development simulator over the Flask test client: the page, texting through it, its
outbox for the page's own phone, and sample custody events recorded like the feed's."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from channels import create_app
from channels.notifications import EventType
from channels.sender import Channel, Outbound, OutboxSender
from channels.simulator import reference_kind
from tests.channels import test_registrations as registration_tests
from tests.channels.test_registrations import (
    A_NUMBER,
    OTHER_PHONE,
    PHONE,
    latest_code,
    new_registration,
)

fast_pin_hash = registration_tests.fast_pin_hash
VOICE_URL = "https://hotline.example.org/twilio/calls/code/1"


def test_simulator_page_is_served_in_development(client):
    response = client.get("/simulator")
    assert response.status_code == 200
    assert b"VOICE Hotline" in response.data


def test_the_page_has_the_outbox_and_the_custody_event_form(client):
    html = client.get("/simulator").get_data(as_text=True)
    assert 'id="outbox"' in html and 'aria-live="polite"' in html
    assert "Nothing sent to this phone yet." in html
    assert f'id="event-a-number" name="a_number" value="{A_NUMBER}"' in html
    for kind in EventType:
        assert f'<option value="{kind.value}">' in html
    assert "<script>" not in html  # the script is a file: no inline JS


@pytest.mark.parametrize(
    "path", ["/simulator", "/simulator/outbox?to=%2B17135550142", "/simulator/custody-event"]
)
def test_simulator_is_absent_in_production(settings, path):
    app = create_app(settings.with_overrides(dev_mode=False))
    client = app.test_client()
    method = "POST" if path.endswith("custody-event") else "GET"
    assert client.open(path, method=method, json={}).status_code == 404


def test_simulator_refuses_a_request_without_a_body(client):
    response = client.post("/simulator/sms", json={"from": "+15550100123"})
    assert response.status_code == 400
    assert "body" in response.get_json()["detail"]


# -- the outbox ---------------------------------------------------------------------------------


def outbox(app: Flask) -> OutboxSender:
    box = app.extensions["hotline.outbox"]
    assert isinstance(box, OutboxSender)
    return box


def sent(app: Flask, to: str, reference: str, channel: Channel = Channel.SMS) -> str:
    receipt = outbox(app).send(
        Outbound(channel, to, f"body of {reference}", voice_url=VOICE_URL, reference=reference)
    )
    return receipt.provider_sid


def messages(client: FlaskClient, to: str) -> list[dict[str, Any]]:
    response = client.get("/simulator/outbox", query_string={"to": to})
    assert response.status_code == 200, response.get_json()
    found: list[dict[str, Any]] = response.get_json()["messages"]
    return found


@pytest.mark.parametrize("query", [{}, {"to": ""}, {"to": "  "}, {"to": "ana@example.org"}])
def test_the_outbox_needs_the_pages_phone_number(client, query):
    response = client.get("/simulator/outbox", query_string=query)
    assert response.status_code == 400
    assert "to=" in response.get_json()["detail"]


def test_the_outbox_shows_only_that_phones_messages_newest_first(app, client):
    code = sent(app, PHONE, "code:1")
    sent(app, OTHER_PHONE, "code:2")
    call = sent(app, PHONE, "notification-attempt:7", Channel.VOICE)
    reminder = sent(app, PHONE, "reminder:abc")
    found = messages(client, "+1 (713) 555-0142")
    assert [m["sid"] for m in found] == [reminder, call, code]
    assert [(m["kind"], m["channel"], m["call"]) for m in found] == [
        ("reminder", "sms", False),
        ("notification", "voice", True),
        ("code", "sms", False),
    ]
    assert found[1]["body"] == "body of notification-attempt:7"
    assert {"status", "created_at"} <= set(found[0])
    assert "to" not in found[0] and "voice_url" not in found[0]
    assert messages(client, "+17135550100") == []


@pytest.mark.parametrize(
    ("reference", "kind"),
    [
        ("code:12", "code"),
        ("notification-attempt:3", "notification"),
        ("reminder:0a1b", "reminder"),
        ("", "other"),
        ("codes:1", "other"),
    ],
)
def test_reference_kinds(reference, kind):
    assert reference_kind(reference) == kind


def test_the_outbox_is_404_when_twilio_and_smtp_send_for_real(settings):
    real = settings.with_overrides(
        twilio_account_sid="AC" + "0" * 32,
        twilio_phone_number="+17135550100",
        smtp_host="smtp.example.org",
        smtp_from="alerts@example.org",
    )
    app = create_app(real)
    try:
        response = app.test_client().get("/simulator/outbox", query_string={"to": PHONE})
    finally:
        app.extensions["hotline.db"].dispose()
    assert response.status_code == 404
    assert "Twilio/SMTP" in response.get_json()["detail"]


# -- sample custody events ----------------------------------------------------------------------


def record(client: FlaskClient, **body: Any) -> Any:
    return client.post("/simulator/custody-event", json=body)


def test_a_sample_event_is_recorded_with_a_new_id_and_counted(client, app):
    first = record(client, a_number="A012345678", type="release")
    second = record(client, a_number="A012345678", type="transfer")
    assert (first.status_code, second.status_code) == (201, 201)
    one, two = first.get_json(), second.get_json()
    assert one["event_id"].startswith("simulator-") and one["event_id"] != two["event_id"]
    assert (one["type"], one["matched"], one["notifications"]) == ("release", 0, {})
    status = app.extensions["hotline.notifications"].event_status(two["event_id"])
    assert status["type"] == "transfer"


@pytest.mark.usefixtures("fast_pin_hash")
def test_an_active_registration_gets_its_alert_in_the_outbox(app, client):
    registrations = app.extensions["hotline.registrations"]
    new = new_registration()
    issued = registrations.create(new)
    code = latest_code(
        app.extensions["hotline.db"], app.extensions["hotline.privacy"], issued.registration_id
    )
    assert registrations.verify(issued.registration_id, new.registrant, code)["status"] == "active"

    response = record(client, a_number=A_NUMBER.lower(), type="release")
    assert response.status_code == 201
    assert response.get_json()["matched"] == 1
    assert app.extensions["hotline.notifications"].queue.drain(10)
    kinds = [m["kind"] for m in messages(client, PHONE)]
    assert kinds == ["notification", "code"]
    assert "released" in messages(client, PHONE)[0]["body"]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"a_number": "B12", "type": "release"}, {"a_number"}),
        ({"type": "release"}, {"a_number"}),
        ({"a_number": A_NUMBER, "type": "parole"}, {"type"}),
        ({"a_number": "", "type": None}, {"a_number", "type"}),
    ],
)
def test_a_bad_sample_event_is_422_naming_the_form_fields(client, body, fields):
    response = record(client, **body)
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == fields
    if "a_number" in fields:
        assert "A204555781" in response.get_json()["fields"]["a_number"]


@pytest.mark.parametrize("data", ["not json", "[1, 2]"])
def test_a_sample_event_needs_a_json_object(client, data):
    response = client.post("/simulator/custody-event", data=data, content_type="application/json")
    assert response.status_code == 400
    assert "a_number" in response.get_json()["detail"]
