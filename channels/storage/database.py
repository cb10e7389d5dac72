"""The gateway's database: the engine, its sessions, and the declarative base every table uses.

SQLite by default (one file under ``var/``), PostgreSQL in production; the schema is the same,
and comes from the migrations (``channels/storage/migrations``). The tables are defined by the
modules that use them (``channels.storage.models`` lists them all).
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import (
    create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, declarative_base, sessionmaker
from sqlalchemy.orm.decl_api import DeclarativeMeta
from sqlalchemy.pool import QueuePool

from channels.errors import ConfigurationError
from channels.extension import Extension

Base: DeclarativeMeta = declarative_base()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; everything stored here is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class Database:
    """Engine and sessions; the schema comes from the migrations (``migrate``)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _create_engine(url)
        self._sessions = sessionmaker(bind=self.engine, future=True, expire_on_commit=False)
        # A forked process (RQ's worker runs each job in one) must not use the parent's pooled
        # connections: it forgets them and opens its own. A weak reference, so that the hook
        # does not keep a disposed database alive.
        this = weakref.ref(self)
        os.register_at_fork(after_in_child=lambda: _forget_parent_connections(this))

    def migrate(self) -> None:
        """Brings the schema to the newest migration (``channels/storage/migrations``).

        A database made before migrations existed (tables, no ``alembic_version``) is first
        stamped as the first revision, which created exactly those tables.
        """
        from channels.storage.migrations import upgrade

        upgrade(self.engine)

    def require_current_schema(self) -> None:
        """Refuses to serve on a schema older (or newer) than this code's: in production the
        migrations are a release step (``make migrate``), not something each worker does."""
        from channels.storage.migrations import current, head

        at, newest = current(self.engine), head()
        if at != newest:
            raise ConfigurationError(
                f"the database schema is at {at or 'nothing'}, this code needs {newest}: "
                "run `make migrate` (python -m channels.storage.migrate) first"
            )

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")

    def dispose(self) -> None:
        self.engine.dispose()


DATABASE: Extension[Database] = Extension("db")


def _forget_parent_connections(database: weakref.ReferenceType[Database]) -> None:
    alive = database()
    if alive is not None:
        alive.engine.dispose(close=False)


def _create_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # SQLAlchemy 1.4 gives file SQLite a NullPool: a new connection, its PRAGMAs and a WAL
        # close on every transaction, which was half of the gateway's CPU per message.
        engine = create_engine(
            url,
            future=True,
            poolclass=QueuePool,
            pool_size=8,
            max_overflow=32,
            connect_args={"check_same_thread": False, "timeout": 15},
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, future=True, pool_size=10, max_overflow=20, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers run beside the one writer; NORMAL sync is safe with WAL."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
