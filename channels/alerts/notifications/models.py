"""The exchange's tables: custody events as received, one notification per event and
registration, and every delivery attempt of it (with what Twilio reports)."""

from __future__ import annotations

import enum
import json
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from channels.alerts.registrations.keys import OffenderKeys, offender_in
from channels.storage.database import Base, utcnow
from channels.storage.privacy import Privacy
from channels.storage.retention import eraser


class EventType(str, enum.Enum):
    RELEASE = "release"
    TRANSFER = "transfer"
    REMOVAL = "removal"
    ESCAPE = "escape"
    DEATH = "death"
    RETURN_TO_CUSTODY = "return_to_custody"


class NotificationStatus(str, enum.Enum):
    PENDING = "pending"  # due at next_attempt_at (for voice: also between calls)
    SENDING = "sending"  # claimed by a worker until lease_until
    SENT = "sent"  # handed to the provider; SMS waits for the person's OK
    CONFIRMED = "confirmed"  # the person entered the PIN or replied OK
    FAILED = "failed"  # gave up: permanent error or too many failed sends
    EXPIRED = "expired"  # voice: no PIN within the calling window


class CustodyEvent(Base):
    __tablename__ = "custody_events"

    id = Column(Integer, primary_key=True, autoincrement=True)
    event_id = Column(String(100), nullable=False, unique=True)
    type = Column(Enum(EventType, native_enum=False, length=24), nullable=False)
    key_a_number = Column(String(64), nullable=True, index=True, info={"keyed": True})
    key_identity = Column(String(64), nullable=True, index=True, info={"keyed": True})
    # The offender (A-number, name, date of birth, country) and the facility, as JSON.
    details_encrypted = Column(LargeBinary, nullable=False)
    occurred_at = Column(DateTime(timezone=True), nullable=False)
    received_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    matched = Column(Integer, nullable=True)  # set when the fan-out has run
    erased_at = Column(DateTime(timezone=True), nullable=True)  # by retention: details gone

    @staticmethod
    def rekey(row: CustodyEvent, privacy: Privacy) -> dict[str, str]:
        """Its keys re-computed under the current hashing key from its details (an event stored
        before the details held the offender's identity is re-keyed by the registrations it
        matched, in ``channels.storage.rotate``)."""
        a_number, name, birth_date, country = offender_in(
            load_details(privacy.decrypt(row.details_encrypted))
        )
        keys = OffenderKeys(privacy)
        computed = {
            "key_a_number": row.key_a_number and keys.a_number(a_number),
            "key_identity": row.key_identity and keys.identity(name, birth_date, country),
        }
        return {column: value for column, value in computed.items() if value}


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("event_pk", "registration_id", name="uq_notification_once"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    event_pk = Column(Integer, ForeignKey("custody_events.id"), nullable=False, index=True)
    registration_id = Column(String(32), ForeignKey("registrations.id"), nullable=False, index=True)
    channel = Column(String(8), nullable=False)
    contact_key = Column(String(64), nullable=False, index=True, info={"keyed": True})
    status = Column(Enum(NotificationStatus, native_enum=False, length=16), nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    failures = Column(Integer, nullable=False, default=0)  # in a row; a send resets it
    next_attempt_at = Column(DateTime(timezone=True), nullable=True, index=True)
    lease_until = Column(DateTime(timezone=True), nullable=True)
    claim = Column(String(32), nullable=True, index=True)
    deadline = Column(DateTime(timezone=True), nullable=True)
    last_error = Column(Text, nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    sent_at = Column(DateTime(timezone=True), nullable=True)
    confirmed_at = Column(DateTime(timezone=True), nullable=True)


class DeliveryAttempt(Base):
    """Every try and every status Twilio reports for it (``/twilio/status``)."""

    __tablename__ = "delivery_attempts"

    id = Column(Integer, primary_key=True, autoincrement=True)
    notification_id = Column(Integer, ForeignKey("notifications.id"), nullable=False, index=True)
    number = Column(Integer, nullable=False)
    channel = Column(String(8), nullable=False)
    provider_sid = Column(String(64), nullable=True, unique=True)
    status = Column(String(24), nullable=False)
    error = Column(Text, nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)


def claimable(now: datetime) -> Any:
    return or_(
        (Notification.status == NotificationStatus.PENDING) & (Notification.next_attempt_at <= now),
        (Notification.status == NotificationStatus.SENDING) & (Notification.lease_until < now),
    )


def dump_details(data: dict[str, Any]) -> str:
    """A custody event's ``details`` as stored (before encryption)."""
    return json.dumps(data, ensure_ascii=False)


def load_details(text: str) -> dict[str, Any]:
    loaded = json.loads(text)
    return loaded if isinstance(loaded, dict) else {}


@eraser("custody_events")
def erase_event_details(session: Session, cutoff: datetime, privacy: Privacy) -> int:
    """A custody event received before ``cutoff`` whose fan-out has run keeps its type and
    times (its notifications are counted by them), not the offender's identity or keys."""
    old = select(CustodyEvent.id).where(
        CustodyEvent.received_at < cutoff,
        CustodyEvent.matched.is_not(None),
        CustodyEvent.erased_at.is_(None),
    )
    ids = list(session.execute(old).scalars())
    if ids:
        session.execute(
            update(CustodyEvent)
            .where(CustodyEvent.id.in_(ids))
            .values(
                details_encrypted=privacy.encrypt(dump_details({})),
                key_a_number=None,
                key_identity=None,
                erased_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
    return len(ids)
