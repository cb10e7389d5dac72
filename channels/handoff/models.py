"""A handoff's tables: the record, and its history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Column,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    select,
    update,
)
from sqlalchemy.orm import Session

from channels.handoff.states import NAME_LENGTH, HandoffStatus, Priority, Reason
from channels.storage.database import Base, utcnow
from channels.storage.privacy import Privacy
from channels.storage.retention import eraser


class Handoff(Base):
    __tablename__ = "handoffs"

    id = Column(String(32), primary_key=True)
    conversation_id = Column(String(64), ForeignKey("conversations.id"), nullable=False, index=True)
    # The conversation id while open, NULL once closed: UNIQUE makes "one open per conversation".
    open_key = Column(String(64), nullable=True, unique=True)
    channel = Column(String(8), nullable=False)
    language = Column(String(2), nullable=False)
    reason = Column(Enum(Reason, native_enum=False, length=16), nullable=False)
    priority = Column(Enum(Priority, native_enum=False, length=8), nullable=False)
    status = Column(Enum(HandoffStatus, native_enum=False, length=8), nullable=False, index=True)
    assignee = Column(String(NAME_LENGTH), nullable=True)
    summary_encrypted = Column(LargeBinary, nullable=False)  # JSON
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    claimed_at = Column(DateTime(timezone=True), nullable=True)
    closed_at = Column(DateTime(timezone=True), nullable=True)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    erased_at = Column(DateTime(timezone=True), nullable=True)  # by retention: summary gone


class HandoffEvent(Base):
    __tablename__ = "handoff_events"

    id = Column(Integer, primary_key=True, autoincrement=True)
    handoff_id = Column(String(32), ForeignKey("handoffs.id"), nullable=False, index=True)
    kind = Column(String(16), nullable=False)  # an EventKind value
    actor = Column(
        String(NAME_LENGTH), nullable=True
    )  # the specialist; NULL: the system, the victim
    detail_encrypted = Column(LargeBinary, nullable=True)  # JSON
    at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


@eraser("handoffs")
def erase_closed_handoffs(session: Session, cutoff: datetime, privacy: Privacy) -> int:
    """A handoff closed before ``cutoff`` keeps its record (reason, priority, times: counted),
    not its summary or the details of its history."""
    closed = select(Handoff.id).where(Handoff.closed_at < cutoff, Handoff.erased_at.is_(None))
    ids = list(session.execute(closed).scalars())
    if not ids:
        return 0
    session.execute(
        update(HandoffEvent)
        .where(HandoffEvent.handoff_id.in_(ids))
        .values(detail_encrypted=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Handoff)
        .where(Handoff.id.in_(ids))
        .values(summary_encrypted=privacy.encrypt("{}"), erased_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return len(ids)
