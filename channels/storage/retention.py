"""Retention: what people said is kept ``HOTLINE_RETENTION_DAYS`` (default 90), then erased.

Each module that keeps something people said or typed registers how to erase what is older than
a cut-off (``@eraser("messages")``): stored messages (counted first, by day, channel and
direction, into ``message_counts``: only the counters stay), call records, the outbox, closed
handoffs' summaries and history, custody events' details. Registrations keep their own
lifecycle (they end, and erase their personal data, when they expire or are withdrawn). Rasa's
conversations are erased by its tracker store (``bot/tracker_store.py``), on the same setting.

The sweep runs with the others but does its work at most once an hour; every eraser is
idempotent, so several processes sweeping is harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from channels.storage.database import Database, utcnow
from channels.storage.models import all_models
from channels.storage.privacy import Privacy

log = logging.getLogger(__name__)

Eraser = Callable[[Session, datetime, Privacy], int]
ERASERS: dict[str, Eraser] = {}
EVERY = timedelta(hours=1)


def eraser(name: str) -> Callable[[Eraser], Eraser]:
    """Registers ``erase(session, cutoff, privacy) -> how many rows`` under ``name``."""

    def register(erase: Eraser) -> Eraser:
        ERASERS[name] = erase
        return erase

    return register


@dataclass
class Retention:
    database: Database
    privacy: Privacy
    days: int
    clock: Callable[[], datetime] = field(default=utcnow)
    last_run: datetime | None = None

    def sweep(self) -> dict[str, int]:
        """``erase`` when an hour has passed since this process last did."""
        now = self.clock()
        if self.last_run is not None and now - self.last_run < EVERY:
            return {}
        self.last_run = now
        return self.erase()

    def erase(self) -> dict[str, int]:
        """Erases everything older than the retention period; how many rows each eraser did."""
        cutoff = self.clock() - timedelta(days=self.days)
        all_models()  # every module with an eraser has registered it
        erased = {}
        for name, erase in sorted(ERASERS.items()):
            with self.database.session() as session:
                erased[name] = erase(session, cutoff, self.privacy)
        if any(erased.values()):
            log.info("retention: erased what was older than %d days: %s", self.days, erased)
        return erased
