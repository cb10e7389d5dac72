"""Dispatch benchmark: one custody event matching N registrations, through the job queue and the
outbox sender. Reports the rate, the time to the first and last notification, and the memory.

    python -m scripts.bench_notifications                      # 10,000, in-process, SQLite
    python -m scripts.bench_notifications --queue redis --workers 2 --database postgresql [--fork]
    python -m scripts.bench_notifications --twilio-rate 200     # through Twilio's API, paced

With ``--queue redis`` the jobs run in real ``python -m channels.worker`` processes on the
machine's Redis (a queue of its own, deleted afterwards); ``--database postgresql`` uses a
throwaway database on the machine's PostgreSQL. With ``--twilio-rate N`` the texts go through
the Twilio sender to a local stand-in that answers 429 above N a second
(``scripts/twilio_standin.py``), the gateway paced at 90% of N: every alert must be accepted once,
and the report says how many 429s there were. Nothing here touches ``var/`` or ``.env``.
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from channels import create_app
from channels.alerts.notifications.models import Notification, NotificationStatus
from channels.alerts.notifications.service import NOTIFICATIONS
from channels.alerts.registrations.keys import OffenderKeys
from channels.alerts.registrations.models import Registration, RegistrationStatus
from channels.config.settings import Settings
from channels.outbound.outbox import OutboxMessage
from channels.storage.database import DATABASE, Database, utcnow
from channels.storage.privacy import Privacy
from scripts.throwaway_postgres import throwaway_postgres
from scripts.twilio_standin import ACCOUNT_SID, TwilioStandIn

ROOT = Path(__file__).resolve().parent.parent
A_NUMBER = "A204555781"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="registrations to notify")
    parser.add_argument("--queue", choices=("inprocess", "redis"), default="inprocess")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (redis)")
    parser.add_argument(
        "--fork",
        action="store_true",
        help="RQ's forking worker (a child per job), as `make worker`",
    )
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--timeout", type=float, default=600.0, help="give up after seconds")
    parser.add_argument(
        "--twilio-rate", type=int, default=0, help="send through a Twilio stand-in at N/s"
    )
    parser.add_argument(
        "--pace",
        type=float,
        default=0.9,
        help="the gateway's pace as a share of the stand-in's rate (over 1: 429s to retry)",
    )
    args = parser.parse_args(argv)
    with (
        tempfile.TemporaryDirectory() as workdir,
        _database(args.database, workdir) as url,
        _stand_in(args.twilio_rate) as twilio,
    ):
        settings = Settings(
            twilio_auth_token=secrets.token_hex(8),
            secret_key=secrets.token_hex(16),
            database_url=url,
            api_token=secrets.token_hex(8),
            events_token=secrets.token_hex(8),
            job_queue=args.queue,
            queue_name=f"bench-{uuid.uuid4().hex[:8]}",
            sweep_seconds=0,
        )
        return _run(_through(settings, twilio, args.pace), args, twilio)


@contextmanager
def _stand_in(rate: int) -> Iterator[TwilioStandIn | None]:
    if not rate:
        yield None
        return
    stand_in = TwilioStandIn(per_second=rate)
    try:
        yield stand_in
    finally:
        stand_in.close()


def _through(settings: Settings, twilio: TwilioStandIn | None, pace: float) -> Settings:
    """Texts through the Twilio sender to the stand-in, paced at ``pace`` times its rate."""
    if twilio is None:
        return settings
    return settings.with_overrides(
        twilio_account_sid=ACCOUNT_SID,
        twilio_phone_number="+15005550006",
        twilio_api_url=twilio.url,
        sms_per_second=twilio.per_second * pace,
    )


def _run(settings: Settings, args: argparse.Namespace, twilio: TwilioStandIn | None) -> int:
    app = create_app(settings)
    database: Database = DATABASE.get(app)
    started = time.perf_counter()
    _registrations(database, Privacy(settings.secret_key), args.count)
    print(f"{args.count} active registrations created in {time.perf_counter() - started:.1f}s")
    workers = _start_workers(settings, args.workers, args.fork) if args.queue == "redis" else []
    try:
        posted = time.perf_counter()
        response = app.test_client().post(
            "/api/custody-events",
            json={
                "event_id": f"bench-{uuid.uuid4().hex}",
                "type": "release",
                "offender": {"a_number": A_NUMBER},
                "occurred_at": utcnow().isoformat(),
            },
            headers={"Authorization": f"Bearer {settings.events_token}"},
        )
        assert response.status_code == 201, response.get_json()
        first, last = _wait(database, args.count, posted, args.timeout)
        memory = _memory_report(workers)
    finally:
        _stop(workers)
        NOTIFICATIONS.get(app).queue.close()
        _drop_queue(settings)
    if twilio is not None:
        sent, distinct = _count_sent(database), len(set(twilio.accepted))
    else:
        sent = _count(database, select(func.count(OutboxMessage.id)))
        distinct = _count(database, select(func.count(func.distinct(OutboxMessage.to_key))))
    elapsed = last - posted
    print(
        f"queue={args.queue} workers={_workers_label(args) if workers else 'threads'} "
        f"database={database.engine.dialect.name}\n"
        f"notifications sent: {sent} (to {distinct} distinct contacts; expected {args.count})\n"
        f"first in outbox after {first - posted:.2f}s, all after {elapsed:.2f}s\n"
        f"rate: {args.count / elapsed:,.0f} notifications/s\n{memory}"
        + (_twilio_report(twilio, args.pace) if twilio is not None else "")
    )
    return 0 if sent == args.count == distinct else 1


def _twilio_report(twilio: TwilioStandIn, pace: float) -> str:
    return (
        f"\nTwilio stand-in at {twilio.per_second}/s, gateway paced at "
        f"{twilio.per_second * pace:.0f}/s: {len(twilio.accepted)} accepted, "
        f"{twilio.refused} answered 429 and retried"
    )


def _count_sent(database: Database) -> int:
    return _count(
        database,
        select(func.count(Notification.id)).where(Notification.status == NotificationStatus.SENT),
    )


def _workers_label(args: argparse.Namespace) -> str:
    return f"{args.workers} ({'forking' if args.fork else 'simple'})"


def _registrations(database: Database, privacy: Privacy, count: int) -> None:
    """Active registrations for one offender, inserted in bulk (the form is not what is timed)."""
    keys = OffenderKeys(privacy)
    pin_hash = generate_password_hash("4821")  # one hash: scrypt for each would take minutes
    now = utcnow()
    rows = []
    for index in range(count):
        phone = f"+1713{index:07d}"
        rows.append(
            {
                "id": uuid.uuid4().hex,
                "registrant": privacy.conversation_key(phone),
                "status": RegistrationStatus.ACTIVE,
                "relationship": "family",
                "terms_version": "2026-11",
                "offender_name_encrypted": privacy.encrypt("Juan Carlos Pérez Gómez"),
                "offender_a_number_encrypted": privacy.encrypt(A_NUMBER),
                "key_a_number": keys.a_number(A_NUMBER),
                "contact_channel": "sms",
                "contact_encrypted": privacy.encrypt(phone),
                "contact_key": privacy.conversation_key(phone),
                "voicemail_ok": False,
                "discreet": index % 3 == 0,
                "language": "es" if index % 2 else "en",
                "pin_hash": pin_hash,
                "created_at": now,
                "verified_at": now,
                "expires_at": now + timedelta(days=365),
            }
        )
    with database.session() as session:
        session.bulk_insert_mappings(Registration, rows)


def _wait(database: Database, count: int, posted: float, timeout: float) -> tuple[float, float]:
    first = 0.0
    done = 0
    while time.perf_counter() - posted < timeout:
        done = _count(
            database,
            select(func.count(Notification.id)).where(
                Notification.status == NotificationStatus.SENT
            ),
        )
        if done and not first:
            first = time.perf_counter()
        if done >= count:
            return first, time.perf_counter()
        time.sleep(0.05)
    raise SystemExit(f"timed out: {done} of {count} sent after {timeout:.0f}s")


def _count(database: Database, statement: object) -> int:
    with database.session() as session:
        return int(session.execute(statement).scalar_one())


def _start_workers(settings: Settings, count: int, fork: bool) -> list[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "TWILIO_AUTH_TOKEN": settings.twilio_auth_token,
        "HOTLINE_SECRET_KEY": settings.secret_key,
        "HOTLINE_DATABASE_URL": settings.database_url,
        "HOTLINE_JOB_QUEUE": "redis",
        "HOTLINE_REDIS_URL": settings.redis_url,
        "HOTLINE_QUEUE_NAME": settings.queue_name,
        "HOTLINE_SWEEP_SECONDS": "0",
        "HOTLINE_ENV": "development",  # local workers of a local benchmark
        "TWILIO_ACCOUNT_SID": settings.twilio_account_sid,
        "TWILIO_PHONE_NUMBER": settings.twilio_phone_number,
        "HOTLINE_TWILIO_API_URL": settings.twilio_api_url,  # the stand-in, if any
        "HOTLINE_SMS_PER_SECOND": str(settings.sms_per_second),  # one budget, kept in Redis
    }
    return [
        subprocess.Popen(
            [sys.executable, "-m", "channels.worker", *([] if fork else ["--simple"])],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]


def _memory_report(workers: list[subprocess.Popen[bytes]]) -> str:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if not workers:
        return f"peak memory (this process: gateway app + in-process queue): {own:.0f} MB"
    sizes = [_rss_megabytes(worker.pid) for worker in workers]
    listed = ", ".join(f"{size:.0f}" for size in sizes)
    return f"worker memory (RSS now, MB): {listed}; this process peak: {own:.0f} MB"


def _rss_megabytes(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()


def _drop_queue(settings: Settings) -> None:
    if settings.job_queue != "redis":
        return
    import redis

    connection = redis.Redis.from_url(settings.redis_url)
    keys = list(connection.scan_iter(match=f"*{settings.queue_name}*"))
    if keys:
        connection.delete(*keys)


@contextmanager
def _database(kind: str, workdir: str) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{workdir}/bench.db"
        return
    with throwaway_postgres("hotline_bench") as url:
        yield url


if __name__ == "__main__":
    sys.exit(main())
