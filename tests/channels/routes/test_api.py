"""The system JSON API over the Flask test client: the two bearer tokens, error shapes (400, 401,
404, 422, 429, 503), registrations, custody look-ups (POST, no personal data in URLs) and events,
the outbox (development only), the whole flow from registration to an "OK" texted back, and that
none of it writes personal data to a log.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from channels import create_app
from channels.alerts.custody import records as custody_source
from channels.alerts.custody.records import CUSTODY
from channels.alerts.notifications.service import NOTIFICATIONS
from channels.config.settings import Settings
from channels.outbound.outbox import OUTBOX
from channels.storage.database import DATABASE
from channels.storage.privacy import PRIVACY
from channels.twilio.fake_phone import replies_in, sms_params
from tests.channels.alerts import test_registrations as registration_tests
from tests.channels.alerts.test_registrations import (
    A_NUMBER,
    EMAIL,
    NAME,
    OTHER_PHONE,
    PHONE,
    PIN,
    code_in,
    payload,
    wrong,
)

API_TOKEN = "api-token-for-tests"
EVENTS_TOKEN = "events-token-for-tests"
# Every test here registers someone: cheap PIN hashes keep the file fast.
pytestmark = pytest.mark.usefixtures("fast_pin_hash")
fast_pin_hash = registration_tests.fast_pin_hash
SignedPost = Callable[..., TestResponse]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_overrides(api_token=API_TOKEN, events_token=EVENTS_TOKEN)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def call(
    client: FlaskClient, method: str, path: str, token: str = API_TOKEN, **kwargs: Any
) -> TestResponse:
    return client.open(path, method=method, headers=auth(token), **kwargs)


def register(client: FlaskClient, **changes: Any) -> TestResponse:
    return call(client, "POST", "/api/registrations", json=payload(**changes))


def outbox(client: FlaskClient, **query: str) -> list[dict[str, Any]]:
    response = call(client, "GET", "/api/outbox", query_string=query)
    assert response.status_code == 200, response.get_json()
    messages: list[dict[str, Any]] = response.get_json()["messages"]
    return messages


def latest_code(client: FlaskClient, to: str) -> str:
    codes = [m for m in outbox(client, to=to) if m["reference"].startswith("code:")]
    return code_in(codes[0]["body"])


def event_body(**changes: Any) -> dict[str, Any]:
    return {
        "event_id": "feed-0001",
        "type": "release",
        "offender": {"a_number": A_NUMBER},
        "occurred_at": "2026-11-28T15:30:00Z",
        **changes,
    }


def drain(app: Flask) -> None:
    assert NOTIFICATIONS.get(app).queue.drain(10)


# -- tokens -------------------------------------------------------------------------------------

REGISTRATION_ROUTES = [
    ("POST", "/api/registrations"),
    ("GET", "/api/registrations?registrant=x"),
    ("POST", "/api/registrations/abc/verify"),
    ("POST", "/api/registrations/abc/resend"),
    ("POST", "/api/registrations/abc/withdraw"),
    ("POST", "/api/registrations/abc/contact"),
    ("POST", "/api/custody/search"),
    ("GET", "/api/outbox"),
]
EVENT_ROUTES = [("POST", "/api/custody-events"), ("GET", "/api/custody-events/feed-0001")]


@pytest.mark.parametrize(("method", "path"), REGISTRATION_ROUTES + EVENT_ROUTES)
@pytest.mark.parametrize(
    "headers",
    [
        {},
        auth("not-the-token"),
        {"Authorization": API_TOKEN},
        {"Authorization": f"Basic {API_TOKEN}"},
        {"Authorization": "Bearer"},
    ],
)
def test_no_valid_token_is_401(client, method: str, path: str, headers: dict[str, str]):
    response = client.open(path, method=method, headers=headers, json={})
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


@pytest.mark.parametrize(("method", "path"), REGISTRATION_ROUTES)
def test_the_events_token_cannot_use_the_action_servers_endpoints(client, method, path):
    assert call(client, method, path, token=EVENTS_TOKEN, json={}).status_code == 401


@pytest.mark.parametrize(("method", "path"), EVENT_ROUTES)
def test_the_api_token_cannot_post_or_read_events(client, method, path):
    assert call(client, method, path, token=API_TOKEN, json=event_body()).status_code == 401


def test_an_unset_token_locks_its_endpoints(settings: Settings):
    app = create_app(settings.with_overrides(events_token=""))
    try:
        client = app.test_client()
        response = client.post("/api/custody-events", json=event_body(), headers=auth(""))
        assert response.status_code == 401
        response = client.post(
            "/api/custody-events", json=event_body(), headers={"Authorization": "Bearer "}
        )
        assert response.status_code == 401
    finally:
        DATABASE.get(app).dispose()


# -- registrations ------------------------------------------------------------------------------


def test_create_answers_as_the_contract_says(client):
    response = register(client)
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) >= {"id", "status", "contact_hint", "code_expires_at"}
    assert (body["status"], body["contact_hint"]) == ("pending_verification", "***-0142")
    assert datetime.fromisoformat(body["code_expires_at"]).tzinfo is not None


@pytest.mark.parametrize(
    ("data", "content_type"),
    [("not json", "text/plain"), ("{broken", "application/json"), ("[1, 2]", "application/json")],
)
def test_a_body_that_is_not_a_json_object_is_400(client, data: str, content_type: str):
    response = call(client, "POST", "/api/registrations", data=data, content_type=content_type)
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] and "JSON" in body["detail"]


def test_invalid_fields_are_422_with_each_field(client):
    response = call(client, "POST", "/api/registrations", json={"registrant": "r1"})
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "invalid"
    assert {"relationship", "offender.name", "contact.channel", "language", "pin"} <= set(
        body["fields"]
    )


def test_too_many_codes_is_429_with_retry_after(client):
    registration = register(client).get_json()
    response = call(
        client,
        "POST",
        f"/api/registrations/{registration['id']}/resend",
        json={"registrant": payload()["registrant"]},
    )
    assert response.status_code == 429
    body = response.get_json()
    assert body["error"] == "rate_limited"
    assert 0 < body["retry_after"] <= 61
    assert response.headers["Retry-After"] == str(body["retry_after"])
    assert register(client, registrant="someone-else").status_code == 429  # same phone


def test_verify_then_list_then_withdraw(client):
    registration = register(client).get_json()
    path = f"/api/registrations/{registration['id']}"
    registrant = payload()["registrant"]
    code = latest_code(client, PHONE)
    wrong_answer = call(
        client, "POST", f"{path}/verify", json={"registrant": registrant, "code": wrong(code)}
    )
    assert wrong_answer.get_json() == {
        "result": "wrong_code",
        "attempts_left": 4,
        "status": "pending_verification",
    }
    verified = call(client, "POST", f"{path}/verify", json={"registrant": registrant, "code": code})
    assert verified.status_code == 200
    assert verified.get_json() == {"result": "verified", "attempts_left": 4, "status": "active"}
    listed = call(client, "GET", "/api/registrations", query_string={"registrant": registrant})
    (summary,) = listed.get_json()["registrations"]
    assert summary["id"] == registration["id"]
    assert (summary["status"], summary["offender_hint"]) == ("active", "J. C. P. G.")
    assert (summary["channel"], summary["contact_hint"]) == ("sms", "***-0142")
    assert summary["expires_at"] and summary["created_at"]
    withdrawn = call(client, "POST", f"{path}/withdraw", json={"registrant": registrant})
    assert (withdrawn.status_code, withdrawn.get_json()["status"]) == (200, "withdrawn")
    listed = call(client, "GET", "/api/registrations", query_string={"registrant": registrant})
    assert listed.get_json() == {"registrations": []}


def test_verify_needs_a_code_and_a_registrant(client):
    registration = register(client).get_json()
    path = f"/api/registrations/{registration['id']}/verify"
    no_code = call(client, "POST", path, json={"registrant": payload()["registrant"]})
    assert (no_code.status_code, set(no_code.get_json()["fields"])) == (422, {"code"})
    assert call(client, "POST", path, json={"code": "123456"}).status_code == 400
    assert call(client, "GET", "/api/registrations").status_code == 400


def test_change_of_contact(client):
    registration = register(client).get_json()
    registrant = payload()["registrant"]
    path = f"/api/registrations/{registration['id']}/contact"
    response = call(
        client,
        "POST",
        path,
        json={"registrant": registrant, "contact": {"channel": "sms", "value": OTHER_PHONE}},
    )
    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["pending_contact_hint"]) == ("pending_verification", "***-0199")
    assert body["code_expires_at"]
    assert latest_code(client, OTHER_PHONE)
    invalid = call(
        client, "POST", path, json={"registrant": registrant, "contact": {"channel": "fax"}}
    )
    assert (invalid.status_code, set(invalid.get_json()["fields"])) == (422, {"contact.channel"})


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("verify", {"code": "123456"}),
        ("resend", {}),
        ("withdraw", {}),
        ("contact", {"contact": {"channel": "sms", "value": OTHER_PHONE}}),
    ],
)
def test_another_registrants_registration_is_404(client, action: str, body: dict[str, Any]):
    registration = register(client).get_json()
    response = call(
        client,
        "POST",
        f"/api/registrations/{registration['id']}/{action}",
        json={"registrant": "someone-else", **body},
    )
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"
    unknown = call(
        client,
        "POST",
        f"/api/registrations/{'0' * 32}/{action}",
        json={"registrant": payload()["registrant"], **body},
    )
    assert unknown.status_code == 404


# -- custody look-up ----------------------------------------------------------------------------


def custody(client: FlaskClient, **body: Any) -> TestResponse:
    return call(client, "POST", "/api/custody/search", json=body)


def test_custody_by_a_number_and_country(client):
    response = custody(client, a_number=A_NUMBER, country="MX")
    assert response.status_code == 200
    (record,) = response.get_json()["records"]
    assert record["status"] == "in_custody"
    assert (record["facility"], record["city"], record["state"]) == (
        "Sample Processing Center",
        "Houston",
        "TX",
    )
    assert set(record) == {"status", "facility", "city", "state", "updated_at"}


@pytest.mark.parametrize("country", ["MX", "Mexico", "méxico"])
def test_custody_by_name_and_country(client, country: str):
    response = custody(client, name=NAME, country=country)
    assert response.status_code == 200
    assert [r["status"] for r in response.get_json()["records"]] == ["in_custody"]


def test_custody_with_no_match_is_an_empty_list(client):
    response = custody(client, a_number="A999999999", country="MX")
    assert (response.status_code, response.get_json()) == (200, {"records": []})


@pytest.mark.parametrize("empty", [None, ""])
def test_custody_treats_a_null_or_empty_key_as_not_given(client, empty: str | None):
    response = custody(client, a_number=A_NUMBER, name=empty, country="MX")
    assert response.status_code == 200
    assert [r["status"] for r in response.get_json()["records"]] == ["in_custody"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"country": "MX"}, "a_number"),
        ({"a_number": A_NUMBER, "name": NAME, "country": "MX"}, "a_number"),
        ({"name": "Juan", "country": "MX"}, "name"),
        ({"a_number": "A12", "country": "MX"}, "a_number"),
        ({"a_number": A_NUMBER}, "country"),
        ({"a_number": A_NUMBER, "country": "Atlantis"}, "country"),
        ({"a_number": 204555781, "country": "MX"}, "a_number"),
        ({"name": ["Juan", "Pérez"], "country": "MX"}, "name"),
        ({"a_number": A_NUMBER, "country": ["MX"]}, "country"),
    ],
)
def test_custody_search_errors_are_422(client, body: dict[str, Any], field: str):
    response = custody(client, **body)
    assert response.status_code == 422
    assert field in response.get_json()["fields"]


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("country=MX&a_number=A204555781", "application/x-www-form-urlencoded"),
        ("{broken", "application/json"),
        ('["MX", "A204555781"]', "application/json"),
    ],
)
def test_a_custody_search_that_is_not_a_json_object_is_400(client, data: str, content_type: str):
    response = call(client, "POST", "/api/custody/search", data=data, content_type=content_type)
    assert response.status_code == 400
    assert "JSON" in response.get_json()["detail"]


def test_the_custody_look_up_takes_no_personal_data_in_the_url(client):
    # The old GET route is gone; the search route answers POST only.
    old = call(client, "GET", "/api/custody", query_string={"a_number": A_NUMBER, "country": "MX"})
    assert old.status_code == 404
    assert call(client, "GET", "/api/custody/search").status_code == 405


def test_custody_search_when_the_source_is_down_is_503(app, client):
    class Down:
        def find_by_a_number(self, a_number: str, country: str) -> list[Any]:
            raise custody_source.CustodyUnavailable("test")

        find_by_name = find_by_a_number

    CUSTODY.set(app, Down())
    response = custody(client, a_number=A_NUMBER, country="MX")
    assert response.status_code == 503
    assert response.get_json()["error"] == "unavailable"


# -- custody events -----------------------------------------------------------------------------


def test_an_event_is_201_then_200_when_repeated(client, app):
    first = call(client, "POST", "/api/custody-events", token=EVENTS_TOKEN, json=event_body())
    assert first.status_code == 201
    assert first.get_json()["duplicate"] is False
    assert (first.get_json()["event_id"], first.get_json()["type"]) == ("feed-0001", "release")
    drain(app)
    again = call(client, "POST", "/api/custody-events", token=EVENTS_TOKEN, json=event_body())
    assert again.status_code == 200
    assert again.get_json()["duplicate"] is True
    status = call(client, "GET", "/api/custody-events/feed-0001", token=EVENTS_TOKEN)
    assert status.status_code == 200
    assert status.get_json() == {
        "event_id": "feed-0001",
        "type": "release",
        "matched": 0,
        "notifications": {},
    }
    unknown = call(client, "GET", "/api/custody-events/feed-9999", token=EVENTS_TOKEN)
    assert unknown.status_code == 404


def test_an_invalid_event_is_422_with_fields(client):
    response = call(
        client,
        "POST",
        "/api/custody-events",
        token=EVENTS_TOKEN,
        json=event_body(type="parole", occurred_at="2026-11-28T15:30:00"),
    )
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == {"type", "occurred_at"}


# -- the outbox ---------------------------------------------------------------------------------


def test_the_outbox_filters(client):
    register(client)
    register(client, contact={"channel": "email", "value": EMAIL})
    register(client, contact={"value": OTHER_PHONE})
    assert len(outbox(client)) == 3
    (mail,) = outbox(client, channel="email")
    assert (mail["to"], mail["channel"]) == (EMAIL, "email")
    (sms,) = outbox(client, to="+1 (713) 555-0142")
    assert sms["to"] == PHONE
    (newest,) = outbox(client, limit="1")
    assert newest["to"] == OTHER_PHONE
    assert outbox(client, channel="voice") == []
    bad = call(client, "GET", "/api/outbox", query_string={"channel": "fax"})
    assert (bad.status_code, set(bad.get_json()["fields"])) == (422, {"channel"})


def test_outside_development_the_outbox_is_404_even_when_channels_use_it(settings: Settings):
    app = create_app(settings.with_overrides(dev_mode=False))
    try:
        client = app.test_client()
        assert register(client).status_code == 201
        (sent,) = OUTBOX.get(app).list()  # the code went to the outbox
        response = call(client, "GET", "/api/outbox")
        assert response.status_code == 404
        body = response.get_json()
        assert body["error"] == "not_found"
        assert "only served in development" in body["detail"]
        assert code_in(sent.body) not in response.get_data(as_text=True)
        assert client.get("/api/outbox").status_code == 401  # the token still comes first
    finally:
        DATABASE.get(app).dispose()


def test_in_development_with_every_provider_set_there_is_no_outbox(settings: Settings):
    providers = settings.with_overrides(
        twilio_account_sid="AC" + "0" * 32,
        twilio_phone_number="+18005550100",
        smtp_host="smtp.example.org",
    )
    app = create_app(providers)
    try:
        response = call(app.test_client(), "GET", "/api/outbox")
        assert response.status_code == 404
        assert response.get_json()["detail"] == "no local outbox: messages go through Twilio/SMTP"
    finally:
        DATABASE.get(app).dispose()


# -- the whole flow -----------------------------------------------------------------------------


def full_flow(app: Flask, client: FlaskClient, signed_post: SignedPost, assistant: Any) -> str:
    """Register from an SMS conversation, verify, receive an alert, confirm it with OK.
    Returns the verification code (for the log check)."""
    signed_post(params=sms_params(PHONE, "I want custody alerts"))
    registrant = PRIVACY.get(app).conversation_key(PHONE)
    created = register(client, registrant=registrant, contact={"value": "this_number"})
    assert created.status_code == 201, created.get_json()
    registration_id = created.get_json()["id"]
    code = latest_code(client, PHONE)
    verified = call(
        client,
        "POST",
        f"/api/registrations/{registration_id}/verify",
        json={"registrant": registrant, "code": code},
    )
    assert verified.get_json()["status"] == "active"
    assert custody(client, a_number=A_NUMBER, country="MX").status_code == 200

    posted = call(client, "POST", "/api/custody-events", token=EVENTS_TOKEN, json=event_body())
    assert posted.status_code == 201
    drain(app)
    status = call(client, "GET", "/api/custody-events/feed-0001", token=EVENTS_TOKEN).get_json()
    assert (status["matched"], status["notifications"]) == (1, {"sent": 1})
    alert = outbox(client, to=PHONE, channel="sms")[0]
    assert alert["reference"].startswith("notification")
    assert NAME in alert["body"] and "Reply OK" in alert["body"]

    turns = len(assistant.calls)
    reply = signed_post(params=sms_params(PHONE, "ok"))
    assert replies_in(reply.get_data(as_text=True)) == [
        "Thank you. We recorded that you received the alert."
    ]
    assert len(assistant.calls) == turns  # answered by the gateway, not the assistant
    status = call(client, "GET", "/api/custody-events/feed-0001", token=EVENTS_TOKEN).get_json()
    assert status["notifications"] == {"confirmed": 1}
    return code


def test_register_verify_notify_confirm(app, client, signed_post, assistant):
    full_flow(app, client, signed_post, assistant)


def active_for_phone(client: FlaskClient, **changes: Any) -> str:
    """An active SMS registration to PHONE, made over the API; returns the registrant."""
    registrant = str(changes.pop("registrant", payload()["registrant"]))
    created = register(client, registrant=registrant, **changes).get_json()
    verified = call(
        client,
        "POST",
        f"/api/registrations/{created['id']}/verify",
        json={"registrant": registrant, "code": latest_code(client, PHONE)},
    )
    assert verified.get_json()["status"] == "active"
    return registrant


def test_stop_from_the_phone_ends_its_alerts_and_says_so(client, signed_post):
    registrant = active_for_phone(client)
    reply = signed_post(params=sms_params(PHONE, "STOP"))
    (text,) = replies_in(reply.get_data(as_text=True))
    assert "custody alerts to this number are stopped too" in text
    listed = call(client, "GET", "/api/registrations", query_string={"registrant": registrant})
    assert listed.get_json() == {"registrations": []}


def test_renew_from_the_phone(client, signed_post, assistant):
    active_for_phone(client, language="es")
    reply = signed_post(params=sms_params(PHONE, "Renovar"))
    (text,) = replies_in(reply.get_data(as_text=True))
    assert text.startswith("Listo: se renovaron 1 ")
    assert assistant.calls == []


def test_ok_with_no_alert_waiting_goes_to_the_assistant(signed_post, assistant):
    signed_post(params=sms_params(PHONE, "ok"))
    assert [text for _, text, _ in assistant.calls] == ["ok"]


def test_no_personal_data_reaches_a_log(app, client, signed_post, assistant, caplog):
    caplog.set_level(logging.DEBUG)
    # SQLAlchemy holds its loggers at WARNING; with echo on, statements and their parameters
    # would be logged: nothing personal may be among them either.
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    code = full_flow(app, client, signed_post, assistant)
    assert caplog.records, "nothing was logged: the check below would prove nothing"
    plain = ["7135550142", "555-0142", "Juan", "Pérez", "Perez", "Gómez", "204555781"]
    numbers = [PIN, code]
    for record in caplog.records:
        logged = record.getMessage() + (record.exc_text or "")
        for secret in plain:
            assert secret not in logged, f"{secret!r} logged by {record.name}"
        for number in numbers:
            pattern = rf"(?<![0-9A-Za-z]){number}(?![0-9A-Za-z])"
            assert not re.search(pattern, logged), f"a PIN or code logged by {record.name}"


@pytest.mark.parametrize("number", ["+52 55 1234 5678", "+44 20 7946 0958", "+233 30 123 4567"])
def test_alerts_and_codes_go_only_to_numbers_of_the_allowed_countries(client, number):
    for channel in ("sms", "voice"):
        refused = register(client, contact={"channel": channel, "value": number})
        assert (refused.status_code, set(refused.get_json()["fields"])) == (422, {"contact.value"})
    assert outbox(client, to=number) == []  # nothing texted or called
    registration = register(client).get_json()
    change = call(
        client,
        "POST",
        f"/api/registrations/{registration['id']}/contact",
        json={
            "registrant": payload()["registrant"],
            "contact": {"channel": "sms", "value": number},
        },
    )
    assert change.status_code == 422


@pytest.mark.parametrize("number", ["+1 787 555 0142", "+1 671 555 0142", "(713) 555-0142"])
def test_us_territories_are_allowed(client, number):
    assert register(client, contact={"channel": "sms", "value": number}).status_code == 201
