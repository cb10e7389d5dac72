"""Conversations kept in SQL, encrypted at rest: the tracker store ``bot/endpoints.yml`` names.

Rasa's own ``SQLTrackerStore`` keeps every event as JSON text, so what people typed (their
messages, how the NLU read them, and the slots the forms filled: names, A-numbers, PINs, codes)
would sit in the database in clear. This subclass seals each event's JSON with Fernet (AES-128-CBC
+ HMAC-SHA256) before it is written and opens it when read; only what Rasa needs to query stays
clear (conversation id, event type, time, intent and action names).

Reads and writes run in a worker thread: Rasa serves every conversation from one event loop, and
a synchronous database round trip there held up every other conversation for its length (the
lock store keeps one turn per conversation at a time, so the thread never races itself).

* ``HOTLINE_TRACKER_STORE_URL``: a SQLAlchemy URL; by default ``sqlite:///var/rasa-tracker.db``,
  so ``make run`` keeps conversations across restarts with nothing to install. In production
  ``postgresql://...``, shared by every Rasa replica.
* ``HOTLINE_TRACKER_KEYS``: ``id:secret`` pairs, comma-separated, the first current: events are
  sealed with it and opened with any (a new key goes first, the old one stays until the events it
  sealed have aged out). Rasa refuses to start without one.
* ``HOTLINE_RETENTION_DAYS`` (default 90, as the gateway's): events older than that are erased,
  checked at most once an hour, when a conversation is saved.

The gateway's keys are not here on purpose: Rasa never holds the keys of the gateway's tables.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

URL_SETTING = "HOTLINE_TRACKER_STORE_URL"
KEYS_SETTING = "HOTLINE_TRACKER_KEYS"
RETENTION_SETTING = "HOTLINE_RETENTION_DAYS"
DEFAULT_URL = "sqlite:///var/rasa-tracker.db"
DEFAULT_RETENTION_DAYS = 90
ERASE_EVERY_SECONDS = 3600.0
MAX_READ_COUNTS = 10_000


class TrackerStoreConfigurationError(ValueError):
    """A missing or malformed setting: Rasa stops at start-up with this message."""


def sealer(keys_setting: str) -> MultiFernet:
    """Fernet keys from ``id:secret`` pairs (each secret stretched for this one purpose)."""
    pairs = [item.strip().partition(":") for item in keys_setting.split(",") if item.strip()]
    if not pairs or any(not key_id or not sep or not secret for key_id, sep, secret in pairs):
        raise TrackerStoreConfigurationError(
            f"{KEYS_SETTING} must be id:secret pairs, comma-separated (`make env` writes one)"
        )
    return MultiFernet([Fernet(_fernet_key(secret)) for _, _, secret in pairs])


def _fernet_key(secret: str) -> bytes:
    digest = hmac.new(secret.encode(), b"tracker-store-key", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest)


class EncryptedSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` whose events' JSON is stored sealed (see the module's docstring)."""

    def __init__(
        self,
        domain: Domain | None = None,
        event_broker: EventBroker | None = None,
        environ: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.time,
        **kwargs: Any,
    ) -> None:
        env = os.environ if environ is None else environ
        self.sealed = sealer(env.get(KEYS_SETTING, ""))
        self.retention_seconds = _retention_days(env) * 86400.0
        self.clock = clock
        self.erased_at: float | None = None
        # Per conversation, how many events of its latest session the last read found: the
        # next save writes what came after them without counting them again (one round trip
        # fewer per turn). Only the first save after a read trusts it; any other counts.
        self.read_counts: dict[str, int] = {}
        url = env.get(URL_SETTING) or DEFAULT_URL
        _make_sqlite_directory(url)
        kwargs.pop("host", None)  # the URL comes from the environment, never from endpoints.yml
        super().__init__(domain, host=url, event_broker=event_broker, **kwargs)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """``SQLTrackerStore.save`` with each event's JSON sealed, off the event loop."""
        await self.stream_events(tracker)
        await asyncio.to_thread(self._save, tracker)

    def _save(self, tracker: DialogueStateTracker) -> None:
        """The new events in one multi-row INSERT (the ORM's one INSERT per event was a round
        trip each to the database)."""
        stored = self.read_counts.pop(tracker.sender_id, None)
        with self.session_scope() as session:
            if stored is None:
                stored = self._event_query(
                    session, tracker.sender_id, fetch_events_from_all_sessions=False
                ).count()
            rows = [
                self._row(tracker.sender_id, event.type_name, event.as_dict())
                for event in itertools.islice(tracker.events, stored, None)
            ]
            if rows:
                session.execute(sa.insert(self.SQLEvent.__table__), rows)
            session.commit()
        self.erase_if_due()

    def _note_read(self, sender_id: str, latest_session_events: int | None) -> None:
        if len(self.read_counts) >= MAX_READ_COUNTS:  # reads never followed by a save
            self.read_counts.clear()
        if latest_session_events is None:
            self.read_counts.pop(sender_id, None)
        else:
            self.read_counts[sender_id] = latest_session_events

    def _row(self, sender_id: str, type_name: str, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "sender_id": sender_id,
            "type_name": type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": self.seal(data),
        }

    def erase_if_due(self) -> int:
        """Erases events older than the retention period, at most once an hour; how many."""
        now = self.clock()
        if self.erased_at is not None and now - self.erased_at < ERASE_EVERY_SECONDS:
            return 0
        self.erased_at = now
        cutoff = now - self.retention_seconds
        with self.session_scope() as session:
            erased = session.query(self.SQLEvent).filter(self.SQLEvent.timestamp < cutoff)
            count = int(erased.delete(synchronize_session=False))
            session.commit()
        if count:
            log.info("retention: erased %d conversation events", count)
        return count

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        """``SQLTrackerStore._retrieve`` with each event's JSON opened, off the event loop."""
        return await asyncio.to_thread(self._read, sender_id, fetch_events_from_all_sessions)

    def _read(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions).all()
            events = [self.open(row.data) for row in rows]
        self._note_read(sender_id, None if fetch_events_from_all_sessions else len(rows))
        if not (self.domain and events):
            return None
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    def seal(self, data: dict[str, Any]) -> str:
        return self.sealed.encrypt(json.dumps(data).encode()).decode("ascii")

    def open(self, sealed: str) -> dict[str, Any]:
        opened: dict[str, Any] = json.loads(self.sealed.decrypt(sealed.encode("ascii")))
        return opened


def _retention_days(env: Mapping[str, str]) -> int:
    raw = env.get(RETENTION_SETTING) or str(DEFAULT_RETENTION_DAYS)
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise TrackerStoreConfigurationError(
            f"{RETENTION_SETTING} must be a number of days, at least 1"
        )
    return int(raw)


def _make_sqlite_directory(url: str) -> None:
    """SQLite creates the file, not its directory (``var/`` on a fresh clone)."""
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite") and parsed.database:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
