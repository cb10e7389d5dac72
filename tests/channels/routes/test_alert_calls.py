"""Outbound calls of the notification exchange, as Twilio sees them: the TwiML fetched when a
notification or verification call is answered, the PIN on the keypad, voicemail, and the status
callback. Every request is signed like Twilio's; the exchange is driven step by step.
"""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from channels.alerts.notifications.events import parse_event
from channels.alerts.notifications.models import DeliveryAttempt, Notification, NotificationStatus
from channels.alerts.notifications.service import NOTIFICATIONS, NotificationService
from channels.outbound.message import Channel
from channels.outbound.outbox import OUTBOX, OutboxSender
from channels.texts.alerts import CALL_TEXT, VOICEMAIL
from channels.twilio.signature import SIGNATURE_HEADER, sign
from tests.channels.alerts import test_registrations as registration_tests
from tests.channels.alerts.test_registrations import (
    NAME,
    PHONE,
    PIN,
    PUBLIC_URL,
    REGISTRANT,
    RecordingQueue,
    latest_code,
    new_registration,
)

# Every test here registers someone: cheap PIN hashes keep the file fast.
pytestmark = pytest.mark.usefixtures("fast_pin_hash")
fast_pin_hash = registration_tests.fast_pin_hash
SignedPost = Callable[..., TestResponse]
TWILIO_NUMBER = "+18005550100"


@pytest.fixture
def service(app: Flask) -> NotificationService:
    """The app's exchange with a queue that only records: tests run each step themselves."""
    notifications: NotificationService = NOTIFICATIONS.get(app)
    notifications.queue = RecordingQueue()
    return notifications


def call_params(**fields: str) -> dict[str, str]:
    """What Twilio posts when an outbound call is answered."""
    return {
        "CallSid": "CA" + secrets.token_hex(16),
        "AccountSid": "AC" + "0" * 32,
        "From": TWILIO_NUMBER,
        "To": PHONE,
        "CallStatus": "in-progress",
        "Direction": "outbound-api",
        **fields,
    }


def parse(response: TestResponse) -> ET.Element:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/xml"
    root = ET.fromstring(response.get_data(as_text=True))
    assert root.tag == "Response"
    return root


def verbs(root: ET.Element) -> list[str]:
    return [child.tag for child in root]


def spoken(root: ET.Element) -> str:
    return " ".join("".join(say.itertext()) for say in root.iter("Say"))


def registered(service: NotificationService, **changes: Any) -> str:
    """An active registration made through the app's services; returns its id."""
    registrations = service.registrations
    new = new_registration(**changes)
    issued = registrations.create(new)
    code = latest_code(registrations.database, registrations.privacy, issued.registration_id)
    assert (
        registrations.verify(issued.registration_id, new.registrant, code)["result"] == "verified"
    )
    return issued.registration_id


def notify(service: NotificationService, event_type: str = "release") -> None:
    """A custody event for the registered offender, fanned out and sent once."""
    receipt = service.record_event(
        parse_event(
            {
                "event_id": f"feed-{secrets.token_hex(4)}",
                "type": event_type,
                "offender": {"a_number": "A204555781"},
                "occurred_at": "2026-11-28T15:30:00Z",
            }
        )
    )
    assert receipt.created
    queue = service.queue
    assert isinstance(queue, RecordingQueue)
    (event_pk,) = queue.jobs[-1][1]
    service.fan_out(event_pk)
    (batch,) = queue.jobs[-1][1]
    assert service.send_batch(batch) >= 1


def outbox(app: Flask) -> OutboxSender:
    box: OutboxSender = OUTBOX.get(app)
    return box


def notification_call(app: Flask, service: NotificationService, **changes: Any) -> str:
    """A voice registration notified once; returns the path Twilio fetches when answered."""
    registered(service, contact={"channel": "voice"}, **changes)
    notify(service)
    call = next(e for e in outbox(app).list(channel=Channel.VOICE) if "notification" in e.reference)
    assert call.voice_url.startswith(PUBLIC_URL)
    return call.voice_url.removeprefix(PUBLIC_URL)


def notification_status(service: NotificationService) -> NotificationStatus:
    with service.database.session() as session:
        (row,) = session.query(Notification).all()
        return row.status


# -- the signature ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/twilio/calls/notification/1",
        "/twilio/calls/notification/1/pin?attempt=1",
        "/twilio/calls/code/1",
        "/twilio/calls/reminder/abc",
        "/twilio/status",
    ],
)
def test_unsigned_or_badly_signed_requests_are_403(client, path: str):
    assert client.post(path, data=call_params()).status_code == 403
    bad = {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}
    assert client.post(path, data=call_params(), headers=bad).status_code == 403


def test_a_signature_for_another_attempt_is_refused(app, service, client, settings):
    path = notification_call(app, service)
    params = call_params()
    signature = sign(
        settings.twilio_auth_token, f"{PUBLIC_URL}/twilio/calls/notification/999", params
    )
    response = client.post(path, data=params, headers={SIGNATURE_HEADER: signature})
    assert response.status_code == 403


