"""The local outbox: what would have been sent, stored (encrypted) instead of sent.

The simulator and ``GET /api/outbox`` show it, so the whole flow works on a laptop without a
Twilio or SMTP account.
"""

from __future__ import annotations

import builtins
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, Integer, LargeBinary, String, Text, delete, select
from sqlalchemy.orm import Session

from channels.extension import Extension
from channels.outbound.message import Channel, Outbound, Receipt
from channels.storage.database import Base, Database, as_utc, utcnow
from channels.storage.privacy import Privacy, normalise_address
from channels.storage.retention import eraser

logger = logging.getLogger(__name__)

OUTBOX_SID_PREFIX = "OB"
OUTBOX_STATUS_LENGTH = 16


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


class OutboxMessage(Base):
    __tablename__ = "outbox"

    id = Column(Integer, primary_key=True, autoincrement=True)
    sid = Column(String(34), nullable=False, unique=True)  # "OB" + 32 hex, like a Twilio SID
    channel = Column(String(16), nullable=False)
    to_key = Column(String(64), nullable=False, index=True, info={"keyed": True})
    to_encrypted = Column(LargeBinary, nullable=False)
    body_encrypted = Column(LargeBinary, nullable=False)
    subject_encrypted = Column(LargeBinary, nullable=True)  # None when there is no subject
    voice_url = Column(Text, nullable=False, default="")
    reference = Column(String(128), nullable=False, default="")
    status = Column(String(OUTBOX_STATUS_LENGTH), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)

    @staticmethod
    def rekey(row: OutboxMessage, privacy: Privacy) -> dict[str, str]:
        """``to_key`` (``Privacy.conversation_key(to)``) under the current hashing key."""
        return {"to_key": privacy.conversation_key(privacy.decrypt(row.to_encrypted))}


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
        query = query.where(OutboxMessage.to_key.in_(self.privacy.conversation_keys(to)))
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


OUTBOX: Extension[OutboxSender] = Extension("outbox")


def _same_address(a: str, b: str) -> bool:
    if "@" in a or "@" in b:
        return a.strip().lower() == b.strip().lower()
    return normalise_address(a) == normalise_address(b)


@eraser("outbox")
def erase_outbox(session: Session, cutoff: datetime, _: Privacy) -> int:
    """What the local outbox kept instead of sending, from before ``cutoff``."""
    return int(
        session.execute(delete(OutboxMessage).where(OutboxMessage.created_at < cutoff)).rowcount
    )
