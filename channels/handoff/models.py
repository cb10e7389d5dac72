"""A handoff's tables (the record and its history), its states, reasons and priorities, and
the view the console, the API and the webhooks are given of it."""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, Enum, ForeignKey, Integer, LargeBinary, String

from channels.storage.database import Base, as_utc, utcnow

log = logging.getLogger(__name__)

NAME_LENGTH = 64  # a specialist's user name


class HandoffStatus(str, enum.Enum):
    WAITING = "waiting"
    CLAIMED = "claimed"
    CLOSED = "closed"


class Priority(str, enum.Enum):
    URGENT = "urgent"
    NORMAL = "normal"


class Reason(str, enum.Enum):
    REQUEST_HUMAN = "request_human"
    EMERGENCY = "emergency"
    FALLBACK = "fallback"
    FRUSTRATION = "frustration"
    VICTIMIZATION = "victimization"
    CALLBACK = "callback"


class EventKind(str, enum.Enum):
    CREATED = "created"
    CLAIMED = "claimed"
    RELEASED = "released"
    REASSIGNED = "reassigned"
    CLOSED = "closed"
    NOTE = "note"
    REPLY = "reply"
    MESSAGE = "message"
    PRIORITY = "priority"
    CALLBACK = "callback"
    CALL = "call"  # a phone transfer: answered, or not (the outcome in the detail)


# What ``on_change`` is called with.
CREATED = "handoff.created"
CLAIMED = "handoff.claimed"
CLOSED = "handoff.closed"
UPDATED = "handoff.updated"

OPEN = (HandoffStatus.WAITING, HandoffStatus.CLAIMED)


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


@dataclass(frozen=True)
class HandoffView:
    id: str
    conversation_id: str
    channel: str
    language: str
    reason: str
    priority: str
    status: str
    assignee: str | None
    summary: dict[str, Any]
    created_at: datetime
    claimed_at: datetime | None
    closed_at: datetime | None

    def to_json(self, *, personal: bool = False) -> dict[str, Any]:
        """``personal=False`` (webhooks, anything leaving the office) has nothing of the victim:
        no summary, and not the conversation id either, a stable pseudonym of their phone
        number. ``personal=True`` is for authenticated specialists."""
        data: dict[str, Any] = {
            "id": self.id,
            "channel": self.channel,
            "language": self.language,
            "reason": self.reason,
            "priority": self.priority,
            "status": self.status,
            "assignee": self.assignee,
            "created_at": iso(self.created_at),
            "claimed_at": iso(self.claimed_at),
            "closed_at": iso(self.closed_at),
        }
        if personal:
            data["conversation_id"] = self.conversation_id
            data["summary"] = self.summary
        return data


def iso(moment: datetime | None) -> str | None:
    return as_utc(moment).isoformat() if moment else None
