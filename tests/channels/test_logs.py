"""The gateway's logs: JSON lines with the request's id when asked, the id echoed to the caller,
and never a message's text or a phone number (texted, called, failed, handed off)."""

from __future__ import annotations

import json
import logging

import pytest

from channels import logs
from channels.app import create_app
from channels.assistant.client import RASA
from channels.twilio.fake_phone import sms_params
from channels.twilio.signature import SIGNATURE_HEADER, sign
from tests.channels.conftest import AUTH_TOKEN, PUBLIC_URL, ScriptedAssistant

PHONE = "+17135550142"
SECRET_WORDS = "my name is Ana Perez and he hit me"


@pytest.fixture
def json_app(settings):
    app = create_app(settings.with_overrides(log_format="json"))
    RASA.set(app, ScriptedAssistant())
    yield app
    logs.configure("text")


def post_sms(client, body: str, **headers: str):
    params = sms_params(PHONE, body)
    signature = sign(AUTH_TOKEN, PUBLIC_URL + "/twilio/sms", params)
    return client.post("/twilio/sms", data=params, headers={SIGNATURE_HEADER: signature, **headers})


def test_json_lines_with_the_request_id_and_nothing_personal(json_app, capfd):
    logs.configure("json")  # again, now that stderr is captured for this test
    client = json_app.test_client()
    response = post_sms(client, SECRET_WORDS, **{"X-Request-Id": "proxy-request-0001"})
    assert response.headers["X-Request-Id"] == "proxy-request-0001"
    RASA.get(json_app).answer = None  # down: the fallback, which logs an error
    response = post_sms(client, SECRET_WORDS + " again")
    generated = response.headers["X-Request-Id"]
    assert len(generated) == 32
    logging.getLogger("channels.test").info("outside a request")
    lines = [
        json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")
    ]
    assert any(line["request_id"] == generated for line in lines)  # the fallback's error line
    assert lines[-1]["request_id"] == "-"
    everything = json.dumps(lines)
    for secret in (PHONE, PHONE[2:], "Ana", "Perez", "hit me"):
        assert secret not in everything


def test_a_malformed_request_id_is_replaced(json_app):
    response = post_sms(json_app.test_client(), "hi", **{"X-Request-Id": "bad id with spaces"})
    assert response.headers["X-Request-Id"] != "bad id with spaces"
