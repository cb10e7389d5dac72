"""The notification exchange: custody events in, one notification per matching active
registration out, sent once, retried when sending fails, called again until the PIN is entered,
confirmed by an OK, and the daily housekeeping (expiry, reminders, lost work).

The service is driven directly (``fan_out``, ``send_batch``, ``sweep``) with an injected clock
and a queue that only records, so every step is explicit and nothing waits for real time.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from channels.alerts.notifications.events import EventError, parse_event
from channels.alerts.notifications.jobs import job_fan_out, job_send_batch
from channels.alerts.notifications.models import (
    CustodyEvent,
    DeliveryAttempt,
    EventType,
    Notification,
    NotificationStatus,
)
from channels.alerts.notifications.sending import MAX_SEND_ATTEMPTS
from channels.alerts.notifications.service import SMS_CONFIRM_WINDOW, NotificationService
from channels.alerts.registrations.models import Registration, RegistrationStatus
from channels.alerts.registrations.service import RegistrationService
from channels.config.settings import DEFAULT_SPECIALIST_PHONE
from channels.outbound.message import Channel, Outbound, Receipt, SendFailed
from channels.outbound.outbox import OutboxMessage, OutboxSender
from channels.storage.database import Database, as_utc
from channels.storage.privacy import Privacy
from tests.channels.alerts import test_registrations as registration_tests
from tests.channels.alerts.test_registrations import (
    A_NUMBER,
    BIRTH_DATE,
    EMAIL,
    NAME,
    OTHER_PHONE,
    PHONE,
    PIN,
    PUBLIC_URL,
    START,
    RecordingQueue,
    activate,
    new_registration,
)
from tests.channels.conftest import Clock, backend_url, migrated, stored_row

# The registration tests' fixtures, shared by import (other tests have fixtures of these names).
clock = registration_tests.clock
database = registration_tests.database
fast_pin_hash = registration_tests.fast_pin_hash
outbox = registration_tests.outbox
privacy = registration_tests.privacy
pytestmark = pytest.mark.usefixtures("fast_pin_hash")

OCCURRED = "2026-11-28T15:30:00Z"
VOICE_RETRY_MINUTES = 30
VOICE_RETRY_HOURS = 2
REGISTRATION_DAYS = 40
REMINDER_DAYS = 10


@dataclass
class Exchange:
    """The two services as the app wires them, plus what the tests look at."""

    registrations: RegistrationService
    notifications: NotificationService
    queue: RecordingQueue
    clock: Clock
    database: Database
    privacy: Privacy
    outbox: OutboxSender


def build_exchange(
    database: Database,
    privacy: Privacy,
    outbox: OutboxSender,
    clock: Clock,
    notification_sender: Any = None,
    voice_retry_hours: int = VOICE_RETRY_HOURS,
) -> Exchange:
    registrations = RegistrationService(
        database,
        privacy,
        outbox,
        public_url=PUBLIC_URL,
        registration_days=REGISTRATION_DAYS,
        clock=clock,
    )
    queue = RecordingQueue()
    notifications = NotificationService(
        database,
        privacy,
        notification_sender or outbox,
        queue,
        registrations,
        public_url=PUBLIC_URL,
        specialist_phone=DEFAULT_SPECIALIST_PHONE,
        voice_retry_minutes=VOICE_RETRY_MINUTES,
        voice_retry_hours=voice_retry_hours,
        reminder_days=REMINDER_DAYS,
        clock=clock,
    )
    return Exchange(registrations, notifications, queue, clock, database, privacy, outbox)


@pytest.fixture
def exchange(database, privacy, outbox, clock) -> Exchange:
    return build_exchange(database, privacy, outbox, clock)


def event_payload(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "event_id": "feed-0001",
        "type": "release",
        "offender": {"a_number": A_NUMBER},
        "occurred_at": OCCURRED,
    }
    if isinstance(changes.get("offender"), dict):
        body["offender"] = {**body["offender"], **changes.pop("offender")}
    return {**body, **changes}


def register(exchange: Exchange, **changes: Any) -> str:
    """An active registration (created, code verified)."""
    return activate(exchange.registrations, exchange.clock, new_registration(**changes))


def post_event(exchange: Exchange, **changes: Any) -> int:
    """Records an event, runs its fan-out; returns the event's primary key."""
    receipt = exchange.notifications.record_event(parse_event(event_payload(**changes)))
    assert receipt.created
    func, args, delay = exchange.queue.jobs[-1]
    assert (func, delay) == (job_fan_out, 0.0)
    exchange.notifications.fan_out(args[0])
    return int(args[0])