# -- the notification call ----------------------------------------------------------------------


def test_a_discreet_call_asks_for_the_pin_before_saying_anything(app, service, signed_post):
    path = notification_call(app, service, discreet=True)
    root = parse(signed_post(path, params=call_params(AnsweredBy="human")))
    assert verbs(root) == ["Gather", "Say", "Hangup"]
    gather = root.find("Gather")
    assert gather is not None
    assert (gather.get("input"), gather.get("numDigits")) == ("dtmf", "4")
    assert gather.get("action") == f"{PUBLIC_URL}{path}/pin?attempt=1"
    assert "enter your 4-digit PIN" in spoken(gather)
    text = spoken(root)
    for word in ("Juan", "Pérez", "custody", "released", "VOICE"):
        assert word not in text


def test_an_open_call_says_the_message_then_asks_for_the_pin(app, service, signed_post):
    path = notification_call(app, service, discreet=False)
    root = parse(signed_post(path, params=call_params()))
    assert verbs(root) == ["Say", "Gather", "Say", "Hangup"]
    first = root[0]
    assert NAME in (first.text or "") and "released" in (first.text or "")
    assert first.get("language") == "en-US"
    gather = root.find("Gather")
    assert gather is not None and gather.get("numDigits") == "4"
    assert "To confirm you received this message" in spoken(gather)


def test_a_call_answered_after_the_registration_was_withdrawn_says_nothing(
    app, service, signed_post
):
    path = notification_call(app, service, discreet=False)
    (summary,) = service.registrations.list_for(REGISTRANT)
    service.registrations.withdraw(summary["id"], REGISTRANT)
    root = parse(signed_post(path, params=call_params(AnsweredBy="human")))
    assert verbs(root) == ["Hangup"]


def test_a_spanish_call_speaks_spanish(app, service, signed_post):
    path = notification_call(app, service, language="es")
    root = parse(signed_post(path, params=call_params()))
    assert {say.get("language") for say in root.iter("Say")} == {"es-US"}
    assert "salió de la custodia" in spoken(root)


@pytest.mark.parametrize("answered_by", ["machine_start", "machine_end_beep"])
def test_voicemail_gets_the_neutral_message_only_when_allowed(
    app, service, signed_post, answered_by: str
):
    path = notification_call(app, service, voicemail_ok=True)
    root = parse(signed_post(path, params=call_params(AnsweredBy=answered_by)))
    assert verbs(root) == ["Say", "Hangup"]
    assert spoken(root) == VOICEMAIL["en"].format(
        phone=app.config["HOTLINE_SETTINGS"].specialist_phone
    )
    assert "Juan" not in spoken(root)


def test_voicemail_without_permission_hears_nothing(app, service, signed_post):
    path = notification_call(app, service, voicemail_ok=False)
    root = parse(signed_post(path, params=call_params(AnsweredBy="machine_start")))
    assert verbs(root) == ["Hangup"]


def test_an_unknown_attempt_hangs_up(signed_post):
    assert verbs(parse(signed_post("/twilio/calls/notification/999", params=call_params()))) == [
        "Hangup"
    ]


# -- the PIN ------------------------------------------------------------------------------------


def test_the_right_pin_confirms_and_thanks(app, service, signed_post):
    path = notification_call(app, service)
    root = parse(signed_post(f"{path}/pin?attempt=1", params=call_params(Digits=PIN)))
    assert verbs(root) == ["Say", "Hangup"]
    assert spoken(root) == CALL_TEXT["confirmed"]["en"]
    assert notification_status(service) is NotificationStatus.CONFIRMED
    # Twilio calling the same attempt again (or the next retry racing) only hangs up.
    assert verbs(parse(signed_post(path, params=call_params()))) == ["Hangup"]


def test_a_discreet_call_says_the_update_once_the_pin_is_right(app, service, signed_post):
    """ "To hear it, enter your PIN": after the PIN the person must hear the update itself."""
    path = notification_call(app, service, discreet=True)
    root = parse(signed_post(f"{path}/pin?attempt=1", params=call_params(Digits=PIN)))
    assert verbs(root) == ["Say", "Say", "Hangup"]
    assert NAME in spoken(root) and "released" in spoken(root)


def test_wrong_pins_are_asked_again_then_the_call_ends(app, service, signed_post):
    path = notification_call(app, service)
    for attempt in (1, 2):
        root = parse(
            signed_post(f"{path}/pin?attempt={attempt}", params=call_params(Digits="0000"))
        )
        assert verbs(root) == ["Say", "Gather", "Say", "Hangup"]
        assert (root[0].text or "") == CALL_TEXT["wrong_pin"]["en"]
        gather = root.find("Gather")
        assert gather is not None
        assert gather.get("action") == f"{PUBLIC_URL}{path}/pin?attempt={attempt + 1}"
    root = parse(signed_post(f"{path}/pin?attempt=3", params=call_params(Digits="0000")))
    assert verbs(root) == ["Say", "Hangup"]
    assert "Goodbye" in spoken(root)
    assert notification_status(service) is NotificationStatus.PENDING  # called again later


