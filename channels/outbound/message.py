"""What goes out: one outbound SMS, call or e-mail, the provider's receipt, and the ``Sender``
interface every provider implements (see ``channels.outbound`` for which one carries what).

A failed send raises ``SendFailed``; its ``retryable`` says whether the same message may succeed
later (network trouble, provider outage, rate limits, our own credentials) or never will (the
recipient's number is invalid or has unsubscribed). Its text never holds the recipient or body.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from channels.extension import Extension


class Channel(str, enum.Enum):
    SMS = "sms"
    VOICE = "voice"
    EMAIL = "email"


@dataclass(frozen=True)
class Outbound:
    channel: Channel
    to: str  # E.164 phone number, or an e-mail address
    body: str  # SMS text / e-mail body / for VOICE: a short description for the outbox
    subject: str = ""  # e-mail only
    voice_url: str = ""  # VOICE only: absolute URL of the TwiML Twilio fetches when answered
    reference: str = ""  # opaque id of what this is, e.g. "notification:42:attempt:3"

    def __post_init__(self) -> None:
        if not self.to.strip():
            raise ValueError("an outbound message needs a recipient")
        if self.channel is Channel.VOICE and not self.voice_url.startswith(("https://", "http://")):
            raise ValueError("a voice message needs the absolute URL of its TwiML")
        if self.channel is Channel.EMAIL and "@" not in self.to:
            raise ValueError("an e-mail needs an e-mail address")


@dataclass(frozen=True)
class Receipt:
    provider_sid: str  # Twilio Message/Call SID, SMTP Message-ID, or "OB…" outbox id
    status: str  # the provider's first status: "queued", "accepted", "sent"…


class SendFailed(Exception):
    """The message was not sent. ``reason`` is safe to log: codes only, no personal data."""

    def __init__(self, reason: str, *, retryable: bool, throttled: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable or throttled
        # The provider said "too many requests": nothing is wrong with the message; try again
        # in a moment, and do not count it towards giving up.
        self.throttled = throttled


class Sender(Protocol):
    def send(self, message: Outbound) -> Receipt: ...


SENDER: Extension[Sender] = Extension("sender")
