"""Twilio's REST API as seen on the wire (through twilio's own client and a recording HTTP
client)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode

import pytest
import requests
from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.rest import Client

from channels.outbound.message import Receipt, SendFailed
from channels.outbound.twilio_api import CALL_STATUS_EVENTS, TwilioSender
from tests.channels.outbound.samples import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    CALLBACK,
    FROM_NUMBER,
    PHONE,
    VOICE_URL,
    call,
    mail,
    sms,
)

# -- Twilio --------------------------------------------------------------------------------------


@dataclass
class RecordedRequest:
    method: str
    url: str
    auth: tuple[str, str] | None
    form: dict[str, list[str]]


class RecordingHttpClient(HttpClient):
    """Twilio's HTTP client interface, answering with canned responses and remembering requests."""

    def __init__(self, responses: list[Response | Exception]) -> None:
        super().__init__(logging.getLogger("tests.twilio"), is_async=False)
        self.responses = responses
        self.requests: list[RecordedRequest] = []

    def request(
        self,
        method: str,
        uri: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        # Encoded as `requests` puts it on the wire: lists become repeated fields.
        form = parse_qs(urlencode(data or {}, doseq=True))
        self.requests.append(RecordedRequest(method, uri, auth, form))
        answer = self.responses.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def twilio_sender(*responses: Response | Exception) -> tuple[TwilioSender, RecordingHttpClient]:
    http = RecordingHttpClient(responses=list(responses))
    client = Client(ACCOUNT_SID, AUTH_TOKEN, http_client=http)
    return TwilioSender(ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, CALLBACK, client=client), http


def created(sid: str, status: str = "queued") -> Response:
    return Response(
        201, f'{{"sid": "{sid}", "status": "{status}", "account_sid": "{ACCOUNT_SID}"}}'
    )


def twilio_error(status: int, code: int) -> Response:
    # Twilio's error messages quote the number; the sender must not pass that on.
    text = f"The 'To' number {PHONE} is not a valid phone number."
    return Response(status, json.dumps({"code": code, "message": text, "status": status}))


def test_twilio_sms_posts_to_the_messages_resource():
    sender, http = twilio_sender(created("SM" + "a" * 32))

    receipt = sender.send(sms(body="Su código es 482913"))

    assert receipt == Receipt(provider_sid="SM" + "a" * 32, status="queued")
    [request] = http.requests
    assert request.method == "POST"
    assert request.url == (
        f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    )
    assert request.auth == (ACCOUNT_SID, AUTH_TOKEN)
    assert request.form == {
        "To": [PHONE],
        "From": [FROM_NUMBER],
        "Body": ["Su código es 482913"],
        "StatusCallback": [CALLBACK],
    }


def test_texts_go_through_the_messaging_service_when_one_is_set():
    http = RecordingHttpClient(responses=[created("SM" + "c" * 32), created("CA" + "d" * 32)])
    client = Client(ACCOUNT_SID, AUTH_TOKEN, http_client=http)
    service = "MG" + "e" * 32
    sender = TwilioSender(
        ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, CALLBACK, client=client, messaging_service_sid=service
    )
    sender.send(sms(body="hola"))
    sender.send(call())
    text, placed = http.requests
    assert text.form["MessagingServiceSid"] == [service] and "From" not in text.form
    assert placed.form["From"] == [FROM_NUMBER]  # calls come from the number


def test_twilio_voice_places_a_call_that_fetches_the_twiml():
    sender, http = twilio_sender(created("CA" + "b" * 32))

    receipt = sender.send(call())

    assert receipt == Receipt(provider_sid="CA" + "b" * 32, status="queued")
    [request] = http.requests
    assert request.method == "POST"
    assert request.url == f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Calls.json"
    assert request.auth == (ACCOUNT_SID, AUTH_TOKEN)
    assert request.form == {
        "To": [PHONE],
        "From": [FROM_NUMBER],
        "Url": [VOICE_URL],
        "StatusCallback": [CALLBACK],
        "StatusCallbackEvent": ["initiated", "ringing", "answered", "completed"],
        "Timeout": ["30"],
        # Twilio sends AnsweredBy to the TwiML URL: no voicemail unless the person allowed it.
        "MachineDetection": ["DetectMessageEnd"],
    }
    assert CALL_STATUS_EVENTS == ["initiated", "ringing", "answered", "completed"]


def test_twilio_does_not_send_email():
    sender, http = twilio_sender()

    with pytest.raises(ValueError):
        sender.send(mail())
    assert http.requests == []


@pytest.mark.parametrize(
    ("status", "code", "retryable"),
    [
        (400, 21211, False),  # invalid 'To' number
        (400, 21610, False),  # the recipient replied STOP
        (400, 21614, False),  # not a mobile number
        (401, 20003, True),  # our credentials: an operator can fix them
        (429, 20429, True),  # too many requests
        (500, 20500, True),
        (503, 20503, True),
    ],
)
def test_twilio_errors_say_whether_to_retry(status: int, code: int, retryable: bool):
    sender, _http = twilio_sender(twilio_error(status, code))

    with pytest.raises(SendFailed) as failure:
        sender.send(sms())

    assert failure.value.retryable is retryable
    assert failure.value.throttled is (status == 429)  # retried soon, never a failure
    assert str(code) in str(failure.value)
    assert PHONE not in str(failure.value)
    assert failure.value.__cause__ is None and failure.value.__context__ is not None


@pytest.mark.parametrize("error", [requests.ConnectionError("down"), requests.Timeout("slow")])
def test_twilio_unreachable_is_retryable(error: Exception):
    sender, _http = twilio_sender(error)

    with pytest.raises(SendFailed) as failure:
        sender.send(call())

    assert failure.value.retryable is True


def test_twilio_default_client_has_a_timeout():
    sender = TwilioSender(ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, CALLBACK, timeout=7)

    assert sender.client.auth == (ACCOUNT_SID, AUTH_TOKEN)
    assert sender.client.http_client.timeout == 7