def notifications_of(exchange: Exchange, event_pk: int | None = None) -> list[Notification]:
    query = select(Notification).order_by(Notification.id)
    if event_pk is not None:
        query = query.where(Notification.event_pk == event_pk)
    with exchange.database.session() as session:
        return list(session.execute(query).scalars())


def notification(exchange: Exchange, notification_id: int) -> Notification:
    return stored_row(exchange.database, Notification, notification_id)


def deliver(exchange: Exchange) -> int:
    """One worker pass over everything due now."""
    ids = [n.id for n in notifications_of(exchange)]
    return exchange.notifications.send_batch(ids)


def sent_notifications(exchange: Exchange, to: str | None = None) -> list[Any]:
    return [
        entry
        for entry in exchange.outbox.list(limit=1000, to=to)
        if entry.reference.startswith("notification")
    ]


def attempts_of(exchange: Exchange, notification_id: int) -> list[DeliveryAttempt]:
    with exchange.database.session() as session:
        return list(
            session.execute(
                select(DeliveryAttempt)
                .where(DeliveryAttempt.notification_id == notification_id)
                .order_by(DeliveryAttempt.id)
            ).scalars()
        )


# -- parsing events -----------------------------------------------------------------------------


def test_a_valid_event_by_a_number():
    event = parse_event(event_payload(facility={"name": "Sample Center", "city": "Houston"}))
    assert (event.event_id, event.type, event.a_number) == (
        "feed-0001",
        EventType.RELEASE,
        A_NUMBER,
    )
    assert event.occurred_at.isoformat() == "2026-11-28T15:30:00+00:00"
    assert event.facility == {"name": "Sample Center", "city": "Houston"}


def test_a_valid_event_by_identity():
    event = parse_event(
        event_payload(
            offender={
                "a_number": None,
                "name": "JUAN CARLOS PEREZ GOMEZ",
                "birth_date": BIRTH_DATE,
                "country_of_birth": "mx",
            }
        )
    )
    assert (event.a_number, event.country) == (None, "MX")
    assert event.birth_date is not None and event.birth_date.isoformat() == BIRTH_DATE


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"event_id": ""}, "event_id"),
        ({"event_id": "x" * 101}, "event_id"),
        ({"event_id": 17}, "event_id"),
        ({"type": "parole"}, "type"),
        ({"type": None}, "type"),
        ({"offender": "A204555781"}, "offender"),
        ({"offender": {"a_number": "A12"}}, "offender.a_number"),
        ({"offender": {"a_number": None, "name": "Juan"}}, "offender.name"),
        ({"offender": {"birth_date": "03/03/1985"}}, "offender.birth_date"),
        ({"offender": {"country_of_birth": "Atlantis"}}, "offender.country_of_birth"),
        ({"occurred_at": None}, "occurred_at"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"occurred_at": "2026-11-28T15:30:00"}, "occurred_at"),
        ({"facility": ["Houston"]}, "facility"),
        ({"facility": {"name": "x" * 201}}, "facility"),
        ({"facility": {"city": 7}}, "facility"),
    ],
)
def test_each_bad_field_is_named(changes: dict[str, Any], field: str):
    with pytest.raises(EventError) as error:
        parse_event(event_payload(**changes))
    assert field in error.value.fields


def test_an_offender_needs_an_a_number_or_the_whole_identity():
    incomplete = {"a_number": None, "name": NAME, "birth_date": BIRTH_DATE}
    with pytest.raises(EventError) as error:
        parse_event(event_payload(offender=incomplete))
    assert set(error.value.fields) == {"offender"}


def test_an_empty_body_names_every_required_field():
    with pytest.raises(EventError) as error:
        parse_event({})
    assert set(error.value.fields) == {"event_id", "type", "offender", "occurred_at"}


# -- recording and fanning out ------------------------------------------------------------------


def test_the_same_event_id_twice_is_one_event(exchange):
    first = exchange.notifications.record_event(parse_event(event_payload()))
    again = exchange.notifications.record_event(parse_event(event_payload(type="escape")))
    assert (first.created, again.created) == (True, False)
    with exchange.database.session() as session:
        events = session.execute(select(CustodyEvent)).scalars().all()
    assert [e.type for e in events] == [EventType.RELEASE]
    assert [job for job, _, _ in exchange.queue.jobs] == [job_fan_out]


