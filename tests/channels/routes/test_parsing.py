"""Malformed fields are the sender's error: 400 with what was wrong, never a 500, on the Twilio
routes and the JSON APIs."""

from __future__ import annotations

import pytest

from channels.config.settings import Settings
from channels.twilio.fake_phone import sms_params

PHONE = "+17135550142"
API_TOKEN = "api-token-for-parsing-tests"
INTEGRATIONS_TOKEN = "integrations-token-for-parsing-tests"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_overrides(api_token=API_TOKEN, integrations_token=INTEGRATIONS_TOKEN)


def call_params(**changes: str) -> dict[str, str]:
    return {"CallSid": "CA" + "0" * 32, "From": PHONE, "To": "+15550100000", **changes}


@pytest.mark.parametrize(
    "changes",
    [
        {"NumMedia": "²"},  # str.isdigit() says yes, int() says no
        {"NumMedia": "9" * 5000},  # past int()'s 4,300-digit limit
        {"NumMedia": "-1"},
        {"NumMedia": "11"},
        {"NumMedia": "1e3"},
        {"MessageSid": "SM" + "a" * 63},  # VARCHAR(64) on PostgreSQL
        {"MessageSid": "SM-1"},
        {"MessageSid": "SM\u00e91"},
        {"From": "+1" + "7" * 80},
        {"From": ""},
        {"Body": "x" * 1601},
    ],
)
def test_malformed_sms_fields_are_400(signed_post, assistant, changes):
    response = signed_post(params={**sms_params(PHONE, "hi"), **changes})
    assert response.status_code == 400, response.get_data(as_text=True)
    assert assistant.calls == []


def test_the_largest_real_values_are_accepted(signed_post):
    params = {**sms_params(PHONE, "x" * 1600), "NumMedia": "10", "MessageSid": "SM" + "a" * 62}
    assert signed_post(params=params).status_code == 200


@pytest.mark.parametrize(
    ("path", "changes"),
    [
        ("/twilio/voice", {"CallSid": "CA" + "1" * 70}),
        ("/twilio/voice", {"CallSid": "CA'; drop table calls"}),
        ("/twilio/voice", {"From": "x" * 65}),
        ("/twilio/voice/turn?turn=99999999999", {}),
        ("/twilio/voice/turn?turn=%C2%B2", {}),
        ("/twilio/voice/turn?turn=1", {"SpeechResult": "x" * 2001}),
        ("/twilio/voice/turn?turn=1", {"Digits": "1" * 5000}),
        ("/twilio/voice/turn?turn=1", {"Confidence": "0." + "9" * 40}),
        ("/twilio/voice/language?attempt=-1", {}),
        ("/twilio/voice/wait?turn=1&waited=1e9", {}),
        ("/twilio/status", {"CallStatus": "completed", "CallSid": "CA-1"}),
        ("/twilio/status", {"CallSid": "CA" + "0" * 32}),
        ("/twilio/status", {"MessageSid": "SM1", "MessageStatus": "x" * 33}),
    ],
)
def test_malformed_voice_and_status_fields_are_400(signed_post, path, changes):
    params = call_params(**changes)
    if path == "/twilio/status":
        params.pop("From")
    response = signed_post(path, params=params)
    assert response.status_code == 400, response.get_data(as_text=True)


def deeply_nested(levels: int) -> str:
    return '{"a": ' * levels + "1" + "}" * levels


MALFORMED_JSON = {
    "nested past the recursion limit": deeply_nested(60_000 // 7),
    "nested 33 deep": deeply_nested(33),
    "unclosed arrays": "[" * 60_000,
    "not UTF-8": "\udcff\udcfe{",
    "a list": "[]",
}


@pytest.mark.parametrize(
    ("path", "token"),
    [
        ("/api/registrations", API_TOKEN),
        ("/api/custody/search", API_TOKEN),
        ("/api/handoffs", API_TOKEN),
        ("/api/handoffs/1/notes", INTEGRATIONS_TOKEN),
    ],
)
@pytest.mark.parametrize("body", MALFORMED_JSON.values(), ids=list(MALFORMED_JSON))
def test_malformed_json_is_400(client, path, token, body):
    response = client.post(
        path,
        data=body.encode("utf-8", "surrogateescape"),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.get_data(as_text=True)
