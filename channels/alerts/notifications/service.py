"""Everything the exchange does; the module docstring of ``channels.alerts.notifications``
says how."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from channels import jobs
from channels.alerts.notifications.events import EventReceipt, IncomingEvent
from channels.alerts.notifications.jobs import job_fan_out, job_send_batch
from channels.alerts.notifications.messages import CallScript
from channels.alerts.notifications.models import (
    CustodyEvent,
    DeliveryAttempt,
    Notification,
    NotificationStatus,
    dump_details,
    load_details,
)
from channels.alerts.notifications.sending import Sending
from channels.alerts.registrations.keys import OffenderKeys, offender_in
from channels.alerts.registrations.models import Registration, RegistrationStatus, check_pin
from channels.alerts.registrations.service import RegistrationService
from channels.config.settings import Settings
from channels.extension import Extension
from channels.jobs import JobQueue
from channels.outbound.message import Channel, Sender, SendFailed
from channels.storage.database import Database, utcnow
from channels.storage.privacy import Privacy
from channels.texts.alerts import VOICEMAIL

log = logging.getLogger(__name__)

SMS_CONFIRM_WINDOW = timedelta(days=3)
FAN_OUT_GRACE = timedelta(minutes=1)  # a fan-out queued this recently is still coming


class NotificationService(Sending):
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

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        database: Database,
        privacy: Privacy,
        sender: Sender,
        queue: JobQueue,
        registrations: RegistrationService,
    ) -> NotificationService:
        return cls(
            database,
            privacy,
            sender,
            queue,
            registrations,
            public_url=settings.public_url,
            specialist_phone=settings.specialist_phone,
            voice_retry_minutes=settings.voice_retry_minutes,
            voice_retry_hours=settings.voice_retry_hours,
            reminder_days=settings.reminder_days,
        )

    # -- events ----------------------------------------------------------------------------

    def record_event(self, event: IncomingEvent) -> EventReceipt:
        """Stores the event once and queues its fan-out; a repeated event id changes nothing."""
        # The offender's identity goes into the encrypted details too: the fan-out and a
        # hashing-key rotation recompute the keys from it.
        details = {
            "name": event.name or "",
            "facility": event.facility,
            "a_number": event.a_number,
            "birth_date": event.birth_date.isoformat() if event.birth_date else None,
            "country": event.country,
        }
        row = CustodyEvent(
            event_id=event.event_id,
            type=event.type,
            key_a_number=self.keys.a_number(event.a_number),
            key_identity=self.keys.identity(event.name or "", event.birth_date, event.country),
            details_encrypted=self.privacy.encrypt(dump_details(details)),
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
            matches = session.execute(
                select(Registration.id, Registration.contact_channel, Registration.contact_key)
                .where(
                    Registration.status == RegistrationStatus.ACTIVE, or_(*self._matching(event))
                )
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

    def _matching(self, event: CustodyEvent) -> list[ColumnElement]:
        """Registrations about the event's offender: by A-number or by name, date of birth and
        country, under every hashing key (registrations may still be under an older one)."""
        a_number, name, birth_date, country = offender_in(
            load_details(self.privacy.decrypt(event.details_encrypted))
        )
        a_numbers = self.keys.a_numbers(a_number) or _stored(event.key_a_number)
        identities = self.keys.identities(name, birth_date, country) or _stored(event.key_identity)
        return [
            column.in_(keys)
            for column, keys in (
                (Registration.key_a_number, a_numbers),
                (Registration.key_identity, identities),
            )
            if keys
        ]

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
            found = _attempt_with_its_registration(session, attempt_id)
            if found is None:
                return None
            _, notification, registration = found
            event = session.get(CustodyEvent, notification.event_pk)
            assert event is not None
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
            found = _attempt_with_its_registration(session, attempt_id)
            if found is None:
                return False
            attempt, notification, registration = found
            if not check_pin(registration, pin):
                return False
            notification.status = NotificationStatus.CONFIRMED
            notification.confirmed_at = now
            notification.next_attempt_at = None
            attempt.status = "confirmed"
            return True

    def confirm_by_reply(self, contact_keys: tuple[str, ...]) -> int:
        """An OK texted back (from the phone with these keyed hashes): confirms the SMS
        notifications it is waiting on, including one still being recorded as sent (the text
        can reach the phone before the provider's API call has returned)."""
        now = self.clock()
        with self.database.session() as session:
            waiting = session.execute(
                select(Notification).where(
                    Notification.contact_key.in_(contact_keys),
                    Notification.channel == Channel.SMS.value,
                    or_(
                        (Notification.status == NotificationStatus.SENT)
                        & (Notification.sent_at > now - SMS_CONFIRM_WINDOW),
                        (Notification.status == NotificationStatus.SENDING)
                        & (Notification.attempts > 0),
                    ),
                )
            ).scalars()
            count = 0
            for notification in waiting:
                notification.status = NotificationStatus.CONFIRMED
                notification.confirmed_at = now
                count += 1
            return count

    def counts_by_status(self) -> dict[str, int]:
        """How many notifications are in each status (for ``/metrics``)."""
        with self.database.session() as session:
            rows = session.execute(
                select(Notification.status, func.count()).group_by(Notification.status)
            )
            return {NotificationStatus(status).value: int(count) for status, count in rows}

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

    def reminder_call(self, registration_id: str) -> tuple[str, str] | None:
        """The text and language a reminder call speaks."""
        with self.database.session() as session:
            registration = session.get(Registration, registration_id)
            if registration is None or registration.status is not RegistrationStatus.ACTIVE:
                return None
            return self.reminder_text(registration), registration.language


NOTIFICATIONS: Extension[NotificationService] = Extension("notifications")


def _attempt_with_its_registration(
    session: Session, attempt_id: int
) -> tuple[DeliveryAttempt, Notification, Registration] | None:
    """A delivery attempt (None if unknown), its notification and the registration it is for."""
    attempt = session.get(DeliveryAttempt, attempt_id)
    if attempt is None:
        return None
    notification = session.get(Notification, attempt.notification_id)
    assert notification is not None
    registration = session.get(Registration, notification.registration_id)
    assert registration is not None
    return attempt, notification, registration


def _stored(key: str | None) -> tuple[str, ...]:
    """The key stored with an event whose details predate the offender's identity in them."""
    return (key,) if key else ()