def test_the_event_is_stored_without_personal_data_in_clear(exchange):
    exchange.notifications.record_event(
        parse_event(
            event_payload(
                offender={"name": NAME, "birth_date": BIRTH_DATE, "country_of_birth": "MX"},
                facility={"name": "Sample Processing Center"},
            )
        )
    )
    with exchange.database.engine.connect() as connection:
        (row,) = connection.exec_driver_sql("SELECT * FROM custody_events").all()
    flat = b"|".join(v if isinstance(v, bytes) else str(v).encode() for v in row)
    for secret in ("Juan", "Pérez", "204555781", BIRTH_DATE, "Sample Processing"):
        assert secret.encode() not in flat


def test_fan_out_reaches_only_active_registrations_of_that_offender(exchange):
    by_a_number = register(exchange, offender={"birth_date": None, "country_of_birth": None})
    by_identity = register(
        exchange,
        offender={"a_number": None, "name": "JUAN CARLOS PEREZ GOMEZ"},
        contact={"value": OTHER_PHONE},
    )
    both_keys = register(exchange, contact={"channel": "email", "value": EMAIL})
    pending = exchange.registrations.create(
        new_registration(contact={"value": "+17135550150"})
    ).registration_id
    withdrawn = register(exchange, contact={"value": "+17135550151"})
    exchange.registrations.withdraw(withdrawn, new_registration().registrant)
    register(
        exchange,
        offender={"a_number": "A012345678", "name": "Mary Ann Smith"},
        contact={"value": "+17135550152"},
    )
    register(
        exchange,
        offender={"a_number": None, "birth_date": "1985-03-04"},
        contact={"value": "+17135550153"},
    )
    register(
        exchange,
        offender={"a_number": None, "country_of_birth": "GT"},
        contact={"value": "+17135550154"},
    )

    event_pk = post_event(
        exchange,
        offender={
            "name": "Juan Carlos Pérez Gómez",
            "birth_date": BIRTH_DATE,
            "country_of_birth": "MX",
        },
    )
    matched = {n.registration_id for n in notifications_of(exchange, event_pk)}
    assert matched == {by_a_number, by_identity, both_keys}
    assert pending not in matched and withdrawn not in matched
    assert len(notifications_of(exchange, event_pk)) == 3  # both keys, still one notification

    only_a_number = post_event(exchange, event_id="feed-0002")
    matched = {n.registration_id for n in notifications_of(exchange, only_a_number)}
    assert matched == {by_a_number, both_keys}  # the identity-only registration has no A-number


def test_fan_out_twice_notifies_once(exchange):
    register(exchange)
    event_pk = post_event(exchange)
    assert exchange.notifications.fan_out(event_pk) == 1
    assert len(notifications_of(exchange, event_pk)) == 1
    assert deliver(exchange) == 1
    assert exchange.notifications.fan_out(event_pk) == 1
    assert deliver(exchange) == 0
    assert len(sent_notifications(exchange)) == 1
    status = exchange.notifications.event_status("feed-0001")
    assert status == {
        "event_id": "feed-0001",
        "type": "release",
        "matched": 1,
        "notifications": {"sent": 1},
    }


def test_fan_out_queues_the_sends(exchange):
    register(exchange)
    post_event(exchange)
    func, args, delay = exchange.queue.jobs[-1]
    assert (func, delay) == (job_send_batch, 0.0)
    assert args == ([n.id for n in notifications_of(exchange)],)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_workers_on_the_same_batch_send_each_notification_once(
    backend, request, tmp_path, privacy
):
    database = migrated(backend_url(request, backend, tmp_path, "race"))
    try:
        exchange = build_exchange(database, privacy, OutboxSender(database, privacy), Clock(START))
        for index in range(6):
            register(exchange, contact={"value": f"+1713555{index:04d}"})
        post_event(exchange)
        ids = [n.id for n in notifications_of(exchange)]
        barrier = threading.Barrier(2)
        results: list[int] = []

        def worker() -> None:
            barrier.wait()
            results.append(exchange.notifications.send_batch(ids))

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sum(results) == len(ids) == 6
        with database.session() as session:
            sent = session.execute(
                select(func.count(OutboxMessage.id)).where(
                    OutboxMessage.reference.like("notification%")
                )
            ).scalar_one()
            attempts = session.execute(select(func.count(DeliveryAttempt.id))).scalar_one()
        assert sent == attempts == 6
    finally:
        database.dispose()


