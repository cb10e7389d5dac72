"""Sending notifications: due ones claimed in batches with a conditional UPDATE (two workers
never send the same one), each sent through the sender, every attempt recorded; failures
retried with backoff, calls repeated until the PIN is entered."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, update

from channels.alerts.notifications.jobs import job_send_batch
from channels.alerts.notifications.messages import NotificationMessages
from channels.alerts.notifications.models import (
    CustodyEvent,
    DeliveryAttempt,
    Notification,
    NotificationStatus,
    claimable,
)
from channels.alerts.registrations.models import Registration, RegistrationStatus
from channels.jobs import JobQueue
from channels.outbound.message import Channel, Outbound, Receipt, Sender, SendFailed
from channels.storage.database import Database, as_utc

log = logging.getLogger(__name__)

BATCH_SIZE = 20  # x a 10 s send timeout at worst stays inside the job timeout and the lease
LEASE = timedelta(minutes=5)
MAX_SEND_ATTEMPTS = 6  # SMS and e-mail: 1, 2, 4, 8, 16 minutes between tries
THROTTLED_RETRY = timedelta(seconds=5)  # after a 429: the pace (outbound/pacing.py) catches up


class Sending(NotificationMessages):
    """The sending half of ``NotificationService`` (which sets these attributes)."""

    database: Database
    sender: Sender
    queue: JobQueue
    clock: Callable[[], datetime]
    voice_retry: timedelta

    def queue_due(self) -> int:
        """Queues every notification that is due, in batches. Returns how many."""
        now = self.clock()
        with self.database.session() as session:
            due = list(
                session.execute(
                    select(Notification.id)
                    .where(claimable(now))
                    .order_by(Notification.next_attempt_at, Notification.id)
                ).scalars()
            )
        for start in range(0, len(due), BATCH_SIZE):
            self.queue.enqueue(job_send_batch, due[start : start + BATCH_SIZE])
        return len(due)

    def send_batch(self, ids: Sequence[int]) -> int:
        """Claims and sends what is still due among ``ids``. Returns how many were sent.

        One transaction prepares the whole batch and one records it; only the sends themselves
        happen one by one (a provider takes one message per request).
        """
        claimed = self._claim(ids)
        if not claimed:
            return 0
        outcomes: list[tuple[int, int, Receipt | SendFailed]] = []
        for notification_id, attempt_id, message in self._prepare(claimed):
            try:
                outcomes.append((notification_id, attempt_id, self.sender.send(message)))
            except SendFailed as failure:
                outcomes.append((notification_id, attempt_id, failure))
            except Exception:
                # One bad row must not stop the batch; its lease runs out and it is retried.
                log.exception("notification %s: unexpected error while sending", notification_id)
        retries = self._record(outcomes)
        for notification_id, delay in retries:
            self._retry_later(notification_id, delay)
        return sum(1 for _, _, outcome in outcomes if isinstance(outcome, Receipt))

    def _claim(self, ids: Sequence[int]) -> list[int]:
        now = self.clock()
        token = uuid.uuid4().hex
        with self.database.session() as session:
            session.execute(
                update(Notification)
                .where(Notification.id.in_(list(ids)), claimable(now))
                .values(status=NotificationStatus.SENDING, lease_until=now + LEASE, claim=token)
                .execution_options(synchronize_session=False)
            )
        with self.database.session() as session:
            return list(
                session.execute(
                    select(Notification.id)
                    .where(Notification.claim == token)
                    .order_by(Notification.id)
                ).scalars()
            )

    def _prepare(self, claimed: Sequence[int]) -> list[tuple[int, int, Outbound]]:
        """Checks each claimed notification is still wanted and opens an attempt for it."""
        now = self.clock()
        prepared: list[tuple[int, int, Outbound]] = []
        with self.database.session() as session:
            rows = session.execute(
                select(Notification, Registration, CustodyEvent)
                .join(Registration, Registration.id == Notification.registration_id)
                .join(CustodyEvent, CustodyEvent.id == Notification.event_pk)
                .where(Notification.id.in_(list(claimed)))
                .order_by(Notification.id)
            ).all()
            opened: list[tuple[Notification, Registration, CustodyEvent, DeliveryAttempt]] = []
            for notification, registration, event in rows:
                if registration.status is not RegistrationStatus.ACTIVE:
                    notification.status = NotificationStatus.FAILED
                    notification.last_error = f"registration {registration.status.value}"
                    continue
                if notification.deadline and as_utc(notification.deadline) <= now:
                    notification.status = NotificationStatus.EXPIRED
                    continue
                notification.attempts += 1
                attempt = DeliveryAttempt(
                    notification_id=notification.id,
                    number=notification.attempts,
                    channel=notification.channel,
                    status="sending",
                    created_at=now,
                )
                session.add(attempt)
                opened.append((notification, registration, event, attempt))
            session.flush()  # the attempts' ids, which the voice URLs carry
            for notification, registration, event, attempt in opened:
                message = self._outbound(registration, event, attempt.id)
                prepared.append((notification.id, attempt.id, message))
        return prepared

    def _record(
        self, outcomes: Sequence[tuple[int, int, Receipt | SendFailed]]
    ) -> list[tuple[int, timedelta]]:
        """Stores what each send did; returns the retries to queue once this is committed."""
        now = self.clock()
        retries: list[tuple[int, timedelta]] = []
        if not outcomes:
            return retries
        with self.database.session() as session:
            notifications = {
                row.id: row
                for row in session.execute(
                    select(Notification).where(Notification.id.in_([n for n, _, _ in outcomes]))
                ).scalars()
            }
            attempts = {
                row.id: row
                for row in session.execute(
                    select(DeliveryAttempt).where(
                        DeliveryAttempt.id.in_([a for _, a, _ in outcomes])
                    )
                ).scalars()
            }
            for notification_id, attempt_id, outcome in outcomes:
                notification, attempt = notifications[notification_id], attempts[attempt_id]
                if isinstance(outcome, SendFailed):
                    delay = self._failed(notification, attempt, outcome, now)
                else:
                    delay = self._sent(notification, attempt, outcome, now)
                if delay is not None:
                    retries.append((notification_id, delay))
        return retries

    def _sent(
        self,
        notification: Notification,
        attempt: DeliveryAttempt,
        receipt: Receipt,
        now: datetime,
    ) -> timedelta | None:
        attempt.provider_sid = receipt.provider_sid
        attempt.status = receipt.status
        notification.sent_at = notification.sent_at or now
        notification.lease_until = None
        notification.claim = None
        notification.failures = 0
        # The PIN may be typed before the provider's API call has returned: keep that.
        if notification.status is NotificationStatus.CONFIRMED:
            return None
        if notification.channel == Channel.VOICE.value:
            # Called again until the PIN is entered, within the window.
            notification.status = NotificationStatus.PENDING
            notification.next_attempt_at = now + self.voice_retry
            return self.voice_retry
        notification.status = NotificationStatus.SENT
        notification.next_attempt_at = None
        return None

    def _failed(
        self,
        notification: Notification,
        attempt: DeliveryAttempt,
        failure: SendFailed,
        now: datetime,
    ) -> timedelta | None:
        attempt.status = "failed"
        attempt.error = type(failure).__name__ + (": retryable" if failure.retryable else "")
        if notification.status is NotificationStatus.CONFIRMED:
            # Confirmed while this send was in flight (the text or call got through before the
            # API call failed, a timeout say): nothing is left to send.
            notification.lease_until = None
            notification.claim = None
            return None
        if failure.throttled:
            attempt.error = "SendFailed: throttled"
            return self._retry_soon(notification, now)
        delay = self._schedule_retry(notification, retryable=failure.retryable, now=now)
        log.warning(
            "notification %s attempt %s failed (%s)",
            notification.id,
            attempt.id,
            "will retry" if delay is not None else "giving up",
        )
        return delay

    def _retry_later(self, notification_id: int, delay: timedelta) -> None:
        self.queue.enqueue(job_send_batch, [notification_id], delay_seconds=delay.total_seconds())

    def _retry_soon(self, notification: Notification, now: datetime) -> timedelta:
        """Throttled by the provider: again in a few seconds, not a failure."""
        notification.lease_until = None
        notification.claim = None
        notification.status = NotificationStatus.PENDING
        notification.next_attempt_at = now + THROTTLED_RETRY
        return THROTTLED_RETRY

    def _schedule_retry(
        self, notification: Notification, *, retryable: bool, now: datetime
    ) -> timedelta | None:
        notification.lease_until = None
        notification.claim = None
        notification.failures += 1
        if retryable and notification.failures < MAX_SEND_ATTEMPTS:
            delay = timedelta(minutes=2 ** (notification.failures - 1))
            if notification.channel == Channel.VOICE.value:
                delay = min(delay, self.voice_retry)
            notification.status = NotificationStatus.PENDING
            notification.next_attempt_at = now + delay
            return delay
        notification.status = NotificationStatus.FAILED
        notification.last_error = "permanent failure" if not retryable else "too many failures"
        return None
