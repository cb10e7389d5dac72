"""The outbound sender: the local outbox on SQLite and PostgreSQL, Twilio's REST API as seen on
the wire (through twilio's own client and a recording HTTP client), and a real SMTP server
running in the test."""

from __future__ import annotations

import asyncore
import email
import email.policy
import json
import logging
import smtpd
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
import requests
from sqlalchemy import select
from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.rest import Client

from channels.errors import ConfigurationError
from channels.outbound.message import Channel, Outbound, Receipt, SendFailed
from channels.outbound.outbox import OutboxMessage, OutboxSender
from channels.outbound.routing import RoutingSender, sender_from_config
from channels.outbound.smtp import SmtpSender
from channels.outbound.twilio_api import CALL_STATUS_EVENTS, TwilioSender
from channels.storage.database import Database
from channels.storage.privacy import Privacy

PHONE = "+17135550142"
ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "test-twilio-token"
FROM_NUMBER = "+18005550100"
CALLBACK = "https://hotline.example.org/twilio/status"
VOICE_URL = "https://hotline.example.org/twilio/voice/notification/42"


def sms(to: str = PHONE, body: str = "Your code is 482913", reference: str = "") -> Outbound:
    return Outbound(channel=Channel.SMS, to=to, body=body, reference=reference)


def call(to: str = PHONE) -> Outbound:
    return Outbound(
        channel=Channel.VOICE,
        to=to,
        body="custody notification call",
        voice_url=VOICE_URL,
        reference="notification:42:attempt:3",
    )


def mail(to: str = "maria@example.org") -> Outbound:
    return Outbound(
        channel=Channel.EMAIL, to=to, subject="Notificación de custodia", body="¿Cómo está?"
    )


# -- Outbound ------------------------------------------------------------------------------------


def test_outbound_rejects_messages_no_provider_could_send():
    with pytest.raises(ValueError, match="TwiML"):
        Outbound(channel=Channel.VOICE, to=PHONE, body="call")
    with pytest.raises(ValueError, match="TwiML"):
        Outbound(channel=Channel.VOICE, to=PHONE, body="call", voice_url="/twilio/voice")
    with pytest.raises(ValueError, match="e-mail address"):
        Outbound(channel=Channel.EMAIL, to=PHONE, body="hello")
    with pytest.raises(ValueError, match="recipient"):
        Outbound(channel=Channel.SMS, to=" ", body="hello")


# -- the outbox ----------------------------------------------------------------------------------


@pytest.fixture
def privacy() -> Privacy:
    return Privacy("test-secret-key")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path) -> Iterator[Database]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/outbox.db"
    else:
        url = request.getfixturevalue("postgres_url")
    database = Database(url)
    database.migrate()
    yield database
    database.dispose()


@pytest.fixture
def outbox(database: Database, privacy: Privacy) -> OutboxSender:
    return OutboxSender(database, privacy)


def test_outbox_stores_personal_fields_encrypted(outbox: OutboxSender, database: Database):
    receipt = outbox.send(mail())

    assert receipt.status == "queued"
    assert receipt.provider_sid.startswith("OB")
    assert len(receipt.provider_sid) == 34
    int(receipt.provider_sid[2:], 16)
    with database.session() as session:
        row = session.execute(select(OutboxMessage)).scalar_one()
    stored = row.to_encrypted + row.body_encrypted + row.subject_encrypted
    for secret in ("maria@example.org", "¿Cómo está?", "Notificación"):
        assert secret.encode() not in stored
    assert "maria" not in row.to_key


def test_outbox_gives_back_what_was_sent(outbox: OutboxSender):
    receipt = outbox.send(call())

    entry = outbox.get(receipt.provider_sid)

    assert entry is not None
    assert entry.sid == receipt.provider_sid
    assert entry.channel is Channel.VOICE
    assert (entry.to, entry.body, entry.subject) == (PHONE, "custody notification call", "")
    assert entry.voice_url == VOICE_URL
    assert entry.reference == "notification:42:attempt:3"
    assert entry.status == "queued"
    assert entry.created_at.tzinfo is not None
    assert entry.to_json() == {
        "sid": receipt.provider_sid,
        "channel": "voice",
        "to": PHONE,
        "body": "custody notification call",
        "subject": "",
        "voice_url": VOICE_URL,
        "reference": "notification:42:attempt:3",
        "status": "queued",
        "created_at": entry.created_at.isoformat(),
    }
    assert outbox.get("OB" + "f" * 32) is None


