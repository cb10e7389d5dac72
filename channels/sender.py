"""The one way out: outbound SMS, voice calls and e-mail behind a single ``Sender`` interface.

Verification codes and custody notifications are sent through ``Sender.send``; which provider
carries them is configuration (``sender_from_config``):

* SMS and voice go through Twilio when an account SID, auth token and phone number are set. A
  voice notification is a call whose content Twilio fetches, when answered, from a TwiML URL on
  the gateway (``Outbound.voice_url``); answering-machine detection tells that URL whether a
  person or a voicemail answered (``AnsweredBy``).
* E-mail goes through an SMTP server when one is set.
* Anything else lands in the local outbox: a table the simulator and the API show, so the whole
  flow works on a laptop without accounts.

A failed send raises ``SendFailed``; its ``retryable`` says whether the same message may succeed
later (network trouble, provider outage, rate limits, our own credentials) or never will (the
recipient's number is invalid or has unsubscribed). Its text never holds the recipient or body.
"""

from __future__ import annotations

import builtins
import enum
import logging
import secrets
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any, Protocol

import requests
from sqlalchemy import Column, DateTime, Integer, LargeBinary, String, Text, select
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from channels.errors import ConfigurationError
from channels.storage.database import Base, Database, as_utc, utcnow
from channels.storage.privacy import Privacy, normalise_address

logger = logging.getLogger(__name__)

STATUS_CALLBACK_PATH = "/twilio/status"
CALL_STATUS_EVENTS = ["initiated", "ringing", "answered", "completed"]
CALL_RING_SECONDS = 30
# Twilio then tells the call's TwiML URL who answered (``AnsweredBy``: human, machine_end_beep,
# ...), so a voicemail gets the neutral message only when the person allowed it. Waiting for the
# greeting to end means the message is recorded after the beep, not spoken over the greeting.
CALL_MACHINE_DETECTION = "DetectMessageEnd"
OUTBOX_SID_PREFIX = "OB"
OUTBOX_STATUS_LENGTH = 16


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

    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


class Sender(Protocol):
    def send(self, message: Outbound) -> Receipt: ...


# -- the local outbox ---------------------------------------------------------------------------


class OutboxMessage(Base):
    __tablename__ = "outbox"

    id = Column(Integer, primary_key=True, autoincrement=True)
    sid = Column(String(34), nullable=False, unique=True)  # "OB" + 32 hex, like a Twilio SID
    channel = Column(String(16), nullable=False)
    to_key = Column(String(64), nullable=False, index=True)  # Privacy.conversation_key(to)
    to_encrypted = Column(LargeBinary, nullable=False)
    body_encrypted = Column(LargeBinary, nullable=False)
    subject_encrypted = Column(LargeBinary, nullable=True)  # None when there is no subject
    voice_url = Column(Text, nullable=False, default="")
    reference = Column(String(128), nullable=False, default="")
    status = Column(String(OUTBOX_STATUS_LENGTH), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


@dataclass(frozen=True)
class OutboxEntry:
    """An outbox message, decrypted, for the simulator, the API and tests."""

    sid: str
    channel: Channel
    to: str
    body: str
    subject: str
    voice_url: str
    reference: str
    status: str
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "sid": self.sid,
            "channel": self.channel.value,
            "to": self.to,
            "body": self.body,
            "subject": self.subject,
            "voice_url": self.voice_url,
            "reference": self.reference,
            "status": self.status,
            "created_at": self.created_at.isoformat(),
        }


