"""Who looked at whose personal data, and when: the audit log supervisors read.

An entry names the actor (a specialist's user name), the action (like ``handoff.viewed``) and the
subject (a handoff's id): never the personal data itself, so the log can be read and kept
without becoming a copy of what it guards.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, Integer, String, select

from channels.extension import Extension
from channels.storage.database import Base, Database, as_utc, utcnow

ACTOR_LENGTH = 64
ACTION_LENGTH = 32
SUBJECT_LENGTH = 64


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True, autoincrement=True)
    actor = Column(String(ACTOR_LENGTH), nullable=False, index=True)
    action = Column(String(ACTION_LENGTH), nullable=False)
    subject = Column(String(SUBJECT_LENGTH), nullable=False, index=True)
    at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class AuditLog:
    """Appends entries, each in its own transaction, and lists the newest."""

    def __init__(self, database: Database, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.database = database
        self.clock = clock

    def record(self, actor: str, action: str, subject: str) -> None:
        """Raises ValueError for an empty or over-long value rather than cutting it short: a
        truncated actor or subject would make the entry point at someone else."""
        for name, value, limit in (
            ("actor", actor, ACTOR_LENGTH),
            ("action", action, ACTION_LENGTH),
            ("subject", subject, SUBJECT_LENGTH),
        ):
            if not 0 < len(value) <= limit:
                raise ValueError(f"an audit {name} is 1 to {limit} characters")
        with self.database.session() as session:
            session.add(AuditEntry(actor=actor, action=action, subject=subject, at=self.clock()))

    def entries(self, limit: int = 100) -> list[dict[str, Any]]:
        """The newest ``limit`` entries, newest first."""
        with self.database.session() as session:
            rows = session.execute(
                select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
            ).scalars()
            return [
                {
                    "id": row.id,
                    "actor": row.actor,
                    "action": row.action,
                    "subject": row.subject,
                    "at": as_utc(row.at).isoformat(),
                }
                for row in rows
            ]


AUDIT: Extension[AuditLog] = Extension("audit")
