"""Outbound webhooks: handoff events POSTed, signed, to the configured URLs, retried, logged.

Each event goes to every configured URL (a ticketing system, a chat workspace) as one JSON
request::

    POST <url>
    Content-Type: application/json
    User-Agent: voice-hotline-webhooks/1
    X-Hotline-Event: handoff.created
    X-Hotline-Delivery: <delivery id>          (one per URL; the same on every retry)
    X-Hotline-Signature: t=1796047200,v1=<64 lowercase hex digits>

    {"id": "<event id, uuid hex>", "event": "handoff.created", "created_at": "<ISO 8601>",
     "data": {...}}

The event ``id`` is the same for every URL and every retry: receivers deduplicate on it.

Verifying a request (Stripe's scheme; ``verify`` below does exactly this):

1. Split the ``X-Hotline-Signature`` header on ``,`` into ``key=value`` pairs; ``t`` is the
   time of signing in Unix seconds, each ``v1`` a signature (more than one may come while the
   secret is being rotated).
2. Compute ``HMAC-SHA256(secret, f"{t}.".encode() + raw_body)`` as lowercase hex, over the
   body's exact bytes as received (never re-serialised JSON).
3. Accept only if a ``v1`` equals it, compared in constant time (``hmac.compare_digest``), and
   ``t`` is within the replay window of the receiver's clock (300 s by default), in either
   direction. Every attempt is signed afresh with the time it is sent, so a retry an hour
   later still verifies while a captured request replayed later does not.

Answering 2xx acknowledges a delivery. 410 Gone stops deliveries of that event to that URL at
once. Anything else, a network error or no answer within the timeout is retried 1, 2, 4, 8 and
16 minutes later (``max_attempts`` in all), then the delivery is marked failed.

Every delivery is a ``webhook_deliveries`` row: its attempts, status, last response code and
last error (the exception's type or "HTTP 500", never a response or exception text), and the
exact JSON sent. That body holds no personal data by contract: callers pass only non-personal
fields (ids, channel, language, reason, priority, status, times; ``HandoffView.to_json(
personal=False)``), so it can be stored in clear and re-sent. Logs name deliveries by id and
never hold a body or a URL (chat workspaces put their secret in the URL's path).

Concurrency follows the notification exchange: the row is the source of truth and the queue
only runs ``job_deliver``. An attempt is claimed with a conditional UPDATE that bumps
``attempts`` and moves ``next_attempt_at`` one lease ahead, so two workers never send the same
attempt, and an attempt whose worker died is due again once its lease has passed.
``sweep_due`` re-queues whatever is due, for queues that lost jobs.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import requests
from sqlalchemy import Column, DateTime, Integer, String, Text, select, update

from channels import jobs
from channels.errors import ConfigurationError
from channels.storage.database import Base, Database, as_utc, utcnow

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hotline-Signature"  # "t=<unix seconds>,v1=<hex HMAC-SHA256>"
EVENT_HEADER = "X-Hotline-Event"
DELIVERY_HEADER = "X-Hotline-Delivery"
USER_AGENT = "voice-hotline-webhooks/1"
DEFAULT_TOLERANCE_SECONDS = 300
# Longer than any one send (connect and read timeouts) and than RQ's job timeout: a claimed
# attempt is due again only when its worker has surely given up on it.
LEASE = timedelta(minutes=5)
MAX_EVENT_LENGTH = 32
MAX_URL_LENGTH = 500


class DeliveryStatus(str, enum.Enum):
    PENDING = "pending"  # due at next_attempt_at (or claimed until then: the lease)
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # 410 Gone, or max_attempts used up


class WebhookDelivery(Base):
    """One event for one URL, with the outcome of its last attempt."""

    __tablename__ = "webhook_deliveries"

    id = Column(Integer, primary_key=True, autoincrement=True)
    event_id = Column(String(32), nullable=False, index=True)
    event = Column(String(32), nullable=False)
    url = Column(String(MAX_URL_LENGTH), nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    status = Column(String(16), nullable=False, default=DeliveryStatus.PENDING.value)
    response_code = Column(Integer, nullable=True)
    error = Column(Text, nullable=True)  # "HTTP 500" or an exception's type; never a text
    body = Column(Text, nullable=False)  # the exact JSON sent; no personal data by contract
    next_attempt_at = Column(DateTime(timezone=True), nullable=True, index=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    delivered_at = Column(DateTime(timezone=True), nullable=True)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)


# -- signatures ------------------------------------------------------------------------------


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Hotline-Signature`` value for ``body`` sent at ``timestamp`` (Unix seconds)."""
    return f"t={timestamp},v1={_digest(secret, timestamp, body)}"


def verify(
    secret: str,
    header: str,
    body: bytes,
    *,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """True if ``header`` signs ``body`` with ``secret`` within the replay window of ``now``."""
    if not secret:
        return False
    timestamp: int | None = None
    signatures: list[str] = []
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isascii() and value.isdigit() and timestamp is None:
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_seconds:
        return False
    expected = _digest(secret, timestamp, body).encode()
    # Every candidate is compared, so the time taken does not say which one matched.
    matches = [hmac.compare_digest(expected, candidate.encode()) for candidate in signatures]
    return any(matches)


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
            return [_describe(row) for row in rows]

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


def _origin(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")


def _iso(moment: datetime | None) -> str | None:
    return as_utc(moment).isoformat() if moment is not None else None


def _describe(row: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": row.id,
        "event_id": row.event_id,
        "event": row.event,
        "url": _origin(row.url),
        "status": row.status,
        "attempts": row.attempts,
        "response_code": row.response_code,
        "error": row.error,
        "next_attempt_at": _iso(row.next_attempt_at),
        "created_at": _iso(row.created_at),
        "delivered_at": _iso(row.delivered_at),
        "updated_at": _iso(row.updated_at),
    }


# -- jobs (module-level so that RQ can import them by name) ----------------------------------


def _dispatcher() -> WebhookDispatcher:
    dispatcher = getattr(jobs.job_context(), "webhooks", None)
    if not isinstance(dispatcher, WebhookDispatcher):
        raise RuntimeError("the job context has no `webhooks` WebhookDispatcher")
    return dispatcher


def job_deliver(delivery_id: int) -> None:
    _dispatcher().deliver(delivery_id)