def test_outbox_lists_newest_first_with_filters(outbox: OutboxSender):
    outbox.send(sms(body="first", reference="1"))
    outbox.send(sms(to="+17135550199", body="other person", reference="2"))
    outbox.send(call())
    outbox.send(mail())
    outbox.send(sms(body="last", reference="5"))

    assert [e.reference for e in outbox.list(limit=2)] == ["5", ""]
    assert len(outbox.list()) == 5
    assert [e.body for e in outbox.list(channel=Channel.SMS)] == ["last", "other person", "first"]
    # The same number however it is written; only that person's messages.
    mine = outbox.list(to="+1 (713) 555-0142")
    assert [e.reference for e in mine] == ["5", "notification:42:attempt:3", "1"]
    assert [e.body for e in outbox.list(to=PHONE, channel=Channel.SMS, limit=1)] == ["last"]
    assert outbox.list(to="+15005550006") == []


def test_outbox_recipient_filter_is_exact_for_email(outbox: OutboxSender):
    # Addresses sharing their digits share a keyed hash; the filter must still tell them apart.
    outbox.send(mail(to="ana1@example.org"))
    outbox.send(mail(to="bob1@example.org"))

    found = outbox.list(to="Ana1@Example.org")

    assert [e.to for e in found] == ["ana1@example.org"]


def test_outbox_status_updates(outbox: OutboxSender):
    sid = outbox.send(sms()).provider_sid

    outbox.set_status(sid, "delivered")

    entry = outbox.get(sid)
    assert entry is not None
    assert entry.status == "delivered"
    with pytest.raises(LookupError):
        outbox.set_status("OB" + "0" * 32, "delivered")
    with pytest.raises(ValueError):
        outbox.set_status(sid, "x" * 17)


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


# -- SMTP against a real server ------------------------------------------------------------------


class RefusingChannel(smtpd.SMTPChannel):
    """Refuses "gone@" for good and "busy@" for now, like a real mail server would."""

    def smtp_RCPT(self, arg: str) -> None:
        if "gone@" in arg:
            self.push("550 5.1.1 mailbox unavailable")
        elif "busy@" in arg:
            self.push("450 4.2.1 mailbox busy, try again later")
        else:
            super().smtp_RCPT(arg)


class RecordingSmtpServer(smtpd.SMTPServer):
    channel_class = RefusingChannel

    def __init__(self, socket_map: dict[int, Any]) -> None:
        # The remote address is where a relaying server would forward to: unused here.
        super().__init__(("127.0.0.1", 0), ("127.0.0.1", 0), map=socket_map)
        assert self.socket is not None
        self.port: int = self.socket.getsockname()[1]
        self.received: list[tuple[str, list[str], bytes]] = []

    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs) -> None:
        self.received.append((mailfrom, list(rcpttos), data))


@pytest.fixture
def smtp_server() -> Iterator[RecordingSmtpServer]:
    socket_map: dict[int, Any] = {}
    server = RecordingSmtpServer(socket_map)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            asyncore.loop(timeout=0.02, count=1, map=socket_map)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server
    stop.set()
    thread.join(timeout=5)
    asyncore.close_all(map=socket_map)


def smtp_sender(server: RecordingSmtpServer, **options: Any) -> SmtpSender:
    return SmtpSender("127.0.0.1", server.port, "avisos@voice.example.org", timeout=5, **options)


def test_smtp_delivers_a_utf8_message(smtp_server: RecordingSmtpServer):
    receipt = smtp_sender(smtp_server).send(mail())

    [(mailfrom, recipients, data)] = smtp_server.received
    assert mailfrom == "avisos@voice.example.org"
    assert recipients == ["maria@example.org"]
    received = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(received, EmailMessage)
    assert received["Subject"] == "Notificación de custodia"
    assert received["To"] == "maria@example.org"
    assert received["From"] == "avisos@voice.example.org"
    assert received.get_content().strip() == "¿Cómo está?"
    assert receipt.status == "sent"
    assert receipt.provider_sid == received["Message-ID"]
    assert receipt.provider_sid.endswith("@voice.example.org>")
    data.decode("ascii")  # 7-bit clean on the wire


@pytest.mark.parametrize(("to", "retryable"), [("gone@example.org", False), ("busy@x.org", True)])
def test_smtp_refused_recipient(smtp_server: RecordingSmtpServer, to: str, retryable: bool):
    with pytest.raises(SendFailed) as failure:
        smtp_sender(smtp_server).send(mail(to=to))

    assert failure.value.retryable is retryable
    assert to not in str(failure.value)
    assert smtp_server.received == []


