"""Console sessions kept on the server, so that logging out really ends one.

The session cookie is Flask's signed cookie; on its own, a copy of it (from a shared computer, a
proxy log, a stolen laptop) would stay valid after logout until it expired. Each login opens a
row here, named in the cookie by a random id (only its hash is stored); every request checks the
row, logout closes it, and a changed password or a deactivated user closes all of theirs.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, delete, select

from channels.storage.database import Base, Database, as_utc, utcnow

LIFETIME = timedelta(hours=12)  # the console's absolute limit


class ConsoleSession(Base):
    __tablename__ = "console_sessions"

    id = Column(String(64), primary_key=True)  # SHA-256 of the id in the cookie
    user_id = Column(Integer, ForeignKey("specialists.id"), nullable=False, index=True)
    created_at = Column(DateTime(timezone=True), nullable=False)


def _hashed(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class ConsoleSessions:
    def __init__(self, database: Database, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.database = database
        self.clock = clock

    def open(self, user_id: int) -> str:
        """A new session of ``user_id``; the id to put in the cookie. Expired rows go."""
        session_id = secrets.token_urlsafe(32)
        now = self.clock()
        with self.database.session() as session:
            session.execute(
                delete(ConsoleSession).where(ConsoleSession.created_at < now - LIFETIME)
            )
            session.add(ConsoleSession(id=_hashed(session_id), user_id=user_id, created_at=now))
        return session_id

    def is_open(self, session_id: str, user_id: int) -> bool:
        with self.database.session() as session:
            created = session.execute(
                select(ConsoleSession.created_at).where(
                    ConsoleSession.id == _hashed(session_id), ConsoleSession.user_id == user_id
                )
            ).scalar_one_or_none()
        return created is not None and self.clock() - as_utc(created) < LIFETIME

    def close(self, session_id: str) -> None:
        with self.database.session() as session:
            session.execute(delete(ConsoleSession).where(ConsoleSession.id == _hashed(session_id)))

    def close_all(self, user_id: int) -> None:
        with self.database.session() as session:
            session.execute(delete(ConsoleSession).where(ConsoleSession.user_id == user_id))
