"""Publishing handoff events to the configured URLs, delivering each attempt once (claimed by a
conditional UPDATE), retrying with backoff; and the job that runs an attempt (module-level, so
that RQ can import it by name)."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import requests
from sqlalchemy import select, update

from channels import jobs
from channels.config.settings import Settings
from channels.errors import ConfigurationError
from channels.extension import Extension
from channels.handoff.webhooks.deliveries import (
    MAX_URL_LENGTH,
    DeliveryStatus,
    WebhookDelivery,
    describe,
)
from channels.handoff.webhooks.signatures import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    USER_AGENT,
    sign,
)
from channels.storage.database import Database, utcnow

log = logging.getLogger(__name__)

# Longer than any one send (connect and read timeouts) and than RQ's job timeout: a claimed
# attempt is due again only when its worker has surely given up on it.
LEASE = timedelta(minutes=5)
MAX_EVENT_LENGTH = 32


# -- delivery --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Attempt:
    """What one claimed attempt sends."""

    delivery_id: int
    number: int
    event: str
    url: str
    body: str


@dataclass(frozen=True)
class _Outcome:
    response_code: int | None
    error: str | None

    @property
    def delivered(self) -> bool:
        return self.response_code is not None and 200 <= self.response_code < 300

    @property
    def gone(self) -> bool:
        return self.response_code == 410


class WebhookDispatcher:
    """Publishes events to the configured URLs; jobs reach it as ``jobs.job_context().webhooks``."""

    def __init__(
        self,
        database: Database,
        queue: jobs.JobQueue,
        urls: Sequence[str],
        secret: str,
        *,
        timeout: float = 5.0,
        max_attempts: int = 6,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.urls = [url.strip() for url in urls if url.strip()]
        for url in self.urls:
            _check_url(url)
        if self.urls and not secret:
            raise ConfigurationError(
                "HOTLINE_WEBHOOK_SECRET is required when HOTLINE_WEBHOOK_URLS is set"
            )
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.database = database
        self.queue = queue
        self.secret = secret
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.clock = clock

    @classmethod
    def from_settings(
        cls, settings: Settings, database: Database, queue: jobs.JobQueue
    ) -> WebhookDispatcher:
        return cls(database, queue, settings.webhook_urls, settings.webhook_secret)

    def publish(self, event: str, data: dict[str, Any]) -> str:
        """Stores one delivery per URL and queues each; returns the event id.

        ``data`` must hold no personal data (see the module docstring). With no URL configured
        nothing is stored or sent.
        """
        if not 0 < len(event) <= MAX_EVENT_LENGTH:
            raise ValueError(f"an event name has 1 to {MAX_EVENT_LENGTH} characters")
        event_id = uuid.uuid4().hex
        if not self.urls:
            return event_id
        now = self.clock()
        body = json.dumps(
            {"id": event_id, "event": event, "created_at": now.isoformat(), "data": data},
            separators=(",", ":"),
        )
        rows = [
            WebhookDelivery(
                event_id=event_id,
                event=event,
                url=url,
                attempts=0,
                status=DeliveryStatus.PENDING.value,
                body=body,
                next_attempt_at=now,
                created_at=now,
                updated_at=now,
            )
            for url in self.urls
        ]
        with self.database.session() as session:
            session.add_all(rows)
            session.flush()
            ids = [row.id for row in rows]
        for delivery_id in ids:
            self._enqueue(delivery_id, 0.0)
        return event_id

    def deliver(self, delivery_id: int) -> bool:
        """Sends one attempt if the delivery is due and this call claims it.

        True when the receiver acknowledged it now; False when it failed, will be retried, or
        was not this call's to send (not due, finished, or claimed by another worker).
        """
        attempt = self._claim(delivery_id)
        if attempt is None:
            return False
        outcome = self._send(attempt)
        delay = self._record(attempt, outcome)
        log.info(
            "webhook delivery %s (%s) attempt %d: %s",
            attempt.delivery_id,
            attempt.event,
            attempt.number,
            _summary(outcome, delay),
        )
        if delay is not None:
            self._enqueue(delivery_id, delay.total_seconds())
        return outcome.delivered

    def sweep_due(self) -> int:
        """Queues every delivery that is due (jobs lost by a queue); returns how many.

        A final attempt whose worker died is marked failed instead: it has no attempt left.
        """
        now = self.clock()
        with self.database.session() as session:
            session.execute(
                update(WebhookDelivery)
                .where(
                    _due(now),
                    WebhookDelivery.attempts >= self.max_attempts,
                )
                .values(
                    status=DeliveryStatus.FAILED.value,
                    error="LeaseExpired",
                    next_attempt_at=None,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            due = list(
                session.execute(
                    select(WebhookDelivery.id)
                    .where(_due(now))
                    .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
                ).scalars()
            )
        for delivery_id in due:
            self._enqueue(delivery_id, 0.0)
        return len(due)

    def deliveries(self, limit: int = 100) -> list[dict[str, Any]]:
        """The newest deliveries, for the API; URLs shown by origin only (paths hold secrets)."""
        with self.database.session() as session:
            rows = session.execute(
                select(WebhookDelivery)
                .order_by(WebhookDelivery.id.desc())
                .limit(max(0, min(limit, 1000)))
            ).scalars()
            return [describe(row) for row in rows]

    # -- steps -------------------------------------------------------------------------------

    def _claim(self, delivery_id: int) -> _Attempt | None:
        """Takes the next attempt, or None; the UPDATE's condition lets only one caller win."""
        now = self.clock()
        with self.database.session() as session:
            claimed = session.execute(
                update(WebhookDelivery)
                .where(
                    WebhookDelivery.id == delivery_id,
                    _due(now),
                    WebhookDelivery.attempts < self.max_attempts,
                )
                .values(
                    attempts=WebhookDelivery.attempts + 1,
                    next_attempt_at=now + LEASE,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            ).rowcount
            if not claimed:
                return None
            row = session.get(WebhookDelivery, delivery_id)
            assert row is not None  # the UPDATE above just changed it
            return _Attempt(delivery_id, row.attempts, row.event, row.url, row.body)

    def _send(self, attempt: _Attempt) -> _Outcome:
        body = attempt.body.encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            EVENT_HEADER: attempt.event,
            DELIVERY_HEADER: str(attempt.delivery_id),
            SIGNATURE_HEADER: sign(self.secret, int(self.clock().timestamp()), body),
        }
        try:
            # Redirects are not followed (the signed request would go elsewhere); the answer's
            # body is never read.
            with requests.post(
                attempt.url,
                data=body,
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
                stream=True,
            ) as response:
                code = response.status_code
        except requests.RequestException as error:
            return _Outcome(None, type(error).__name__)
        return _Outcome(code, None if 200 <= code < 300 else f"HTTP {code}")

    def _record(self, attempt: _Attempt, outcome: _Outcome) -> timedelta | None:
        """Stores the attempt's outcome; returns the delay before the next one, if any."""
        now = self.clock()
        values: dict[str, Any] = {
            "response_code": outcome.response_code,
            "error": outcome.error,
            "updated_at": now,
            "next_attempt_at": None,
        }
        delay: timedelta | None = None
        if outcome.delivered:
            values.update(status=DeliveryStatus.DELIVERED.value, delivered_at=now)
        elif outcome.gone or attempt.number >= self.max_attempts:
            values.update(status=DeliveryStatus.FAILED.value)
        else:
            delay = timedelta(minutes=2 ** (attempt.number - 1))
            values.update(next_attempt_at=now + delay)
        with self.database.session() as session:
            # Only while the attempt is still ours: a worker so slow that its lease ran out and
            # another attempt began must not overwrite that attempt's outcome.
            session.execute(
                update(WebhookDelivery)
                .where(
                    WebhookDelivery.id == attempt.delivery_id,
                    WebhookDelivery.attempts == attempt.number,
                    WebhookDelivery.status == DeliveryStatus.PENDING.value,
                )
                .values(**values)
                .execution_options(synchronize_session=False)
            )
        return delay

    def _enqueue(self, delivery_id: int, delay_seconds: float) -> None:
        """Queues an attempt; if the queue is down the row stays due and a sweep queues it."""
        try:
            self.queue.enqueue(job_deliver, delivery_id, delay_seconds=delay_seconds)
        except Exception as error:
            log.warning(
                "webhook delivery %s could not be queued (%s); the sweep will queue it",
                delivery_id,
                type(error).__name__,
            )