def test_smtp_server_down_is_retryable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sender = SmtpSender("127.0.0.1", port, "avisos@voice.example.org", timeout=2)

    with pytest.raises(SendFailed) as failure:
        sender.send(mail())

    assert failure.value.retryable is True


@pytest.mark.parametrize("options", [{"use_tls": True}, {"username": "u", "password": "p"}])
def test_smtp_never_sends_without_the_tls_or_login_it_was_told_to_use(
    smtp_server: RecordingSmtpServer, options: dict[str, Any]
):
    # The test server offers neither STARTTLS nor AUTH.
    with pytest.raises(SendFailed) as failure:
        smtp_sender(smtp_server, **options).send(mail())

    assert failure.value.retryable is True
    assert smtp_server.received == []


def test_smtp_sends_only_email(smtp_server: RecordingSmtpServer):
    with pytest.raises(ValueError):
        smtp_sender(smtp_server).send(sms())


# -- routing and configuration -------------------------------------------------------------------


class RecordingSender:
    def __init__(self, name: str) -> None:
        self.name = name
        self.sent: list[Outbound] = []

    def send(self, message: Outbound) -> Receipt:
        self.sent.append(message)
        return Receipt(provider_sid=self.name, status="queued")


def test_routing_sends_each_channel_through_its_sender():
    phone, voice, mailer = (
        RecordingSender("sms"),
        RecordingSender("voice"),
        RecordingSender("email"),
    )
    router = RoutingSender(sms=phone, voice=voice, email=mailer)

    assert router.send(sms()).provider_sid == "sms"
    assert router.send(call()).provider_sid == "voice"
    assert router.send(mail()).provider_sid == "email"
    assert [len(s.sent) for s in (phone, voice, mailer)] == [1, 1, 1]


def config(tmp_path, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "twilio_account_sid": "",
        "twilio_auth_token": AUTH_TOKEN,  # always set: it checks inbound webhook signatures
        "twilio_phone_number": "",
        "public_url": "https://hotline.example.org/",
        "smtp_host": "",
        "smtp_port": 587,
        "smtp_from": "",
        "smtp_username": "",
        "smtp_password": "",
        "smtp_tls": True,
        "database": Database(f"sqlite:///{tmp_path}/config.db"),
        "privacy": Privacy("test-secret-key"),
    }
    values.update(overrides)
    return values


def test_config_without_providers_uses_the_outbox(tmp_path):
    settings = config(tmp_path)
    settings["database"].migrate()
    router = sender_from_config(**settings)

    assert all(isinstance(s, OutboxSender) for s in router.routes.values())
    sid = router.send(mail()).provider_sid
    assert router.outbox is router.routes[Channel.EMAIL]
    assert router.outbox.get(sid) is not None
    settings["database"].dispose()


def test_config_with_twilio_and_smtp(tmp_path):
    router = sender_from_config(
        **config(
            tmp_path,
            twilio_account_sid=ACCOUNT_SID,
            twilio_phone_number=FROM_NUMBER,
            smtp_host="smtp.example.org",
            smtp_from="avisos@voice.example.org",
            smtp_username="mailer",
            smtp_password="secret",
        )
    )

    phone, voice, mailer = (router.routes[c] for c in Channel)
    assert phone is voice
    assert isinstance(phone, TwilioSender)
    assert phone.status_callback_url == "https://hotline.example.org/twilio/status"
    assert phone.from_number == FROM_NUMBER
    assert phone.client.auth == (ACCOUNT_SID, AUTH_TOKEN)
    assert isinstance(mailer, SmtpSender)
    assert (mailer.host, mailer.port, mailer.use_tls) == ("smtp.example.org", 587, True)
    assert (mailer.username, mailer.password) == ("mailer", "secret")
    assert router.outbox is None


def test_config_needs_every_twilio_setting_and_a_from_address(tmp_path):
    partial = sender_from_config(**config(tmp_path, twilio_account_sid=ACCOUNT_SID))
    assert isinstance(partial.routes[Channel.SMS], OutboxSender)
    only_email = sender_from_config(
        **config(tmp_path, twilio_account_sid=ACCOUNT_SID, twilio_phone_number=FROM_NUMBER)
    )
    assert only_email.outbox is only_email.routes[Channel.EMAIL]

    with pytest.raises(ConfigurationError, match="HOTLINE_SMTP_FROM"):
        sender_from_config(**config(tmp_path, smtp_host="smtp.example.org"))
