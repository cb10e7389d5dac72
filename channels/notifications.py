"""The notification exchange: custody events in, one notification per matching registration out.

The database is the source of truth and the job queue only runs work:

* ``record_event`` stores an event once (its id makes a repeat harmless) and queues the fan-out;
* ``fan_out`` creates one notification row per matching active registration — unique per event
  and registration, so nothing is sent twice for one event and registration — and queues sends;
* ``send_batch`` claims due notifications with a conditional UPDATE (two workers never send the
  same one), sends each through the sender interface and records the attempt;
* voice notifications are called again every ``voice_retry_minutes`` until the PIN is entered,
  for ``voice_retry_hours`` (as VINE does); failed sends are retried with exponential backoff;
* ``sweep`` (every minute) queues whatever is due, expires registrations and sends reminders:
  work lost with a process (an in-process queue dies with it) is picked up again.
"""

from __future__ import annotations

import enum
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import (
    Column,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from channels import jobs
from channels.outbound.message import Channel, Outbound, Receipt, Sender, SendFailed
from channels.registrations import (
    OffenderKeys,
    Registration,
    RegistrationService,
    RegistrationStatus,
    check_pin,
)
from channels.storage.database import Base, Database, as_utc, utcnow
from channels.storage.privacy import Privacy
from channels.texts.alerts import (
    DISCREET,
    EVENT_TEXT,
    QUESTIONS,
    REMINDER,
    REMINDER_EMAIL,
    REPLY_TO_CONFIRM,
    SAFETY,
    UNKNOWN_PLACE,
    VOICEMAIL,
    format_date,
    subject,
)
from formats import values

log = logging.getLogger(__name__)

BATCH_SIZE = 20  # x a 10 s send timeout at worst stays inside the job timeout and the lease
LEASE = timedelta(minutes=5)
MAX_SEND_ATTEMPTS = 6  # SMS and e-mail: 1, 2, 4, 8, 16 minutes between tries
SMS_CONFIRM_WINDOW = timedelta(days=3)
FAN_OUT_GRACE = timedelta(minutes=1)  # a fan-out queued this recently is still coming


class EventType(str, enum.Enum):
    RELEASE = "release"
    TRANSFER = "transfer"
    REMOVAL = "removal"
    ESCAPE = "escape"
    DEATH = "death"
    RETURN_TO_CUSTODY = "return_to_custody"


class NotificationStatus(str, enum.Enum):
    PENDING = "pending"  # due at next_attempt_at (for voice: also between calls)
    SENDING = "sending"  # claimed by a worker until lease_until
    SENT = "sent"  # handed to the provider; SMS waits for the person's OK
    CONFIRMED = "confirmed"  # the person entered the PIN or replied OK
    FAILED = "failed"  # gave up: permanent error or too many failed sends
    EXPIRED = "expired"  # voice: no PIN within the calling window


class CustodyEvent(Base):
    __tablename__ = "custody_events"

    id = Column(Integer, primary_key=True, autoincrement=True)
    event_id = Column(String(100), nullable=False, unique=True)
    type = Column(Enum(EventType, native_enum=False, length=24), nullable=False)
    key_a_number = Column(String(64), nullable=True, index=True)
    key_identity = Column(String(64), nullable=True, index=True)
    details_encrypted = Column(LargeBinary, nullable=False)  # offender name, facility (JSON)
    occurred_at = Column(DateTime(timezone=True), nullable=False)
    received_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    matched = Column(Integer, nullable=True)  # set when the fan-out has run


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("event_pk", "registration_id", name="uq_notification_once"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    event_pk = Column(Integer, ForeignKey("custody_events.id"), nullable=False, index=True)
    registration_id = Column(String(32), ForeignKey("registrations.id"), nullable=False, index=True)
    channel = Column(String(8), nullable=False)
    contact_key = Column(String(64), nullable=False, index=True)
    status = Column(Enum(NotificationStatus, native_enum=False, length=16), nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    failures = Column(Integer, nullable=False, default=0)  # in a row; a send resets it
    next_attempt_at = Column(DateTime(timezone=True), nullable=True, index=True)
    lease_until = Column(DateTime(timezone=True), nullable=True)
    claim = Column(String(32), nullable=True, index=True)
    deadline = Column(DateTime(timezone=True), nullable=True)
    last_error = Column(Text, nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    sent_at = Column(DateTime(timezone=True), nullable=True)
    confirmed_at = Column(DateTime(timezone=True), nullable=True)


class DeliveryAttempt(Base):
    """Every try and every status Twilio reports for it (``/twilio/status``)."""

    __tablename__ = "delivery_attempts"

    id = Column(Integer, primary_key=True, autoincrement=True)
    notification_id = Column(Integer, ForeignKey("notifications.id"), nullable=False, index=True)
    number = Column(Integer, nullable=False)
    channel = Column(String(8), nullable=False)
    provider_sid = Column(String(64), nullable=True, unique=True)
    status = Column(String(24), nullable=False)
    error = Column(Text, nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)


class EventError(ValueError):
    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


@dataclass(frozen=True)
class IncomingEvent:
    event_id: str
    type: EventType
    a_number: str | None
    name: str | None
    birth_date: date | None
    country: str | None
    facility: dict[str, str]
    occurred_at: datetime


def parse_event(payload: dict[str, Any]) -> IncomingEvent:
    """Checks a ``POST /api/custody-events`` body; raises EventError naming every bad field."""
    errors: dict[str, str] = {}
    event_id = payload.get("event_id")
    if not (isinstance(event_id, str) and 0 < len(event_id.strip()) <= 100):
        errors["event_id"] = "required: a string of at most 100 characters"
    try:
        kind = EventType(payload.get("type"))
    except ValueError:
        errors["type"] = f"one of {', '.join(t.value for t in EventType)}"
    offender = payload.get("offender")
    if not isinstance(offender, dict):
        offender = {}
        errors["offender"] = "required: an object with a_number, or name, birth_date and country"
    a_number = name = country = None
    birth_date = None
    if offender.get("a_number"):
        a_number = values.parse_a_number(str(offender["a_number"]))
        if a_number is None:
            errors["offender.a_number"] = "the letter A and 8 or 9 digits"
    if offender.get("name"):
        name = values.normalise_full_name(str(offender["name"]))
        if name is None:
            errors["offender.name"] = "a full name"
    if offender.get("birth_date"):
        try:
            birth_date = date.fromisoformat(str(offender["birth_date"]))
        except ValueError:
            errors["offender.birth_date"] = "YYYY-MM-DD"
    if offender.get("country_of_birth"):
        country = str(offender["country_of_birth"]).upper()
        if values.country_code(country) != country:
            errors["offender.country_of_birth"] = "an ISO 3166 two-letter code"
    if isinstance(payload.get("offender"), dict) and not (
        a_number or (name and birth_date and country)
    ):
        errors.setdefault("offender", "an A-number, or name, birth_date and country_of_birth")
    occurred_at = _parse_moment(payload.get("occurred_at"), errors)
    facility = payload.get("facility") or {}
    if not isinstance(facility, dict) or not all(
        isinstance(v, str) and len(v) <= 200 for v in facility.values()
    ):
        errors["facility"] = "an object of short strings (name, city, state)"
        facility = {}
    if errors:
        raise EventError(errors)
    return IncomingEvent(
        event_id=str(event_id).strip(),
        type=kind,
        a_number=a_number,
        name=name,
        birth_date=birth_date,
        country=country,
        facility={k: facility[k] for k in ("name", "city", "state") if k in facility},
        occurred_at=occurred_at,  # type: ignore[arg-type]
    )


def _parse_moment(raw: Any, errors: dict[str, str]) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        errors["occurred_at"] = "an ISO 8601 date and time with its offset"
        return None
    if moment.tzinfo is None:
        errors["occurred_at"] = "needs a time zone offset, like 2026-11-29T14:05:00Z"
        return None
    return moment


@dataclass(frozen=True)
class EventReceipt:
    event_id: str
    created: bool


class NotificationService:
    """Everything the exchange does; jobs reach it through ``jobs.job_context()``."""

    def __init__(
        self,
        database: Database,
        privacy: Privacy,
        sender: Sender,
        queue: jobs.JobQueue,
        registrations: RegistrationService,
        *,
        public_url: str,
        specialist_phone: str,
        voice_retry_minutes: int = 30,
        voice_retry_hours: int = 24,
        reminder_days: int = 30,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.database = database
        self.privacy = privacy
        self.sender = sender
        self.queue = queue
        self.registrations = registrations
        self.keys = OffenderKeys(privacy)
        self.public_url = public_url.rstrip("/")
        self.specialist_phone = specialist_phone
        self.voice_retry = timedelta(minutes=voice_retry_minutes)
        self.voice_window = timedelta(hours=voice_retry_hours)
        self.reminder_lead = timedelta(days=reminder_days)
        self.clock = clock

    # -- events ----------------------------------------------------------------------------

    def record_event(self, event: IncomingEvent) -> EventReceipt:
        """Stores the event once and queues its fan-out; a repeated event id changes nothing."""
        details = {"name": event.name or "", "facility": event.facility}
        row = CustodyEvent(
            event_id=event.event_id,
            type=event.type,
            key_a_number=self.keys.a_number(event.a_number),
            key_identity=self.keys.identity(event.name or "", event.birth_date, event.country),
            details_encrypted=self.privacy.encrypt(_dump(details)),
            occurred_at=event.occurred_at,
            received_at=self.clock(),
        )
        try:
            with self.database.session() as session:
                session.add(row)
                session.flush()
                pk = row.id
        except IntegrityError:
            return EventReceipt(event.event_id, created=False)
        self.queue.enqueue(job_fan_out, pk)
        return EventReceipt(event.event_id, created=True)

    def event_status(self, event_id: str) -> dict[str, Any] | None:
        with self.database.session() as session:
            event = session.execute(
                select(CustodyEvent).where(CustodyEvent.event_id == event_id)
            ).scalar_one_or_none()
            if event is None:
                return None
            counts: dict[str, int] = {}
            for status in session.execute(
                select(Notification.status).where(Notification.event_pk == event.id)
            ).scalars():
                counts[status.value] = counts.get(status.value, 0) + 1
            return {
                "event_id": event.event_id,
                "type": event.type.value,
                "matched": event.matched,
                "notifications": counts,
            }

    def fan_out(self, event_pk: int) -> int:
        """One notification per matching active registration; safe to run twice."""
        now = self.clock()
        with self.database.session() as session:
            event = session.get(CustodyEvent, event_pk)
            if event is None:
                return 0
            keys = [
                column == key
                for column, key in (
                    (Registration.key_a_number, event.key_a_number),
                    (Registration.key_identity, event.key_identity),
                )
                if key
            ]
            matches = session.execute(
                select(Registration.id, Registration.contact_channel, Registration.contact_key)
                .where(Registration.status == RegistrationStatus.ACTIVE, or_(*keys))
                .order_by(Registration.id)
            ).all()
            done = set(
                session.execute(
                    select(Notification.registration_id).where(Notification.event_pk == event_pk)
                ).scalars()
            )
            session.bulk_insert_mappings(
                Notification,
                [
                    {
                        "event_pk": event_pk,
                        "registration_id": registration_id,
                        "channel": channel,
                        "contact_key": contact_key,
                        "status": NotificationStatus.PENDING,
                        "attempts": 0,
                        "failures": 0,
                        "next_attempt_at": now,
                        "created_at": now,
                        "deadline": now + self.voice_window if channel == "voice" else None,
                    }
                    for registration_id, channel, contact_key in matches
                    if registration_id not in done
                ],
            )
            event.matched = len(matches)
        self.queue_due()
        return len(matches)

    # -- sending ---------------------------------------------------------------------------

    def queue_due(self) -> int:
        """Queues every notification that is due, in batches. Returns how many."""
        now = self.clock()
        with self.database.session() as session:
            due = list(
                session.execute(
                    select(Notification.id)
                    .where(_claimable(now))
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
                .where(Notification.id.in_(list(ids)), _claimable(now))
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
        delay = self._schedule_retry(notification, retryable=failure.retryable, now=now)
        log.warning(
            "notification %s attempt %s failed (%s)",
            notification.id,
            attempt.id,
            "will retry" if delay is not None else "giving up",
        )
        return delay

    def _outbound(
        self, registration: Registration, event: CustodyEvent, attempt_id: int
    ) -> Outbound:
        channel = Channel(registration.contact_channel)
        text = self.notification_text(registration, event, channel)
        return Outbound(
            channel=channel,
            to=self.privacy.decrypt(registration.contact_encrypted),
            body=text,
            subject=subject(
                "discreet_update" if registration.discreet else "update", registration.language
            ),
            voice_url=f"{self.public_url}/twilio/calls/notification/{attempt_id}",
            reference=f"notification-attempt:{attempt_id}",
        )

    def notification_text(
        self,
        registration: Registration,
        event: CustodyEvent,
        channel: Channel,
        *,
        discreet: bool | None = None,
    ) -> str:
        """What the person is told, in their language; neutral wording when discreet.

        ``discreet=False`` gives the full update even to a discreet registration: a call says it
        once the PIN has proved who is listening.
        """
        language = registration.language
        parts = []
        if registration.discreet if discreet is None else discreet:
            parts.append(DISCREET[language].format(phone=self.specialist_phone))
        else:
            offender = self.registrations.offender(registration)
            details = _load(self.privacy.decrypt(event.details_encrypted))
            facility = details.get("facility") or {}
            place = ", ".join(p for p in (facility.get(k) for k in ("name", "city", "state")) if p)
            parts.append(
                EVENT_TEXT[event.type][language].format(
                    name=offender.name,
                    date=format_date(as_utc(event.occurred_at).date(), language),
                    place=place or UNKNOWN_PLACE[language],
                )
            )
            parts.append(QUESTIONS[language].format(phone=self.specialist_phone))
        if event.type is EventType.ESCAPE:
            parts.append(SAFETY[language])
        if channel is Channel.SMS:
            parts.append(REPLY_TO_CONFIRM[language])
        return " ".join(parts)

    def _retry_later(self, notification_id: int, delay: timedelta) -> None:
        self.queue.enqueue(job_send_batch, [notification_id], delay_seconds=delay.total_seconds())

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

    # -- what comes back -------------------------------------------------------------------

    def record_status(self, provider_sid: str, status: str, error_code: str = "") -> bool:
        """A Twilio status callback. Failed SMS are retried; returns whether the sid is ours."""
        now = self.clock()
        retry: timedelta | None = None
        with self.database.session() as session:
            attempt = session.execute(
                select(DeliveryAttempt).where(DeliveryAttempt.provider_sid == provider_sid)
            ).scalar_one_or_none()
            if attempt is None:
                return False
            attempt.status = status[:24]
            attempt.error = f"twilio error {error_code}" if error_code else attempt.error
            notification = session.get(Notification, attempt.notification_id)
            assert notification is not None
            if (
                attempt.channel == Channel.SMS.value
                and status in ("failed", "undelivered")
                and notification.status is NotificationStatus.SENT
            ):
                retry = self._schedule_retry(notification, retryable=True, now=now)
            notification_id = notification.id
        if retry is not None:
            self.queue.enqueue(
                job_send_batch, [notification_id], delay_seconds=retry.total_seconds()
            )
        return True

    def call_script(self, attempt_id: int) -> CallScript | None:
        """What a notification call says, for the TwiML route Twilio fetches when answered."""
        with self.database.session() as session:
            attempt = session.get(DeliveryAttempt, attempt_id)
            if attempt is None:
                return None
            notification = session.get(Notification, attempt.notification_id)
            assert notification is not None
            registration = session.get(Registration, notification.registration_id)
            event = session.get(CustodyEvent, notification.event_pk)
            assert registration is not None and event is not None
            if registration.status is not RegistrationStatus.ACTIVE:
                return None  # withdrawn or expired since the call was placed: nothing to say
            return CallScript(
                language=registration.language,
                message=self.notification_text(registration, event, Channel.VOICE, discreet=False),
                discreet=bool(registration.discreet),
                voicemail_ok=bool(registration.voicemail_ok),
                confirmed=notification.status is NotificationStatus.CONFIRMED,
                voicemail=VOICEMAIL[registration.language].format(phone=self.specialist_phone),
            )

    def confirm_by_pin(self, attempt_id: int, pin: str) -> bool:
        now = self.clock()
        with self.database.session() as session:
            attempt = session.get(DeliveryAttempt, attempt_id)
            if attempt is None:
                return False
            notification = session.get(Notification, attempt.notification_id)
            assert notification is not None
            registration = session.get(Registration, notification.registration_id)
            assert registration is not None
            if not check_pin(registration, pin):
                return False
            notification.status = NotificationStatus.CONFIRMED
            notification.confirmed_at = now
            notification.next_attempt_at = None
            attempt.status = "confirmed"
            return True

    def confirm_by_reply(self, contact_key: str) -> int:
        """An OK texted back: confirms the SMS notifications that contact is waiting on."""
        now = self.clock()
        with self.database.session() as session:
            waiting = session.execute(
                select(Notification).where(
                    Notification.contact_key == contact_key,
                    Notification.channel == Channel.SMS.value,
                    Notification.status == NotificationStatus.SENT,
                    Notification.sent_at > now - SMS_CONFIRM_WINDOW,
                )
            ).scalars()
            count = 0
            for notification in waiting:
                notification.status = NotificationStatus.CONFIRMED
                notification.confirmed_at = now
                count += 1
            return count

    # -- housekeeping ----------------------------------------------------------------------

    def sweep(self) -> dict[str, int]:
        """Queues due work, ends expired registrations, reminds those about to expire."""
        now = self.clock()
        expired = self.registrations.expire_due()
        with self.database.session() as session:
            session.execute(
                update(Notification)
                .where(
                    Notification.status == NotificationStatus.PENDING,
                    Notification.deadline.is_not(None),
                    Notification.deadline <= now,
                )
                .values(status=NotificationStatus.EXPIRED)
                .execution_options(synchronize_session=False)
            )
            candidates = session.execute(
                select(Registration).where(
                    Registration.status == RegistrationStatus.ACTIVE,
                    Registration.reminder_sent_at.is_(None),
                    Registration.expires_at <= now + self.reminder_lead,
                )
            ).scalars()
            messages = [
                self._reminder(registration)
                for registration in candidates
                if self._claim_reminder(session, registration.id, now)
            ]
            # Events whose fan-out job died with a process (matched is set when it has run).
            unmatched = list(
                session.execute(
                    select(CustodyEvent.id).where(
                        CustodyEvent.matched.is_(None),
                        CustodyEvent.received_at <= now - FAN_OUT_GRACE,
                    )
                ).scalars()
            )
        for event_pk in unmatched:
            self.queue.enqueue(job_fan_out, event_pk)
        for message in messages:
            try:
                self.sender.send(message)
            except SendFailed:
                log.warning("an expiry reminder could not be sent")
        return {
            "queued": self.queue_due(),
            "expired": expired,
            "reminded": len(messages),
            "fanned_out": len(unmatched),
        }

    @staticmethod
    def _claim_reminder(session: Any, registration_id: str, now: datetime) -> bool:
        """Only the sweep whose UPDATE changes the row sends the reminder."""
        claimed = session.execute(
            update(Registration)
            .where(Registration.id == registration_id, Registration.reminder_sent_at.is_(None))
            .values(reminder_sent_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        return bool(claimed)

    def reminder_text(self, registration: Registration) -> str:
        """RENEW works only texted from the registered phone, so e-mails offer a call instead."""
        language = registration.language
        expires = format_date(as_utc(registration.expires_at).date(), language)
        wording = (
            REMINDER_EMAIL if registration.contact_channel == Channel.EMAIL.value else REMINDER
        )
        return wording[language].format(date=expires, phone=self.specialist_phone)

    def reminder_call(self, registration_id: str) -> tuple[str, str] | None:
        """The text and language a reminder call speaks."""
        with self.database.session() as session:
            registration = session.get(Registration, registration_id)
            if registration is None or registration.status is not RegistrationStatus.ACTIVE:
                return None
            return self.reminder_text(registration), registration.language

    def _reminder(self, registration: Registration) -> Outbound:
        language = registration.language
        return Outbound(
            channel=Channel(registration.contact_channel),
            to=self.privacy.decrypt(registration.contact_encrypted),
            body=self.reminder_text(registration),
            subject=subject("reminder", language),
            voice_url=f"{self.public_url}/twilio/calls/reminder/{registration.id}",
            reference=f"reminder:{registration.id}",
        )


class Sweeper(Protocol):
    def sweep(self) -> Any: ...


@dataclass(frozen=True)
class CallScript:
    language: str
    message: str
    discreet: bool
    voicemail_ok: bool
    confirmed: bool
    voicemail: str


def _claimable(now: datetime) -> Any:
    return or_(
        (Notification.status == NotificationStatus.PENDING) & (Notification.next_attempt_at <= now),
        (Notification.status == NotificationStatus.SENDING) & (Notification.lease_until < now),
    )


# -- jobs (module-level so that RQ can import them by name) ----------------------------------


def _service() -> NotificationService:
    service = getattr(jobs.job_context(), "notifications", None)
    assert isinstance(service, NotificationService)
    return service


def job_fan_out(event_pk: int) -> None:
    _service().fan_out(event_pk)


def job_send_batch(ids: list[int]) -> None:
    _service().send_batch(ids)


def start_sweeping(services: Sweeper, interval_seconds: float) -> threading.Thread:
    """Sweeps every ``interval_seconds`` in a daemon thread of this process (the gateway's, or
    each worker's): sweeps are idempotent, so several processes sweeping is harmless."""

    def loop() -> None:
        while True:
            time.sleep(interval_seconds)
            try:
                services.sweep()
            except Exception:
                log.exception("sweep failed; trying again in %.0f s", interval_seconds)

    thread = threading.Thread(target=loop, name="hotline-sweep", daemon=True)
    thread.start()
    return thread


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False)


def _load(text: str) -> dict[str, Any]:
    loaded = json.loads(text)
    return loaded if isinstance(loaded, dict) else {}