# -- wording ------------------------------------------------------------------------------------


def sent_text(exchange: Exchange, **registration: Any) -> Any:
    """The one notification a fresh registration gets for an event (``event`` changes it)."""
    event = registration.pop("event", {})
    register(exchange, **registration)
    post_event(exchange, **event)
    assert deliver(exchange) == 1
    (entry,) = sent_notifications(exchange)
    return entry


def test_english_sms(exchange):
    entry = sent_text(exchange)
    assert entry.channel is Channel.SMS and entry.to == PHONE
    assert entry.body == (
        f"Custody alert: {NAME} was released from immigration custody on November 28, 2026. "
        f"Questions: {DEFAULT_SPECIALIST_PHONE}. Reply OK to confirm you got this."
    )


def test_spanish_sms_with_the_facility(exchange):
    entry = sent_text(
        exchange,
        language="es",
        event={
            "type": "transfer",
            "facility": {"name": "Sample Desert Facility", "city": "Tucson", "state": "AZ"},
        },
    )
    assert entry.body == (
        f"Aviso de custodia: {NAME} fue trasladado el 28 de noviembre de 2026 a Sample Desert "
        f"Facility, Tucson, AZ. Preguntas: {DEFAULT_SPECIALIST_PHONE}. "
        "Responda OK para confirmar que lo recibió."
    )


def test_a_transfer_without_a_facility_says_so(exchange):
    entry = sent_text(exchange, event={"type": "transfer"})
    assert "a facility we cannot name yet" in entry.body


DISCREET_FORBIDDEN = ("VOICE", "Juan", "Pérez", "Gómez", "custody", "custodia", "immigration")


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("channel", ["sms", "email", "voice"])
def test_discreet_wording_names_neither_the_office_nor_the_offender(
    exchange, language: str, channel: str
):
    value = EMAIL if channel == "email" else PHONE
    entry = sent_text(
        exchange, discreet=True, language=language, contact={"channel": channel, "value": value}
    )
    for word in DISCREET_FORBIDDEN:
        assert word.casefold() not in entry.body.casefold(), word
        assert word.casefold() not in entry.subject.casefold(), word
    assert DEFAULT_SPECIALIST_PHONE in entry.body
    if channel == "email":
        assert entry.subject == ("Update" if language == "en" else "Actualización")


@pytest.mark.parametrize(
    ("language", "line"),
    [("en", "If you feel unsafe, call 911."), ("es", "Si se siente en peligro, llame al 911.")],
)
@pytest.mark.parametrize("discreet", [False, True])
def test_an_escape_adds_the_911_line(exchange, language: str, line: str, discreet: bool):
    entry = sent_text(exchange, language=language, discreet=discreet, event={"type": "escape"})
    assert line in entry.body


def test_a_release_has_no_911_line(exchange):
    assert "911" not in sent_text(exchange).body


@pytest.mark.parametrize("channel", ["email", "voice"])
def test_only_sms_asks_for_an_ok(exchange, channel: str):
    value = EMAIL if channel == "email" else PHONE
    entry = sent_text(exchange, contact={"channel": channel, "value": value})
    assert "Reply OK" not in entry.body
    if channel == "email":
        assert entry.subject == "Custody update"


# -- voice: call again until the PIN ------------------------------------------------------------


def voice_notification(exchange: Exchange, **changes: Any) -> Notification:
    register(exchange, contact={"channel": "voice"}, **changes)
    post_event(exchange)
    (row,) = notifications_of(exchange)
    return row


def test_a_call_is_made_again_every_retry_interval(exchange):
    row = voice_notification(exchange)
    assert as_utc(row.deadline) == exchange.clock.now + timedelta(hours=VOICE_RETRY_HOURS)
    assert deliver(exchange) == 1
    (call,) = sent_notifications(exchange)
    attempt = attempts_of(exchange, row.id)[0]
    assert call.voice_url == f"{PUBLIC_URL}/twilio/calls/notification/{attempt.id}"
    after = notification(exchange, row.id)
    assert after.status is NotificationStatus.PENDING
    assert as_utc(after.next_attempt_at) == exchange.clock.now + timedelta(
        minutes=VOICE_RETRY_MINUTES
    )
    assert exchange.queue.jobs[-1] == (job_send_batch, ([row.id],), VOICE_RETRY_MINUTES * 60)
    exchange.clock.advance(minutes=VOICE_RETRY_MINUTES - 1)
    assert deliver(exchange) == 0  # not due yet
    exchange.clock.advance(minutes=1)
    assert deliver(exchange) == 1
    assert notification(exchange, row.id).attempts == 2


