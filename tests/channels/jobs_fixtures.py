"""Job functions for tests/channels/test_jobs.py: module-level, so an RQ worker can import them.

In-process jobs record into ``RECORDS`` (with the monotonic time they ran); Redis jobs push to a
Redis list, which a worker in another process can do too.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict

import redis

from channels.jobs import job_context

RECORDS: defaultdict[str, list[tuple[str, float]]] = defaultdict(list)
GATES: defaultdict[str, threading.Event] = defaultdict(threading.Event)
_records_lock = threading.Lock()


def record(key: str, value: str) -> None:
    with _records_lock:
        RECORDS[key].append((value, time.monotonic()))


def wait_for_gate(key: str) -> None:
    GATES[key].wait(timeout=5)


def fail(secret: str) -> None:
    raise ValueError(f"could not reach {secret}")


def push(redis_url: str, key: str, value: str) -> None:
    redis.Redis.from_url(redis_url).rpush(key, value)


def push_context(redis_url: str, key: str) -> None:
    """Pushes the job context, proving the worker built it before running jobs."""
    redis.Redis.from_url(redis_url).rpush(key, str(job_context()))


def build_context() -> object:
    return "context-built-by-worker"