WEBHOOKS: Extension[WebhookDispatcher] = Extension("webhooks")


def _summary(outcome: _Outcome, delay: timedelta | None) -> str:
    if outcome.delivered:
        return "delivered"
    if delay is None:
        return f"{outcome.error}, failed"
    return f"{outcome.error}, next attempt in {delay.total_seconds():.0f} s"


def _due(now: datetime) -> Any:
    return (WebhookDelivery.status == DeliveryStatus.PENDING.value) & (
        WebhookDelivery.next_attempt_at <= now
    )


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > MAX_URL_LENGTH:
        raise ConfigurationError(
            f"HOTLINE_WEBHOOK_URLS: each URL must be http(s) with a host and at most "
            f"{MAX_URL_LENGTH} characters (one of them, for {parts.scheme or 'no'} scheme, is not)"
        )


# -- jobs (module-level so that RQ can import them by name) ----------------------------------


def _dispatcher() -> WebhookDispatcher:
    dispatcher = getattr(jobs.job_context(), "webhooks", None)
    if not isinstance(dispatcher, WebhookDispatcher):
        raise RuntimeError("the job context has no `webhooks` WebhookDispatcher")
    return dispatcher


def job_deliver(delivery_id: int) -> None:
    _dispatcher().deliver(delivery_id)