def test_calls_stop_at_the_end_of_the_window(exchange):
    row = voice_notification(exchange)
    calls = 0
    for _ in range(10):
        calls += deliver(exchange)
        exchange.clock.advance(minutes=VOICE_RETRY_MINUTES)
    assert calls == VOICE_RETRY_HOURS * 60 // VOICE_RETRY_MINUTES
    assert notification(exchange, row.id).status is NotificationStatus.EXPIRED
    assert len(sent_notifications(exchange)) == calls


def test_the_sweep_expires_a_call_whose_window_ended(exchange):
    row = voice_notification(exchange)
    deliver(exchange)
    exchange.clock.advance(hours=VOICE_RETRY_HOURS)
    exchange.notifications.sweep()
    assert notification(exchange, row.id).status is NotificationStatus.EXPIRED
    assert deliver(exchange) == 0


def test_the_right_pin_stops_the_calls(exchange):
    row = voice_notification(exchange)
    deliver(exchange)
    attempt = attempts_of(exchange, row.id)[0]
    assert not exchange.notifications.confirm_by_pin(attempt.id, "0000")
    assert notification(exchange, row.id).status is NotificationStatus.PENDING
    assert exchange.notifications.confirm_by_pin(attempt.id, PIN)
    confirmed = notification(exchange, row.id)
    assert confirmed.status is NotificationStatus.CONFIRMED
    assert as_utc(confirmed.confirmed_at) == exchange.clock.now
    exchange.clock.advance(minutes=VOICE_RETRY_MINUTES)
    exchange.notifications.send_batch([row.id])  # the retry job that was already queued
    assert len(sent_notifications(exchange)) == 1
    assert exchange.notifications.confirm_by_pin(10_000, PIN) is False


class ConfirmingSender:
    """The person answers and types the PIN before Twilio's API call has even returned."""

    def __init__(self, outbox: OutboxSender) -> None:
        self.outbox = outbox
        self.service: NotificationService | None = None

    def send(self, message: Outbound) -> Receipt:
        receipt = self.outbox.send(message)
        attempt_id = int(message.reference.rpartition(":")[2])
        assert self.service is not None and self.service.confirm_by_pin(attempt_id, PIN)
        return receipt


def test_a_pin_entered_while_the_call_is_being_placed_is_kept(database, privacy, outbox, clock):
    sender = ConfirmingSender(outbox)
    exchange = build_exchange(database, privacy, outbox, clock, notification_sender=sender)
    sender.service = exchange.notifications
    row = voice_notification(exchange)
    assert deliver(exchange) == 1
    assert notification(exchange, row.id).status is NotificationStatus.CONFIRMED


class ReplyingSender:
    """The text reaches the phone and the person replies OK before Twilio's API call has
    returned; with ``then_fail``, the API call then fails anyway (a timeout, say)."""

    def __init__(self, outbox: OutboxSender, *, then_fail: bool = False) -> None:
        self.outbox = outbox
        self.then_fail = then_fail
        self.service: NotificationService | None = None
        self.service_keys: tuple[str, ...] = ()
        self.confirmed = 0

    def send(self, message: Outbound) -> Receipt:
        receipt = self.outbox.send(message)
        assert self.service is not None
        self.confirmed += self.service.confirm_by_reply(self.service_keys)
        if self.then_fail:
            raise SendFailed("twilio read timeout", retryable=True)
        return receipt


@pytest.mark.parametrize("then_fail", [False, True])
def test_an_ok_sent_while_the_sms_is_being_sent_confirms_it(
    database, privacy, outbox, clock, then_fail
):
    sender = ReplyingSender(outbox, then_fail=then_fail)
    exchange = build_exchange(database, privacy, outbox, clock, notification_sender=sender)
    sender.service = exchange.notifications
    sender.service_keys = exchange.privacy.conversation_keys(PHONE)
    register(exchange)
    post_event(exchange)
    deliver(exchange)
    (row,) = notifications_of(exchange)
    assert sender.confirmed == 1
    assert notification(exchange, row.id).status is NotificationStatus.CONFIRMED
    clock.advance(hours=1)  # no retry of what the person already confirmed
    deliver(exchange)
    assert len(sent_notifications(exchange)) == 1


