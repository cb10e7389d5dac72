"""The job queues: in-process threads, and RQ on the machine's real Redis (127.0.0.1:6379).

Redis is part of this machine and of CI, so the Redis tests fail, not skip, when it is down. Each
uses a queue of its own (a random name) and deletes that queue's keys afterwards.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from rq import Queue, SimpleWorker
from rq.job import Job
from rq.registry import FailedJobRegistry, ScheduledJobRegistry

from channels import worker
from channels.errors import ConfigurationError
from channels.jobs import (
    InProcessQueue,
    RedisQueue,
    job_context,
    queue_from_config,
    set_job_context,
)
from tests.channels import jobs_fixtures
from tests.channels.jobs_fixtures import RECORDS, fail, push, push_context, record, wait_for_gate

REDIS_URL = "redis://127.0.0.1:6379/0"
REPO = Path(__file__).resolve().parents[2]
SECRET = "+17135550142"


@pytest.fixture(autouse=True)
def no_job_context() -> Iterator[None]:
    set_job_context(None)
    yield
    set_job_context(None)


@pytest.fixture(autouse=True)
def keep_signal_handlers() -> Iterator[None]:
    """An RQ worker installs SIGINT/SIGTERM handlers and leaves them: Ctrl-C must still work."""
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


@pytest.fixture
def key() -> str:
    return secrets.token_hex(8)


@pytest.fixture
def queue() -> Iterator[InProcessQueue]:
    queue = InProcessQueue()
    yield queue
    queue.close()


def wait_for_records(key: str, count: int, timeout: float = 3.0) -> list[tuple[str, float]]:
    deadline = time.monotonic() + timeout
    while len(RECORDS[key]) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return list(RECORDS[key])


# --- in-process --------------------------------------------------------------------------------


def test_runs_jobs_with_their_arguments(queue: InProcessQueue, key: str) -> None:
    queue.enqueue(record, key, "first")
    queue.enqueue(record, key, "second")
    assert queue.drain(2.0)
    assert sorted(value for value, _ in RECORDS[key]) == ["first", "second"]


def test_delayed_job_runs_after_its_delay_not_before(queue: InProcessQueue, key: str) -> None:
    enqueued_at = time.monotonic()
    queue.enqueue(record, key, "late", delay_seconds=0.3)
    time.sleep(0.1)
    assert RECORDS[key] == []
    assert queue.drain(1.0)  # not yet due: nothing to wait for
    [(value, ran_at)] = wait_for_records(key, 1)
    assert value == "late"
    assert ran_at - enqueued_at >= 0.3


def test_delayed_jobs_run_in_order_of_due_time(key: str) -> None:
    queue = InProcessQueue(workers=1)
    queue.enqueue(record, key, "third", delay_seconds=0.3)
    queue.enqueue(record, key, "first", delay_seconds=0.1)
    queue.enqueue(record, key, "now")
    queue.enqueue(record, key, "second", delay_seconds=0.2)
    records = wait_for_records(key, 4)
    queue.close()
    assert [value for value, _ in records] == ["now", "first", "second", "third"]


def test_failing_job_is_logged_by_name_only_and_later_jobs_run(
    key: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    queue = InProcessQueue(workers=1)  # the same thread runs the failing job and the next one
    queue.enqueue(fail, SECRET)
    queue.enqueue(record, key, "after")
    assert queue.drain(2.0)
    queue.close()
    assert [value for value, _ in RECORDS[key]] == ["after"]
    assert "job tests.channels.jobs_fixtures.fail failed with ValueError" in caplog.text
    assert "jobs_fixtures.py" in caplog.text  # the stack is there, for debugging
    assert SECRET not in caplog.text  # neither the argument nor the exception's message


def test_drain_returns_false_when_jobs_outlast_the_timeout(queue: InProcessQueue, key: str) -> None:
    queue.enqueue(wait_for_gate, key)
    started = time.monotonic()
    assert queue.drain(0.2) is False
    assert time.monotonic() - started >= 0.2
    jobs_fixtures.GATES[key].set()
    assert queue.drain(2.0) is True


def test_close_runs_queued_jobs_drops_future_ones_and_is_idempotent(key: str) -> None:
    queue = InProcessQueue(workers=1)
    for number in range(5):
        queue.enqueue(record, key, str(number))
    queue.enqueue(record, key, "in an hour", delay_seconds=3600)
    started = time.monotonic()
    queue.close()
    queue.close()
    assert time.monotonic() - started < 2.0
    assert [value for value, _ in RECORDS[key]] == ["0", "1", "2", "3", "4"]
    with pytest.raises(RuntimeError, match="closed"):
        queue.enqueue(record, key, "too late")


def test_close_without_any_job_is_idempotent() -> None:
    queue = InProcessQueue()
    queue.close()
    queue.close()


def test_no_thread_starts_before_the_first_enqueue(key: str) -> None:
    before = set(threading.enumerate())
    queue = InProcessQueue()
    # no thread started; an earlier test's finished worker may have left the list meanwhile
    assert set(threading.enumerate()) <= before
    queue.enqueue(record, key, "go")
    started = {thread.name for thread in set(threading.enumerate()) - before}
    queue.close()
    assert "hotline-job-scheduler" in started
    assert any(name.startswith("hotline-job_") for name in started)


def test_rejects_jobs_a_redis_worker_could_not_run(queue: InProcessQueue) -> None:
    def local_job() -> None:
        pass

    with pytest.raises(TypeError, match="module-level"):
        queue.enqueue(local_job)
    with pytest.raises(TypeError, match="module-level"):
        queue.enqueue(lambda: None)
    with pytest.raises(TypeError, match="pickled"):
        queue.enqueue(record, "key", threading.Lock())


def test_job_context_is_process_wide_and_must_be_set() -> None:
    with pytest.raises(RuntimeError, match="set_job_context"):
        job_context()
    service = object()
    set_job_context(service)
    assert job_context() is service


# --- queue_from_config -------------------------------------------------------------------------


def test_queue_from_config_defaults_to_in_process() -> None:
    assert isinstance(queue_from_config("inprocess", ""), InProcessQueue)
    assert isinstance(queue_from_config("", ""), InProcessQueue)


def test_queue_from_config_builds_a_lazy_redis_queue() -> None:
    queue = queue_from_config(" Redis ", "redis://127.0.0.1:1/0", "custody")  # nothing listens
    assert isinstance(queue, RedisQueue)
    assert (queue.redis_url, queue.name) == ("redis://127.0.0.1:1/0", "custody")
    queue.close()


def test_queue_from_config_rejects_an_unknown_kind() -> None:
    with pytest.raises(ConfigurationError, match=r"HOTLINE_JOB_QUEUE must be one of .*'celery'"):
        queue_from_config("celery", REDIS_URL)


def test_queue_from_config_rejects_a_redis_queue_without_a_redis_url() -> None:
    with pytest.raises(ConfigurationError, match="HOTLINE_REDIS_URL"):
        queue_from_config("redis", "http://127.0.0.1:6379")


# --- Redis -------------------------------------------------------------------------------------


@pytest.fixture
def connection() -> Iterator[redis.Redis]:
    connection = redis.Redis.from_url(REDIS_URL)
    connection.ping()  # Redis is part of this machine: a failure here is the test's answer
    yield connection
    connection.connection_pool.disconnect()


@pytest.fixture
def queue_name(connection: redis.Redis) -> Iterator[str]:
    name = f"hotline-test-{secrets.token_hex(6)}"
    yield name
    for job_key in connection.scan_iter("rq:job:*"):
        if connection.hget(job_key, "origin") == name.encode():
            job_id = job_key.decode().removeprefix("rq:job:")
            connection.delete(job_key, f"rq:results:{job_id}")
    for queue_key in connection.scan_iter(f"*{name}*"):
        connection.delete(queue_key)
    connection.srem("rq:queues", f"rq:queue:{name}")


@pytest.fixture
def redis_queue(queue_name: str) -> Iterator[RedisQueue]:
    queue = RedisQueue(REDIS_URL, queue_name)
    yield queue
    queue.close()


def run_burst(connection: redis.Redis, queue_name: str) -> None:
    rq_queue = Queue(queue_name, connection=connection)
    name = f"{queue_name}-{secrets.token_hex(3)}"  # so the queue's cleanup finds its key
    SimpleWorker([rq_queue], connection=connection, name=name).work(burst=True, with_scheduler=True)


def test_redis_job_runs_in_a_worker_and_keeps_no_result(
    redis_queue: RedisQueue, connection: redis.Redis, queue_name: str
) -> None:
    out = f"{queue_name}:out"
    redis_queue.enqueue(push, REDIS_URL, out, "hello")
    [job_id] = Queue(queue_name, connection=connection).job_ids
    assert (
        connection.hget(f"rq:job:{job_id}", "description") == b"tests.channels.jobs_fixtures.push"
    )
    assert connection.lrange(out, 0, -1) == []
    run_burst(connection, queue_name)
    assert connection.lrange(out, 0, -1) == [b"hello"]
    assert not connection.exists(f"rq:job:{job_id}")  # result_ttl=0: nothing kept


def test_redis_delayed_job_waits_for_its_delay(
    redis_queue: RedisQueue, connection: redis.Redis, queue_name: str
) -> None:
    out = f"{queue_name}:out"
    enqueued_at = time.time()
    redis_queue.enqueue(push, REDIS_URL, out, "later", delay_seconds=1)
    run_burst(connection, queue_name)
    assert connection.lrange(out, 0, -1) == []
    assert ScheduledJobRegistry(queue_name, connection=connection).count == 1
    while not connection.llen(out) and time.time() - enqueued_at < 4:
        time.sleep(0.2)
        run_burst(connection, queue_name)  # the scheduler moves due jobs, then the worker runs them
    assert connection.lrange(out, 0, -1) == [b"later"]
    assert time.time() - enqueued_at >= 1.0


def test_redis_failure_keeps_arguments_and_message_out_of_logs_and_redis(
    redis_queue: RedisQueue,
    connection: redis.Redis,
    queue_name: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    redis_queue.enqueue(fail, SECRET)
    run_burst(connection, queue_name)
    [job_id] = FailedJobRegistry(queue_name, connection=connection).get_job_ids()
    stored_failure = Job.fetch(job_id, connection=connection).exc_info or ""
    assert "tests.channels.jobs_fixtures.fail failed" in stored_failure
    assert SECRET not in stored_failure
    assert "job tests.channels.jobs_fixtures.fail failed with ValueError" in caplog.text
    assert SECRET not in caplog.text


def test_redis_queue_refuses_jobs_once_closed(redis_queue: RedisQueue) -> None:
    redis_queue.close()
    with pytest.raises(RuntimeError, match="closed"):
        redis_queue.enqueue(push, REDIS_URL, "unused", "value")


# --- the worker command ------------------------------------------------------------------------


def test_worker_main_builds_the_context_then_runs_jobs(
    redis_queue: RedisQueue,
    connection: redis.Redis,
    queue_name: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOTLINE_REDIS_URL", REDIS_URL)
    monkeypatch.setenv("HOTLINE_QUEUE_NAME", queue_name)
    out = f"{queue_name}:out"
    redis_queue.enqueue(push_context, REDIS_URL, out)
    assert worker.main(["--burst", "--simple"], build_context=lambda: "explicit-context") == 0
    assert connection.lrange(out, 0, -1) == [b"explicit-context"]


def test_worker_main_fails_clearly_without_redis(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("HOTLINE_REDIS_URL", "redis://:hunter2@127.0.0.1:1/0")  # nothing listens
    built: list[str] = []
    assert worker.main(["--burst"], build_context=lambda: built.append("built")) == 1
    assert built == []
    assert "cannot reach Redis at redis://:***@127.0.0.1:1/0" in caplog.text
    assert "hunter2" not in caplog.text


def test_worker_command_processes_a_job_and_exits(
    redis_queue: RedisQueue, connection: redis.Redis, queue_name: str
) -> None:
    out = f"{queue_name}:out"
    redis_queue.enqueue(push_context, REDIS_URL, out)
    env = {
        **os.environ,
        "HOTLINE_REDIS_URL": REDIS_URL,
        "HOTLINE_QUEUE_NAME": queue_name,
        "HOTLINE_ENV": "development",
    }
    command = [sys.executable, "-m", "channels.worker", "--burst"]
    command += ["--context", "tests.channels.jobs_fixtures:build_context"]
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    # The default worker forks a child per job: the context built before the fork reaches it.
    assert connection.lrange(out, 0, -1) == [b"context-built-by-worker"]
