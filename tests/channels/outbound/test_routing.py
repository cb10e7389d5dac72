"""Which provider carries each channel, from the configuration."""

from __future__ import annotations

from typing import Any

import pytest

from channels.errors import ConfigurationError
from channels.outbound.message import Channel, Outbound, Receipt
from channels.outbound.outbox import OutboxSender
from channels.outbound.routing import RoutingSender, sender_from_config
from channels.outbound.smtp import SmtpSender
from channels.outbound.twilio_api import TwilioSender
from channels.storage.database import Database
from channels.storage.privacy import Privacy
from tests.channels.outbound.samples import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    FROM_NUMBER,
    call,
    mail,
    sms,
)

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