def test_an_ok_confirms_no_alert_before_its_text_is_on_its_way(exchange):
    register(exchange)
    post_event(exchange)
    (row,) = notifications_of(exchange)
    with exchange.database.session() as session:  # claimed by a worker, no attempt opened yet
        session.execute(
            update(Notification)
            .where(Notification.id == row.id)
            .values(status=NotificationStatus.SENDING, claim="worker",
                    lease_until=exchange.clock.now + timedelta(minutes=5))
        )  # fmt: skip
    assert exchange.notifications.confirm_by_reply(exchange.privacy.conversation_keys(PHONE)) == 0


# -- failures -----------------------------------------------------------------------------------


class FailingSender:
    """Fails ``failures`` times (forever when None), then sends through the outbox."""

    def __init__(
        self,
        outbox: OutboxSender,
        *,
        retryable: bool,
        failures: int | None,
        throttled: bool = False,
    ) -> None:
        self.outbox = outbox
        self.retryable = retryable
        self.failures = failures
        self.throttled = throttled
        self.calls = 0

    def send(self, message: Outbound) -> Receipt:
        self.calls += 1
        if self.failures is None or self.calls <= self.failures:
            if self.throttled:
                raise SendFailed("twilio HTTP 429 error 20429", retryable=False, throttled=True)
            raise SendFailed("twilio HTTP 503 error 20503", retryable=self.retryable)
        return self.outbox.send(message)


def failing_exchange(
    database: Database,
    privacy: Privacy,
    outbox: OutboxSender,
    clock: Clock,
    *,
    retryable: bool = True,
    failures: int | None = None,
) -> tuple[Exchange, FailingSender]:
    sender = FailingSender(outbox, retryable=retryable, failures=failures)
    return build_exchange(database, privacy, outbox, clock, notification_sender=sender), sender


def test_retryable_failures_back_off_then_give_up(database, privacy, outbox, clock):
    exchange, sender = failing_exchange(database, privacy, outbox, clock)
    register(exchange)
    post_event(exchange)
    (row,) = notifications_of(exchange)
    delays = []
    for _ in range(MAX_SEND_ATTEMPTS):
        assert deliver(exchange) == 0
        after = notification(exchange, row.id)
        if after.status is NotificationStatus.FAILED:
            break
        assert after.status is NotificationStatus.PENDING
        delay = as_utc(after.next_attempt_at) - clock.now
        delays.append(delay)
        assert exchange.queue.jobs[-1] == (job_send_batch, ([row.id],), delay.total_seconds())
        clock.advance(seconds=delay.total_seconds())
    assert delays == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16)]
    failed = notification(exchange, row.id)
    assert (failed.status, failed.attempts) == (NotificationStatus.FAILED, MAX_SEND_ATTEMPTS)
    assert sender.calls == MAX_SEND_ATTEMPTS
    assert [a.status for a in attempts_of(exchange, row.id)] == ["failed"] * MAX_SEND_ATTEMPTS
    clock.advance(hours=1)
    assert deliver(exchange) == 0 and sender.calls == MAX_SEND_ATTEMPTS


def test_too_many_requests_is_retried_in_seconds_and_never_gives_up(
    database, privacy, outbox, clock
):
    """A burst the provider throttles (429) waits its turn: ten throttles in a row, more than
    any failure allowance, and the alert still goes, once."""
    sender = FailingSender(outbox, retryable=False, failures=10, throttled=True)
    exchange = build_exchange(database, privacy, outbox, clock, notification_sender=sender)
    register(exchange)
    post_event(exchange)
    (row,) = notifications_of(exchange)
    for _ in range(10):
        assert deliver(exchange) == 0
        after = notification(exchange, row.id)
        assert (after.status, after.failures) == (NotificationStatus.PENDING, 0)
        assert as_utc(after.next_attempt_at) - clock.now == timedelta(seconds=5)
        clock.advance(seconds=5)
    assert deliver(exchange) == 1
    assert notification(exchange, row.id).status is NotificationStatus.SENT
    assert len(sent_notifications(exchange, to=PHONE)) == 1


