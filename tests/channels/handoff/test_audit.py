"""The audit log: entries in, newest first out, nothing cut short."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from channels.handoff.audit import AuditEntry, AuditLog
from channels.storage.database import Database

START = datetime(2026, 11, 29, 14, 5, tzinfo=timezone.utc)


@pytest.fixture
def database(tmp_path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path}/audit.db")
    AuditEntry.__table__.create(database.engine)
    yield database
    database.dispose()


def test_entries_are_listed_newest_first(database: Database) -> None:
    moments = iter(START + timedelta(minutes=minute) for minute in range(3))
    log = AuditLog(database, clock=lambda: next(moments))
    log.record("ana", "handoff.viewed", "h1")
    log.record("bob", "handoff.viewed", "h1")
    log.record("ana", "handoff.viewed", "h2")
    entries = log.entries()
    assert [(e["actor"], e["subject"]) for e in entries] == [
        ("ana", "h2"),
        ("bob", "h1"),
        ("ana", "h1"),
    ]
    assert entries[0]["at"] == "2026-11-29T14:07:00+00:00"
    assert entries[0]["action"] == "handoff.viewed"
    assert log.entries(limit=1) == entries[:1]


@pytest.mark.parametrize(
    ("actor", "action", "subject"),
    [
        ("", "handoff.viewed", "h1"),
        ("a" * 65, "handoff.viewed", "h1"),
        ("ana", "x" * 33, "h1"),
        ("ana", "handoff.viewed", ""),
    ],
)
def test_nothing_is_cut_short(database: Database, actor: str, action: str, subject: str) -> None:
    log = AuditLog(database)
    with pytest.raises(ValueError):
        log.record(actor, action, subject)
    assert log.entries() == []
