"""What the outbound tests send: an SMS, a call and an e-mail, and the numbers they use."""

from __future__ import annotations

from channels.outbound.message import Channel, Outbound

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