def test_a_permanent_failure_gives_up_at_once(database, privacy, outbox, clock):
    exchange, sender = failing_exchange(database, privacy, outbox, clock, retryable=False)
    register(exchange)
    post_event(exchange)
    jobs_before = len(exchange.queue.jobs)
    assert deliver(exchange) == 0
    (row,) = notifications_of(exchange)
    assert (row.status, row.attempts) == (NotificationStatus.FAILED, 1)
    assert len(exchange.queue.jobs) == jobs_before  # no retry queued
    clock.advance(hours=1)
    assert deliver(exchange) == 0 and sender.calls == 1


def test_a_transient_failure_then_success(database, privacy, outbox, clock):
    exchange, _ = failing_exchange(database, privacy, outbox, clock, failures=2)
    register(exchange)
    post_event(exchange)
    assert deliver(exchange) == 0
    clock.advance(minutes=1)
    assert deliver(exchange) == 0
    clock.advance(minutes=2)
    assert deliver(exchange) == 1
    (row,) = notifications_of(exchange)
    assert (row.status, row.attempts) == (NotificationStatus.SENT, 3)
    assert len(sent_notifications(exchange)) == 1


def test_a_failed_call_is_retried_no_later_than_the_next_call(database, privacy, outbox, clock):
    exchange, _ = failing_exchange(database, privacy, outbox, clock)
    row = voice_notification(exchange)
    for _ in range(5):
        deliver(exchange)
        after = notification(exchange, row.id)
        delay = as_utc(after.next_attempt_at) - clock.now
        assert delay <= timedelta(minutes=VOICE_RETRY_MINUTES)
        clock.advance(seconds=delay.total_seconds())
    assert after.attempts == 5


def test_unanswered_calls_do_not_use_up_the_failure_budget(database, privacy, outbox, clock):
    """VINE calls every 30 minutes for 24 hours: a network blip at the 7th call must not end
    the notification, since only failed sends count towards MAX_SEND_ATTEMPTS."""
    sender = FailingSender(outbox, retryable=True, failures=0)
    exchange = build_exchange(
        database, privacy, outbox, clock, notification_sender=sender, voice_retry_hours=24
    )
    row = voice_notification(exchange)
    for _ in range(MAX_SEND_ATTEMPTS):
        assert deliver(exchange) == 1  # a call nobody answered with the PIN
        clock.advance(minutes=VOICE_RETRY_MINUTES)
    sender.failures = None  # now every send fails (once is enough)
    deliver(exchange)
    assert notification(exchange, row.id).status is NotificationStatus.PENDING


def test_a_notification_for_a_withdrawn_registration_is_not_sent(exchange):
    registration_id = register(exchange)
    post_event(exchange)
    exchange.registrations.withdraw(registration_id, new_registration().registrant)
    assert deliver(exchange) == 0
    (row,) = notifications_of(exchange)
    assert (row.status, row.last_error) == (NotificationStatus.FAILED, "registration withdrawn")
    assert sent_notifications(exchange) == []


def test_a_claim_abandoned_by_a_dead_worker_is_taken_again_after_the_lease(exchange):
    register(exchange)
    post_event(exchange)
    (row,) = notifications_of(exchange)
    with exchange.database.session() as session:
        session.execute(
            update(Notification)
            .where(Notification.id == row.id)
            .values(
                status=NotificationStatus.SENDING,
                claim="dead-worker",
                lease_until=exchange.clock.now + timedelta(minutes=5),
            )
        )
    assert deliver(exchange) == 0
    exchange.clock.advance(minutes=5, seconds=1)
    assert deliver(exchange) == 1


# -- what comes back ----------------------------------------------------------------------------


def sms_sent(exchange: Exchange) -> tuple[Notification, DeliveryAttempt]:
    register(exchange)
    post_event(exchange)
    deliver(exchange)
    (row,) = notifications_of(exchange)
    (attempt,) = attempts_of(exchange, row.id)
    return row, attempt