class OutboxSender:
    """Stores what would have been sent; the simulator and the API show it."""

    def __init__(self, database: Database, privacy: Privacy) -> None:
        self.database = database
        self.privacy = privacy

    def send(self, message: Outbound) -> Receipt:
        if len(message.reference) > 128:
            raise ValueError("an outbound reference is at most 128 characters")
        sid = OUTBOX_SID_PREFIX + secrets.token_hex(16)
        with self.database.session() as session:
            session.add(
                OutboxMessage(
                    sid=sid,
                    channel=message.channel.value,
                    to_key=self.privacy.conversation_key(message.to),
                    to_encrypted=self.privacy.encrypt(message.to),
                    body_encrypted=self.privacy.encrypt(message.body),
                    subject_encrypted=(
                        self.privacy.encrypt(message.subject) if message.subject else None
                    ),
                    voice_url=message.voice_url,
                    reference=message.reference,
                    status="queued",
                )
            )
        logger.info("outbound %s stored in the outbox as %s", message.channel.value, sid)
        return Receipt(provider_sid=sid, status="queued")

    def list(
        self, limit: int = 50, channel: Channel | None = None, to: str | None = None
    ) -> builtins.list[OutboxEntry]:
        """The newest ``limit`` messages, optionally only one channel's or one recipient's."""
        query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
        if channel is not None:
            query = query.where(OutboxMessage.channel == channel.value)
        if to is None:
            with self.database.session() as session:
                rows = session.execute(query.limit(limit)).scalars().all()
            return [self._entry(row) for row in rows]
        # The keyed hash finds the recipient's rows without decrypting the table; the exact
        # comparison then drops rows of any other address with the same key (e-mail addresses
        # that share their digits normalise alike).
        query = query.where(OutboxMessage.to_key == self.privacy.conversation_key(to))
        with self.database.session() as session:
            rows = session.execute(query).scalars().all()
        entries = (self._entry(row) for row in rows)
        return [entry for entry in entries if _same_address(entry.to, to)][:limit]

    def get(self, sid: str) -> OutboxEntry | None:
        with self.database.session() as session:
            row = session.execute(
                select(OutboxMessage).where(OutboxMessage.sid == sid)
            ).scalar_one_or_none()
        return self._entry(row) if row is not None else None

    def set_status(self, sid: str, status: str) -> None:
        """Record what happened to an outbox message (the simulator "delivers" or "answers")."""
        if not 0 < len(status) <= OUTBOX_STATUS_LENGTH:
            raise ValueError(f"a status is 1 to {OUTBOX_STATUS_LENGTH} characters")
        with self.database.session() as session:
            row = session.execute(
                select(OutboxMessage).where(OutboxMessage.sid == sid)
            ).scalar_one_or_none()
            if row is None:
                raise LookupError(f"no outbox message {sid}")
            row.status = status

    def _entry(self, row: OutboxMessage) -> OutboxEntry:
        return OutboxEntry(
            sid=row.sid,
            channel=Channel(row.channel),
            to=self.privacy.decrypt(row.to_encrypted),
            body=self.privacy.decrypt(row.body_encrypted),
            subject=self.privacy.decrypt(row.subject_encrypted) if row.subject_encrypted else "",
            voice_url=row.voice_url,
            reference=row.reference,
            status=row.status,
            created_at=as_utc(row.created_at),
        )


def _same_address(a: str, b: str) -> bool:
    if "@" in a or "@" in b:
        return a.strip().lower() == b.strip().lower()
    return normalise_address(a) == normalise_address(b)


# -- Twilio --------------------------------------------------------------------------------------