def test_no_digits_is_a_wrong_pin(app, service, signed_post):
    path = notification_call(app, service)
    root = parse(signed_post(f"{path}/pin?attempt=1", params=call_params()))
    assert "Gather" in verbs(root)
    assert notification_status(service) is NotificationStatus.PENDING


# -- the verification-code call -----------------------------------------------------------------


def code_call_path(app: Flask, service: NotificationService, **changes: Any) -> tuple[str, str]:
    registrations = service.registrations
    issued = registrations.create(new_registration(contact={"channel": "voice"}, **changes))
    (call,) = outbox(app).list(channel=Channel.VOICE)
    code = latest_code(registrations.database, registrations.privacy, issued.registration_id)
    return call.voice_url.removeprefix(PUBLIC_URL), code


def test_the_code_is_read_digit_by_digit_twice(app, service, signed_post):
    path, code = code_call_path(app, service)
    root = parse(signed_post(path, params=call_params()))
    digits = [element for element in root.iter("say-as")]
    assert [(d.get("interpret-as"), d.text) for d in digits] == [("digits", code)] * 2
    assert verbs(root)[-1] == "Hangup"
    assert "Your verification code is" in spoken(root)


def test_a_spanish_code_call(app, service, signed_post):
    path, _ = code_call_path(app, service, language="es")
    root = parse(signed_post(path, params=call_params()))
    assert {say.get("language") for say in root.iter("Say")} == {"es-US"}
    assert "Su código de verificación es" in spoken(root)


def test_a_used_code_is_no_longer_read(app, service, signed_post):
    path, code = code_call_path(app, service)
    registrations = service.registrations
    (summary,) = registrations.list_for(new_registration().registrant)
    registrations.verify(summary["id"], new_registration().registrant, code)
    root = parse(signed_post(path, params=call_params()))
    assert list(root.iter("say-as")) == []
    assert spoken(root) == CALL_TEXT["code_expired"]["en"]
    assert verbs(parse(signed_post("/twilio/calls/code/999", params=call_params()))) == [
        "Say",
        "Hangup",
    ]


# -- reminders ----------------------------------------------------------------------------------


def test_a_reminder_call_says_the_reminder(app, service, signed_post):
    registration_id = registered(service, contact={"channel": "voice"})
    root = parse(signed_post(f"/twilio/calls/reminder/{registration_id}", params=call_params()))
    assert verbs(root) == ["Say", "Hangup"]
    assert "Your alert registration ends on" in spoken(root)
    assert verbs(parse(signed_post("/twilio/calls/reminder/nope", params=call_params()))) == [
        "Hangup"
    ]


# -- status callbacks ---------------------------------------------------------------------------


def only_attempt(service: NotificationService) -> DeliveryAttempt:
    with service.database.session() as session:
        (attempt,) = session.query(DeliveryAttempt).all()
        return attempt


def test_message_status_is_recorded(app, service, signed_post):
    registered(service)
    notify(service)
    sid = only_attempt(service).provider_sid
    assert sid
    params = {"MessageSid": sid, "SmsSid": sid, "MessageStatus": "delivered", "SmsStatus": "x"}
    response = signed_post("/twilio/status", params=params)
    assert (response.status_code, response.get_data()) == (204, b"")
    assert only_attempt(service).status == "delivered"


def test_an_undelivered_sms_is_scheduled_again(app, service, signed_post):
    registered(service)
    notify(service)
    sid = only_attempt(service).provider_sid
    assert sid
    params = {"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "30003"}
    assert signed_post("/twilio/status", params=params).status_code == 204
    assert notification_status(service) is NotificationStatus.PENDING
    assert only_attempt(service).error == "twilio error 30003"


def test_call_status_is_recorded(app, service, signed_post):
    registered(service, contact={"channel": "voice"})
    notify(service)
    sid = only_attempt(service).provider_sid
    assert sid
    params = call_params(CallSid=sid, CallStatus="no-answer")
    assert signed_post("/twilio/status", params=params).status_code == 204
    assert only_attempt(service).status == "no-answer"


@pytest.mark.parametrize(
    "params",
    [{"MessageStatus": "delivered"}, {"MessageSid": "SM1"}, {"CallSid": "CA1", "CallStatus": ""}],
)
def test_a_status_without_sid_or_status_is_400(signed_post, params: dict[str, str]):
    assert signed_post("/twilio/status", params=params).status_code == 400


def test_a_status_for_someone_elses_sid_is_accepted_and_ignored(signed_post):
    params = {"MessageSid": "SM" + "0" * 32, "MessageStatus": "delivered"}
    assert signed_post("/twilio/status", params=params).status_code == 204