def test_a_failed_sms_reported_by_twilio_is_sent_again(exchange):
    row, attempt = sms_sent(exchange)
    assert attempt.provider_sid and attempt.provider_sid.startswith("OB")
    assert exchange.notifications.record_status(attempt.provider_sid, "sent")
    assert notification(exchange, row.id).status is NotificationStatus.SENT
    assert exchange.notifications.record_status(attempt.provider_sid, "undelivered", "30003")
    after = notification(exchange, row.id)
    assert after.status is NotificationStatus.PENDING
    assert as_utc(after.next_attempt_at) == exchange.clock.now + timedelta(minutes=1)
    assert exchange.queue.jobs[-1] == (job_send_batch, ([row.id],), 60.0)
    (recorded,) = attempts_of(exchange, row.id)
    assert (recorded.status, recorded.error) == ("undelivered", "twilio error 30003")
    exchange.clock.advance(minutes=1)
    assert deliver(exchange) == 1
    assert len(sent_notifications(exchange)) == 2


def test_a_status_for_an_unknown_sid_is_not_ours(exchange):
    assert exchange.notifications.record_status("SM" + "0" * 32, "delivered") is False


def test_ok_confirms_the_sms_alerts_that_phone_waits_on(exchange):
    register(exchange)
    register(exchange, contact={"value": OTHER_PHONE})
    register(exchange, contact={"channel": "email", "value": EMAIL})
    post_event(exchange)
    assert deliver(exchange) == 3
    key = exchange.privacy.conversation_keys(PHONE)
    assert exchange.notifications.confirm_by_reply(key) == 1
    assert exchange.notifications.confirm_by_reply(key) == 0
    statuses = sorted((n.channel, n.status.value) for n in notifications_of(exchange))
    assert statuses == [("email", "sent"), ("sms", "confirmed"), ("sms", "sent")]


def test_an_ok_long_after_the_alert_confirms_nothing(exchange):
    sms_sent(exchange)
    exchange.clock.advance(seconds=SMS_CONFIRM_WINDOW.total_seconds() + 1)
    assert exchange.notifications.confirm_by_reply(exchange.privacy.conversation_keys(PHONE)) == 0


# -- housekeeping -------------------------------------------------------------------------------


def test_one_reminder_before_expiry_then_expiry(exchange):
    registration_id = register(exchange, language="es")
    exchange.clock.advance(days=REGISTRATION_DAYS - REMINDER_DAYS - 1)
    assert exchange.notifications.sweep()["reminded"] == 0
    exchange.clock.advance(days=1)
    assert exchange.notifications.sweep()["reminded"] == 1
    assert exchange.notifications.sweep()["reminded"] == 0
    (reminder,) = [e for e in exchange.outbox.list(to=PHONE) if e.reference.startswith("reminder")]
    assert "RENOVAR" in reminder.body and "de 2027" in reminder.body
    exchange.clock.advance(days=REMINDER_DAYS)
    assert exchange.notifications.sweep()["expired"] == 1
    assert stored_row(exchange.database, Registration, registration_id).status is (
        RegistrationStatus.EXPIRED
    )
    post_event(exchange)
    assert notifications_of(exchange) == []


def test_an_email_reminder_does_not_ask_to_text_from_this_number(exchange):
    """E-mail registrations have no phone: "Text RENEW to this number" cannot be followed (and
    RENEW from any phone finds only registrations whose contact is that phone)."""
    register(exchange, contact={"channel": "email", "value": EMAIL})
    exchange.clock.advance(days=REGISTRATION_DAYS - REMINDER_DAYS)
    assert exchange.notifications.sweep()["reminded"] == 1
    (reminder,) = [e for e in exchange.outbox.list(to=EMAIL) if e.reference.startswith("reminder")]
    assert "this number" not in reminder.body
    assert DEFAULT_SPECIALIST_PHONE in reminder.body


def test_the_sweep_queues_due_work_whose_job_was_lost(exchange):
    register(exchange)
    post_event(exchange)
    exchange.queue.jobs.clear()  # the process died with its in-memory queue
    assert exchange.notifications.sweep()["queued"] == 1
    (job,) = exchange.queue.jobs
    assert job == (job_send_batch, ([notifications_of(exchange)[0].id],), 0.0)


def test_the_sweep_fans_out_an_event_whose_fan_out_job_was_lost(exchange):
    register(exchange)
    exchange.notifications.record_event(parse_event(event_payload()))
    exchange.queue.jobs.clear()  # stored, but the process died before the fan-out ran
    exchange.clock.advance(minutes=2)
    exchange.notifications.sweep()
    for job, args, _ in list(exchange.queue.jobs):
        if job is job_fan_out:
            exchange.notifications.fan_out(*args)
    assert len(notifications_of(exchange)) == 1
