"""Outbound webhooks against a real HTTP receiver that checks signatures as a real one would.

The receiver (``http.server`` in a thread, on a free port) verifies every request with
``verify`` and answers 401 when it fails, else what the test scripted (a status, or a sleep
first). Retries are driven by hand with an injected clock and a queue that only records, so the
backoff is checked without waiting; one test runs the real in-process queue end to end.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
import requests
from sqlalchemy import func, select

from channels import jobs
from channels.errors import ConfigurationError
from channels.handoff.webhooks.deliveries import DeliveryStatus, WebhookDelivery
from channels.handoff.webhooks.dispatcher import LEASE, WebhookDispatcher, job_deliver
from channels.handoff.webhooks.signatures import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    USER_AGENT,
    sign,
    verify,
)
from channels.storage.database import Database, as_utc, utcnow
from tests.channels.alerts.test_registrations import RecordingQueue
from tests.channels.conftest import Clock, backend_url, stored_row

SECRET = "whsec-test-secret"
DATA = {"handoff_id": "h-7f3a91", "channel": "sms", "priority": "urgent"}
SECRET_PATH = "/hooks/T000/B000/path-token-9c1e"  # chat workspaces keep their secret here


# -- the receiver ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    valid: bool
    at: float


class Receiver:
    """Records every POST; answers from ``script`` (a status, or seconds to sleep first)."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.script: list[int | float] = []
        self.now: Callable[[], float] = time.time  # the receiver's own clock
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.receiver = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, float]:
        signature = headers.get(SIGNATURE_HEADER, "")
        valid = verify(SECRET, signature, body, now=self.now())
        with self.lock:
            self.requests.append(Received(path, headers, body, valid, time.monotonic()))
            step = self.script.pop(0) if self.script else 200
        if isinstance(step, float):  # sleep, then acknowledge
            return (200 if valid else 401), step
        return (step if valid else 401), 0.0


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        receiver: Receiver = self.server.receiver  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        status, sleep = receiver.answer(self.path, dict(self.headers.items()), body)
        time.sleep(sleep)
        reply = b"an answer body that must never be stored or logged"
        self.send_response(status)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: pytest output stays readable."""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


# -- the dispatcher ----------------------------------------------------------------------------


def make_database(url: str) -> Database:
    database = Database(url)
    # The lead's migration adds this table; the tests create just it.
    WebhookDelivery.__table__.create(database.engine)
    return database


@pytest.fixture
def database(tmp_path) -> Iterator[Database]:
    database = make_database(f"sqlite:///{tmp_path}/webhooks.db")
    yield database
    database.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock(utcnow())  # real time: the receiver checks signatures against its own clock


@pytest.fixture
def queue() -> RecordingQueue:
    return RecordingQueue()


def dispatcher_for(
    database: Database,
    queue: jobs.JobQueue,
    urls: list[str],
    clock: Clock | None = None,
    **options: float,
) -> WebhookDispatcher:
    return WebhookDispatcher(
        database,
        queue,
        urls,
        SECRET,
        clock=clock or utcnow,
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture
def dispatcher(
    database: Database, queue: RecordingQueue, clock: Clock, receiver: Receiver
) -> WebhookDispatcher:
    return dispatcher_for(database, queue, [receiver.url + SECRET_PATH], clock, timeout=2.0)


def row(database: Database, delivery_id: int) -> WebhookDelivery:
    return stored_row(database, WebhookDelivery, delivery_id)


def only_delivery(database: Database) -> WebhookDelivery:
    with database.session() as session:
        rows = list(session.execute(select(WebhookDelivery)).scalars())
    assert len(rows) == 1
    return rows[0]


def delays(queue: RecordingQueue) -> list[float]:
    assert all(func is job_deliver for func, _, _ in queue.jobs)
    return [delay for _, _, delay in queue.jobs]


# -- signatures --------------------------------------------------------------------------------


def test_signature_scheme_is_hmac_sha256_over_timestamp_dot_body() -> None:
    body = b'{"id":"abc"}'
    header = sign(SECRET, 1_796_047_200, body)
    timestamp, signature = header.split(",")
    assert timestamp == "t=1796047200"
    assert signature.startswith("v1=") and len(signature) == 3 + 64
    assert verify(SECRET, header, body, now=1_796_047_200)


@pytest.mark.parametrize(
    ("header", "body", "now"),
    [
        ("", b"{}", 1000),  # unsigned
        ("t=1000", b"{}", 1000),  # no signature
        (sign(SECRET, 1000, b"{}").replace("t=1000,", ""), b"{}", 1000),  # no timestamp
        (sign(SECRET, 1000, b"{}"), b"{ }", 1000),  # body changed
        (sign("another-secret", 1000, b"{}"), b"{}", 1000),  # wrong secret
        (sign(SECRET, 1000, b"{}").replace("t=1000", "t=1001"), b"{}", 1000),  # time changed
        (sign(SECRET, 1000, b"{}"), b"{}", 1301),  # replayed too late
        (sign(SECRET, 1000, b"{}"), b"{}", 699),  # from too far in the future
        ("t=\u00b2,v1=00", b"{}", 2),  # a digit that int() refuses
        ("garbage", b"{}", 1000),
    ],
)
def test_verify_refuses(header: str, body: bytes, now: int) -> None:
    assert not verify(SECRET, header, body, now=now)


def test_verify_accepts_inside_the_window_and_any_v1_during_rotation() -> None:
    body = b"{}"
    header = sign(SECRET, 1000, body)
    assert verify(SECRET, header, body, now=1300)
    assert verify(SECRET, header, body, now=700)
    assert not verify(SECRET, header, body, now=1300, tolerance_seconds=299)
    rotated = sign("old-secret", 1000, body) + "," + header.split(",")[1]
    assert verify(SECRET, rotated, body, now=1000)
    assert not verify("", header, body, now=1000)


# -- delivery ----------------------------------------------------------------------------------


def test_event_reaches_every_url_signed_through_the_in_process_queue(
    database: Database, receiver: Receiver
) -> None:
    queue = jobs.InProcessQueue(workers=2)
    urls = [receiver.url + "/ticketing", receiver.url + SECRET_PATH]
    dispatcher = dispatcher_for(database, queue, urls)
    jobs.set_job_context(SimpleNamespace(webhooks=dispatcher))
    try:
        event_id = dispatcher.publish("handoff.created", DATA)
        assert queue.drain(timeout=10)
    finally:
        queue.close()
        jobs.set_job_context(None)

    assert sorted(r.path for r in receiver.requests) == sorted(["/ticketing", SECRET_PATH])
    assert all(r.valid for r in receiver.requests)
    bodies = {r.body for r in receiver.requests}
    assert len(bodies) == 1  # the same event, byte for byte
    sent = json.loads(bodies.pop())
    assert sent["id"] == event_id and len(event_id) == 32
    assert sent["event"] == "handoff.created"
    assert sent["data"] == DATA
    assert datetime.fromisoformat(sent["created_at"]).tzinfo is not None
    for received in receiver.requests:
        assert received.headers["Content-Type"] == "application/json"
        assert received.headers["User-Agent"] == USER_AGENT
        assert received.headers[EVENT_HEADER] == "handoff.created"
    delivery_ids = {r.headers[DELIVERY_HEADER] for r in receiver.requests}
    with database.session() as session:
        rows = list(session.execute(select(WebhookDelivery)).scalars())
    assert {str(r.id) for r in rows} == delivery_ids
    for stored in rows:
        assert stored.status == DeliveryStatus.DELIVERED.value
        assert (stored.attempts, stored.response_code, stored.error) == (1, 200, None)
        assert stored.delivered_at is not None and stored.next_attempt_at is None
        assert stored.event_id == event_id
        assert stored.body.encode() == receiver.requests[0].body


def test_unsigned_or_tampered_requests_fail_verification_in_the_receiver(
    dispatcher: WebhookDispatcher, database: Database, receiver: Receiver, queue: RecordingQueue
) -> None:
    dispatcher.publish("handoff.created", DATA)
    assert dispatcher.deliver(only_delivery(database).id)
    genuine = receiver.requests[0]
    assert genuine.valid
    tampered = genuine.body.replace(b"urgent", b"normal")
    forged = {SIGNATURE_HEADER: sign("guessed-secret", int(time.time()), genuine.body)}
    attempts = [
        (genuine.body, {}),  # unsigned
        (tampered, {SIGNATURE_HEADER: genuine.headers[SIGNATURE_HEADER]}),
        (genuine.body, forged),
    ]
    for body, headers in attempts:
        answer = requests.post(receiver.url + "/ticketing", data=body, headers=headers, timeout=5)
        assert answer.status_code == 401
    assert [r.valid for r in receiver.requests] == [True, False, False, False]


def test_a_dispatcher_with_the_wrong_secret_is_refused_and_retried(
    database: Database, receiver: Receiver, queue: RecordingQueue, clock: Clock
) -> None:
    dispatcher = WebhookDispatcher(database, queue, [receiver.url], "not-the-secret", clock=clock)
    dispatcher.publish("handoff.created", DATA)
    delivery = only_delivery(database)
    assert not dispatcher.deliver(delivery.id)
    stored = row(database, delivery.id)
    assert (stored.status, stored.response_code, stored.error) == ("pending", 401, "HTTP 401")
    assert receiver.requests[0].valid is False


def test_a_replayed_request_fails_verification(
    dispatcher: WebhookDispatcher, database: Database, receiver: Receiver
) -> None:
    dispatcher.publish("handoff.created", DATA)
    assert dispatcher.deliver(only_delivery(database).id)
    genuine = receiver.requests[0]
    headers = {k: v for k, v in genuine.headers.items() if k != "Content-Length"}

    receiver.now = lambda: time.time() + 301  # the same request, captured, sent 301 s later
    answer = requests.post(
        receiver.url + genuine.path, data=genuine.body, headers=headers, timeout=5
    )

    assert answer.status_code == 401
    assert [r.valid for r in receiver.requests] == [True, False]


def test_a_request_signed_outside_the_window_is_refused(
    database: Database, receiver: Receiver, queue: RecordingQueue
) -> None:
    stale = Clock(utcnow() - timedelta(seconds=301))
    dispatcher = dispatcher_for(database, queue, [receiver.url], stale)
    dispatcher.publish("handoff.created", DATA)
    assert not dispatcher.deliver(only_delivery(database).id)
    assert [r.valid for r in receiver.requests] == [False]


def test_500_twice_then_200_is_delivered_on_the_third_attempt_with_backoff(
    dispatcher: WebhookDispatcher,
    database: Database,
    receiver: Receiver,
    queue: RecordingQueue,
    clock: Clock,
) -> None:
    receiver.script = [500, 500, 200]
    dispatcher.publish("handoff.created", DATA)
    delivery_id = only_delivery(database).id

    assert not dispatcher.deliver(delivery_id)
    first = row(database, delivery_id)
    assert (first.status, first.attempts, first.response_code, first.error) == (
        "pending",
        1,
        500,
        "HTTP 500",
    )
    assert as_utc(first.next_attempt_at) == clock.now + timedelta(seconds=60)
    assert not dispatcher.deliver(delivery_id)  # not due yet: nothing is sent
    assert len(receiver.requests) == 1

    clock.advance(seconds=60)
    assert not dispatcher.deliver(delivery_id)
    clock.advance(seconds=120)
    assert dispatcher.deliver(delivery_id)

    assert delays(queue) == [0.0, 60.0, 120.0]
    assert queue.jobs[-1][1] == (delivery_id,)
    done = row(database, delivery_id)
    assert (done.status, done.attempts, done.response_code, done.error) == (
        "delivered",
        3,
        200,
        None,
    )
    assert as_utc(done.delivered_at) == clock.now and done.next_attempt_at is None
    assert len(receiver.requests) == 3 and all(r.valid for r in receiver.requests)
    # Re-signed with the time of each attempt; the same body and delivery id every time.
    assert len({r.headers[SIGNATURE_HEADER] for r in receiver.requests}) == 3
    assert len({r.body for r in receiver.requests}) == 1
    assert {r.headers[DELIVERY_HEADER] for r in receiver.requests} == {str(delivery_id)}


def test_a_receiver_that_does_not_answer_in_time_is_retried(
    database: Database, receiver: Receiver, queue: RecordingQueue, clock: Clock
) -> None:
    receiver.script = [1.0]  # sleeps past the dispatcher's timeout
    dispatcher = dispatcher_for(database, queue, [receiver.url], clock, timeout=0.2)
    dispatcher.publish("handoff.created", DATA)
    delivery_id = only_delivery(database).id

    started = time.monotonic()
    assert not dispatcher.deliver(delivery_id)
    assert time.monotonic() - started < 0.9
    stored = row(database, delivery_id)
    assert (stored.status, stored.response_code, stored.error) == ("pending", None, "ReadTimeout")
    assert delays(queue) == [0.0, 60.0]

    clock.advance(seconds=60)
    assert dispatcher.deliver(delivery_id)
    assert row(database, delivery_id).attempts == 2


def test_an_unreachable_receiver_is_retried(
    database: Database, queue: RecordingQueue, clock: Clock
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dispatcher = dispatcher_for(database, queue, [f"http://127.0.0.1:{port}/"], clock)
    dispatcher.publish("handoff.created", DATA)
    delivery_id = only_delivery(database).id
    assert not dispatcher.deliver(delivery_id)
    stored = row(database, delivery_id)
    assert (stored.status, stored.error) == ("pending", "ConnectionError")
    assert delays(queue) == [0.0, 60.0]


def test_410_gone_fails_at_once(
    dispatcher: WebhookDispatcher,
    database: Database,
    receiver: Receiver,
    queue: RecordingQueue,
    clock: Clock,
) -> None:
    receiver.script = [410]
    dispatcher.publish("handoff.created", DATA)
    delivery_id = only_delivery(database).id
    assert not dispatcher.deliver(delivery_id)
    stored = row(database, delivery_id)
    assert (stored.status, stored.attempts, stored.response_code) == ("failed", 1, 410)
    assert stored.next_attempt_at is None
    assert delays(queue) == [0.0]
    clock.advance(hours=1)
    assert not dispatcher.deliver(delivery_id)
    assert dispatcher.sweep_due() == 0
    assert len(receiver.requests) == 1


def test_a_delivery_fails_after_max_attempts(
    dispatcher: WebhookDispatcher,
    database: Database,
    receiver: Receiver,
    queue: RecordingQueue,
    clock: Clock,
) -> None:
    receiver.script = [503] * 10
    receiver.now = lambda: clock.now.timestamp()  # its clock keeps up with the simulated one
    dispatcher.publish("handoff.created", DATA)
    delivery_id = only_delivery(database).id
    for _ in range(6):
        assert not dispatcher.deliver(delivery_id)
        clock.advance(minutes=16)

    stored = row(database, delivery_id)
    assert (stored.status, stored.attempts, stored.error) == ("failed", 6, "HTTP 503")
    assert delays(queue) == [0.0, 60.0, 120.0, 240.0, 480.0, 960.0]
    assert not dispatcher.deliver(delivery_id)
    assert len(receiver.requests) == 6


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_workers_delivering_the_same_id_send_one_post(
    backend: str, request: pytest.FixtureRequest, tmp_path, receiver: Receiver, clock: Clock
) -> None:
    database = make_database(backend_url(request, backend, tmp_path, "race"))
    try:
        receiver.script = [0.2]  # a slow receiver: both would be sending at once without a claim
        dispatcher = dispatcher_for(database, RecordingQueue(), [receiver.url], clock)
        dispatcher.publish("handoff.created", DATA)
        delivery_id = only_delivery(database).id
        start = threading.Barrier(2)
        results: list[bool] = []

        def worker() -> None:
            start.wait()
            results.append(dispatcher.deliver(delivery_id))

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)

        assert sorted(results) == [False, True]
        assert len(receiver.requests) == 1
        assert row(database, delivery_id).attempts == 1
    finally:
        database.dispose()


def test_an_attempt_whose_worker_died_is_due_again_after_its_lease(
    dispatcher: WebhookDispatcher,
    database: Database,
    receiver: Receiver,
    queue: RecordingQueue,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dispatcher.publish("handoff.created", DATA)
    delivery_id = only_delivery(database).id
    queue.jobs.clear()

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("stands in for a worker killed mid-send")

    monkeypatch.setattr("channels.handoff.webhooks.dispatcher.requests.post", crash)
    with pytest.raises(RuntimeError):
        dispatcher.deliver(delivery_id)
    monkeypatch.undo()

    assert dispatcher.sweep_due() == 0  # claimed: nobody else may send it yet
    assert not dispatcher.deliver(delivery_id)
    clock.advance(seconds=LEASE.total_seconds())
    assert dispatcher.sweep_due() == 1
    assert delays(queue) == [0.0]
    assert dispatcher.deliver(delivery_id)
    assert row(database, delivery_id).attempts == 2
    assert len(receiver.requests) == 1


def test_sweep_due_requeues_deliveries_whose_jobs_were_lost(
    dispatcher: WebhookDispatcher,
    database: Database,
    receiver: Receiver,
    queue: RecordingQueue,
    clock: Clock,
) -> None:
    receiver.script = [500]
    dispatcher.publish("handoff.created", DATA)
    delivery_id = only_delivery(database).id
    queue.jobs.clear()  # the queue lost the job
    assert dispatcher.sweep_due() == 1
    assert queue.jobs == [(job_deliver, (delivery_id,), 0.0)]

    assert not dispatcher.deliver(delivery_id)  # 500: due again in a minute
    queue.jobs.clear()
    assert dispatcher.sweep_due() == 0
    clock.advance(seconds=60)
    assert dispatcher.sweep_due() == 1
    assert dispatcher.deliver(delivery_id)
    assert dispatcher.sweep_due() == 0


def test_without_urls_publish_stores_and_sends_nothing(
    database: Database, queue: RecordingQueue, receiver: Receiver
) -> None:
    dispatcher = WebhookDispatcher(database, queue, ["", "  "], "")
    event_id = dispatcher.publish("handoff.created", DATA)
    assert len(event_id) == 32
    with database.session() as session:
        assert session.execute(select(func.count(WebhookDelivery.id))).scalar_one() == 0
    assert queue.jobs == [] and receiver.requests == []
    assert dispatcher.sweep_due() == 0


def test_the_log_holds_no_body_url_or_answer(
    dispatcher: WebhookDispatcher,
    database: Database,
    receiver: Receiver,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    receiver.script = [500, 200]
    dispatcher.publish("handoff.created", DATA)
    delivery_id = only_delivery(database).id
    assert not dispatcher.deliver(delivery_id)
    clock.advance(seconds=60)
    assert dispatcher.deliver(delivery_id)

    ours = [
        r.getMessage() for r in caplog.records if r.name == "channels.handoff.webhooks.dispatcher"
    ]
    assert len(ours) == 2 and all(str(delivery_id) in message for message in ours)
    everything = "\n".join(r.getMessage() for r in caplog.records)
    for value in DATA.values():
        assert value not in everything
    assert "answer body" not in everything
    assert all(SECRET_PATH not in message for message in ours)
    assert all(SECRET not in message for message in ours)
    stored = row(database, delivery_id)
    assert stored.error is None and "answer body" not in stored.body


def test_deliveries_lists_the_newest_first_with_urls_cut_to_their_origin(
    dispatcher: WebhookDispatcher, database: Database, receiver: Receiver
) -> None:
    first = dispatcher.publish("handoff.created", DATA)
    second = dispatcher.publish("handoff.closed", DATA)
    listed = dispatcher.deliveries()
    assert [d["event_id"] for d in listed] == [second, first]
    assert listed[0]["url"] == receiver.url
    assert listed[0]["status"] == "pending" and listed[0]["attempts"] == 0
    assert "body" not in listed[0]
    assert len(dispatcher.deliveries(limit=1)) == 1


def test_job_deliver_needs_a_dispatcher_in_the_job_context() -> None:
    jobs.set_job_context(SimpleNamespace())
    try:
        with pytest.raises(RuntimeError, match="webhooks"):
            job_deliver(1)
    finally:
        jobs.set_job_context(None)


@pytest.mark.parametrize(
    ("urls", "secret"),
    [
        (["https://tickets.example.org/hook"], ""),
        (["ftp://tickets.example.org/hook"], SECRET),
        (["https:///no-host"], SECRET),
        (["https://tickets.example.org/" + "x" * 500], SECRET),
    ],
)
def test_misconfiguration_is_refused_at_start(
    database: Database, urls: list[str], secret: str
) -> None:
    with pytest.raises(ConfigurationError):
        WebhookDispatcher(database, RecordingQueue(), urls, secret)


def test_an_event_name_longer_than_its_column_is_refused(
    dispatcher: WebhookDispatcher,
) -> None:
    with pytest.raises(ValueError, match="event name"):
        dispatcher.publish("handoff." + "x" * 30, DATA)