class TwilioSender:
    """SMS through Twilio's Messages API, voice calls through its Calls API."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str,
        status_callback_url: str,
        client: Client | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.from_number = from_number
        self.status_callback_url = status_callback_url
        # Twilio's default HTTP client has no timeout: a stalled connection would hang a worker.
        self.client = client or Client(
            account_sid, auth_token, http_client=TwilioHttpClient(timeout=timeout)
        )

    def send(self, message: Outbound) -> Receipt:
        try:
            instance = self._create(message)
        except TwilioRestException as error:
            raise _twilio_failure(error) from None
        except requests.RequestException as error:
            raise SendFailed(
                f"twilio unreachable: {type(error).__name__}", retryable=True
            ) from None
        logger.info("outbound %s handed to Twilio as %s", message.channel.value, instance.sid)
        return Receipt(provider_sid=str(instance.sid), status=str(instance.status or "queued"))

    def _create(self, message: Outbound) -> Any:
        if message.channel is Channel.SMS:
            return self.client.messages.create(
                to=message.to,
                from_=self.from_number,
                body=message.body,
                status_callback=self.status_callback_url,
            )
        if message.channel is Channel.VOICE:
            return self.client.calls.create(
                to=message.to,
                from_=self.from_number,
                url=message.voice_url,
                status_callback=self.status_callback_url,
                status_callback_event=CALL_STATUS_EVENTS,
                timeout=CALL_RING_SECONDS,
                machine_detection=CALL_MACHINE_DETECTION,
            )
        raise ValueError(f"Twilio does not send {message.channel.value}")


def _twilio_failure(error: TwilioRestException) -> SendFailed:
    """Twilio's error text can quote the recipient's number, so only codes are kept.

    Retried: server errors, rate limits (429) and authentication failures (401/403: our
    credentials, which an operator can fix). Other 4xx (21211 invalid number, 21610 recipient
    unsubscribed, 21614 not a mobile number...) fail the same way every time.
    """
    status = int(error.status)
    retryable = status >= 500 or status in (401, 403, 429)
    return SendFailed(f"twilio HTTP {status} error {error.code}", retryable=retryable)


# -- SMTP ----------------------------------------------------------------------------------------


class SmtpSender:
    """E-mail through an SMTP server, one connection per message (they are rare)."""

    def __init__(
        self,
        host: str,
        port: int,
        sender_address: str,
        username: str = "",
        password: str = "",
        use_tls: bool = False,
        timeout: float = 10,
    ) -> None:
        self.host = host
        self.port = port
        self.sender_address = sender_address
        self.username = username
        self.password = password
        self.use_tls = use_tls  # STARTTLS; never falls back to sending in the clear
        self.timeout = timeout

    def send(self, message: Outbound) -> Receipt:
        if message.channel is not Channel.EMAIL:
            raise ValueError(f"SMTP does not send {message.channel.value}")
        email = self._compose(message)
        try:
            self._deliver(email)
        except smtplib.SMTPRecipientsRefused as error:
            codes = sorted({code for code, _text in error.recipients.values()})
            # 4xx is the server's "not now" (greylisting, full mailbox); 5xx is final.
            retryable = any(400 <= code < 500 for code in codes)
            raise SendFailed(f"smtp recipient refused {codes}", retryable=retryable) from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPAuthenticationError) as error:
            # Our sender address or credentials: fixable by an operator, not the recipient's fault.
            raise SendFailed(
                f"smtp {type(error).__name__} {error.smtp_code}", retryable=True
            ) from None
        except smtplib.SMTPResponseException as error:
            retryable = not 500 <= error.smtp_code < 600
            raise SendFailed(f"smtp error {error.smtp_code}", retryable=retryable) from None
        except (smtplib.SMTPException, OSError) as error:
            raise SendFailed(f"smtp unreachable: {type(error).__name__}", retryable=True) from None
        logger.info("outbound email handed to SMTP")
        return Receipt(provider_sid=str(email["Message-ID"]), status="sent")

    def _compose(self, message: Outbound) -> EmailMessage:
        email = EmailMessage()
        email["Subject"] = message.subject
        email["From"] = self.sender_address
        email["To"] = message.to
        # make_msgid's default domain is a DNS lookup of this host: slow, and may leak its name.
        email["Message-ID"] = make_msgid(domain=self.sender_address.rpartition("@")[2])
        # Quoted-printable keeps "¿Cómo está?" 7-bit clean for relays without 8BITMIME.
        email.set_content(message.body, charset="utf-8", cte="quoted-printable")
        return email

    def _deliver(self, email: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.use_tls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password)
            smtp.send_message(email)


# -- routing and configuration -------------------------------------------------------------------


class RoutingSender:
    """Sends each message through the sender configured for its channel."""

    def __init__(self, sms: Sender, voice: Sender, email: Sender) -> None:
        self.routes: dict[Channel, Sender] = {
            Channel.SMS: sms,
            Channel.VOICE: voice,
            Channel.EMAIL: email,
        }

    def send(self, message: Outbound) -> Receipt:
        return self.routes[message.channel].send(message)

    @property
    def outbox(self) -> OutboxSender | None:
        """The local outbox, when some channel uses it (for the simulator and ``/api/outbox``)."""
        return next((s for s in self.routes.values() if isinstance(s, OutboxSender)), None)


def sender_from_config(
    *,
    twilio_account_sid: str,
    twilio_auth_token: str,
    twilio_phone_number: str,
    public_url: str,
    smtp_host: str,
    smtp_port: int,
    smtp_from: str,
    smtp_username: str,
    smtp_password: str,
    smtp_tls: bool,
    database: Database,
    privacy: Privacy,
) -> RoutingSender:
    """Twilio for SMS and voice when fully configured, SMTP for e-mail when a host is set; the
    local outbox for whatever is not."""
    outbox = OutboxSender(database, privacy)
    phone: Sender = outbox
    if twilio_account_sid and twilio_auth_token and twilio_phone_number:
        phone = TwilioSender(
            twilio_account_sid,
            twilio_auth_token,
            twilio_phone_number,
            status_callback_url=public_url.rstrip("/") + STATUS_CALLBACK_PATH,
        )
    email: Sender = outbox
    if smtp_host:
        if "@" not in smtp_from:
            raise ConfigurationError(
                "HOTLINE_SMTP_FROM must be the e-mail address notifications are sent from"
            )
        email = SmtpSender(
            smtp_host,
            smtp_port,
            smtp_from,
            username=smtp_username,
            password=smtp_password,
            use_tls=smtp_tls,
        )
    return RoutingSender(sms=phone, voice=phone, email=email)
