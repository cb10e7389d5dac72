"""Whatever fails, a texter or caller still gets a useful answer and nothing they sent is lost."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from datetime import timedelta

from sqlalchemy.exc import OperationalError

from channels.call_flow import machine
from channels.config.settings import CONFIG_KEY
from channels.outbound.outbox import OutboxSender
from channels.routes import sms as sms_route
from channels.services import SERVICES
from channels.storage.database import utcnow
from channels.storage.messages import STORE, MessageStore, Status
from channels.storage.spool import SPOOL
from channels.texts import sms as replies
from channels.twilio.fake_phone import replies_in, sms_params
from tests.channels.conftest import Clock

PHONE = "+17135550142"


def current_settings_of(app):
    return app.config[CONFIG_KEY]


def database_down(*args, **kwargs):
    raise OperationalError("INSERT INTO messages", {}, Exception("could not connect"))


def test_a_text_the_database_refuses_is_answered_and_spooled_then_stored(
    app, signed_post, settings, monkeypatch
):
    monkeypatch.setattr(MessageStore, "record_inbound", database_down)
    response = signed_post(params=sms_params(PHONE, "he is outside my house"))
    assert response.status_code == 200
    (reply,) = replies_in(response.get_data(as_text=True))
    assert reply == replies.assistant_unavailable(settings.specialist_phone)
    spool = SPOOL.get(app)
    assert len(list(spool.directory.glob("*.json"))) == 1
    assert "outside" not in next(spool.directory.glob("*.json")).read_text()  # encrypted
    monkeypatch.undo()
    assert spool.replay_into(STORE.get(app)) == 1
    assert list(spool.directory.glob("*.json")) == []
    (kept,) = STORE.get(app).kept_messages("sms", utcnow(), utcnow())
    assert kept.status is Status.UNANSWERED


def test_a_failure_after_storing_leaves_the_text_for_the_follow_up(
    app, signed_post, assistant, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(sms_route, "answer", broken)
    response = signed_post(params=sms_params(PHONE, "what services do you offer"))
    assert response.status_code == 200 and "911" in response.get_data(as_text=True)
    assert list(SPOOL.get(app).directory.glob("*.json")) == []
    monkeypatch.undo()
    clock = Clock(utcnow() + timedelta(minutes=3))
    follow_up = dataclasses.replace(SERVICES.get(app).follow_up, rasa=assistant, clock=clock)
    assert follow_up.sweep() == {"answered": 1}


def test_a_failing_call_webhook_apologises_in_both_languages_and_dials_a_person(
    signed_post, settings, monkeypatch
):
    monkeypatch.setattr(machine, "start", lambda *args: 1 / 0)
    params = {"CallSid": "CA" + "0" * 32, "From": PHONE, "To": "+15550100000"}
    response = signed_post("/twilio/voice", params=params)
    assert response.status_code == 200
    root = ET.fromstring(response.get_data(as_text=True))
    assert [say.get("language") for say in root.iter("Say")] == ["en-US", "es-US"]
    assert root.find("Dial").text == settings.transfer_number


def test_other_routes_answer_json_without_a_trace(app, client, monkeypatch):
    api_token = "api-token-for-failure-tests"
    app.config[CONFIG_KEY] = dataclasses.replace(current_settings_of(app), api_token=api_token)
    monkeypatch.setattr(OutboxSender, "list", database_down)
    response = client.get("/api/outbox", headers={"Authorization": f"Bearer {api_token}"})
    assert response.status_code == 500
    assert response.get_json() == {
        "error": "Internal Server Error",
        "detail": "an unexpected error; it is logged",
    }
