"""E-mail against a real SMTP server running in the test."""

from __future__ import annotations

import asyncore
import email
import email.policy
import smtpd
import socket
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest

from channels.outbound.message import SendFailed
from channels.outbound.smtp import SmtpSender
from tests.channels.outbound.samples import (
    mail,
    sms,
)

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
