"""Background jobs: in-process threads by default, RQ on Redis when configured.

The database is the source of truth for what is due (a notification row); a queue only runs jobs.
So a queue may lose jobs it has not started (a restart, a closed in-process queue) without losing
any notification, and job arguments should be ids, never personal data or objects.

A job is a module-level function, importable by its dotted path, because an RQ worker runs it in
another process. Both queues check this on ``enqueue`` (and that the arguments pickle), so code
that works on the default queue also works on Redis. A job cannot receive the Flask app: it reads
the process-wide object set with ``set_job_context`` (the app's, or one the worker builds).

A failing job is logged with its name, exception type and stack only: neither its arguments nor
the exception's message (a Twilio error quotes the phone number) reach a log or Redis.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import math
import pickle
import sys
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol
from urllib.parse import urlparse

import redis
import rq

from channels.config.settings import Settings
from channels.errors import ConfigurationError

log = logging.getLogger(__name__)

JobFunc = Callable[..., None]

JOB_TIMEOUT_SECONDS = 240  # below the notifications' 5-minute lease; a hung job is killed
FAILURE_TTL_SECONDS = 7 * 24 * 3600  # failed RQ jobs stay inspectable for a week
REDIS_SOCKET_TIMEOUT_SECONDS = 5.0  # enqueueing never hangs a webhook on a dead Redis
QUEUE_KINDS = ("inprocess", "redis")


class JobQueue(Protocol):
    def enqueue(self, func: JobFunc, *args: Any, delay_seconds: float = 0.0) -> None: ...

    def depth(self) -> int:
        """Jobs queued (or scheduled) and not yet started."""
        ...

    def close(self) -> None: ...


class JobFailed(Exception):
    """Raised to RQ in place of a job's own exception, whose message may hold personal data."""


_context: object | None = None


def set_job_context(context: object) -> None:
    """Sets the process-wide object jobs work with (``None`` clears it)."""
    global _context
    _context = context


def job_context() -> object:
    """The object set with ``set_job_context``; raises if the process never set one."""
    if _context is None:
        raise RuntimeError(
            "no job context: the app factory (in-process queue) or `python -m channels.worker` "
            "must call set_job_context() before jobs run"
        )
    return _context


def _dotted(func: JobFunc) -> str:
    return f"{getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', '?')}"


def job_name(func: JobFunc) -> str:
    """``module.function`` of a job; raises TypeError unless a worker could import it by that."""
    module = getattr(func, "__module__", None)
    qualname = getattr(func, "__qualname__", "")
    owner = sys.modules.get(module) if module and module != "__main__" else None
    if owner is None or getattr(owner, qualname, None) is not func:
        raise TypeError(
            f"job {_dotted(func)} is not a module-level function importable by its dotted "
            "path, so an RQ worker could not run it"
        )
    return f"{module}.{qualname}"


def _check_portable(func: JobFunc, args: tuple[Any, ...]) -> str:
    name = job_name(func)
    try:
        pickle.dumps(args)
    except Exception as error:
        raise TypeError(f"arguments of job {name} cannot be pickled: pass ids") from error
    return name


def _execute(func: JobFunc, args: tuple[Any, ...]) -> bool:
    """Runs one job; on failure logs name, type and stack (no args, no message), returns False."""
    try:
        func(*args)
    except Exception as error:
        stack = "".join(traceback.format_tb(error.__traceback__)).rstrip()
        log.error("job %s failed with %s\n%s", _dotted(func), type(error).__name__, stack)
        return False
    return True


def run_job(func: JobFunc, *args: Any) -> None:
    """What RQ runs: the job, with its exception replaced by one that names only the job."""
    if not _execute(func, args):
        raise JobFailed(f"job {_dotted(func)} failed (its stack is in the worker log)")


@dataclass(order=True)
class _Scheduled:
    due: float  # time.monotonic()
    sequence: int
    func: JobFunc = field(compare=False)
    args: tuple[Any, ...] = field(compare=False)


class InProcessQueue:
    """A thread pool plus one scheduler thread for delayed jobs, both started on first enqueue.

    Jobs scheduled but not yet due when the queue closes are dropped (the database still says
    they are due); jobs queued, due or running are waited for, up to ``close_timeout``.
    """

    def __init__(self, workers: int = 4, close_timeout: float = 10.0) -> None:
        if workers < 1:
            raise ValueError("an in-process queue needs at least one worker thread")
        self._workers = workers
        self._close_timeout = close_timeout
        self._lock = threading.Lock()
        self._wake_scheduler = threading.Condition(self._lock)
        self._changed = threading.Condition(self._lock)  # a job finished
        self._scheduled: list[_Scheduled] = []
        self._sequence = itertools.count()
        self._running = 0  # submitted to the pool and not finished
        self._closed = False
        self._pool: ThreadPoolExecutor | None = None
        self._scheduler: threading.Thread | None = None

    def enqueue(self, func: JobFunc, *args: Any, delay_seconds: float = 0.0) -> None:
        _check_portable(func, args)
        with self._lock:
            if self._closed:
                raise RuntimeError("the job queue is closed")
            self._start()
            if delay_seconds <= 0:
                self._submit(func, args)
                return
            due = time.monotonic() + delay_seconds
            heapq.heappush(self._scheduled, _Scheduled(due, next(self._sequence), func, args))
            self._wake_scheduler.notify()

    def depth(self) -> int:
        with self._lock:
            return len(self._scheduled)

    def drain(self, timeout: float) -> bool:
        """Waits until no job is queued, due or running; False if that took over ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._busy():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                # Busy means a job runs or is due (and soon runs): its end wakes this.
                self._changed.wait(remaining)
            return True

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            now = time.monotonic()
            due = [entry for entry in self._scheduled if entry.due <= now]
            dropped = len(self._scheduled) - len(due)
            self._scheduled = due
            heapq.heapify(self._scheduled)
            self._wake_scheduler.notify()
        if dropped:
            log.info("job queue closed: dropped %d scheduled job(s) not yet due", dropped)
        if self._scheduler is not None:
            self._scheduler.join()  # it submits what is due, then returns
        if self._pool is not None:
            if not self.drain(self._close_timeout):
                log.warning(
                    "job queue closed with jobs still running after %s s", self._close_timeout
                )
            self._pool.shutdown(wait=False)

    def _start(self) -> None:
        if self._pool is not None:
            return
        self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="hotline-job")
        # A daemon: a queue nobody closed must not keep the process alive.
        self._scheduler = threading.Thread(
            target=self._schedule_loop, name="hotline-job-scheduler", daemon=True
        )
        self._scheduler.start()

    def _submit(self, func: JobFunc, args: tuple[Any, ...]) -> None:
        assert self._pool is not None  # _start() ran under the same lock
        self._running += 1
        self._pool.submit(self._run, func, args)

    def _run(self, func: JobFunc, args: tuple[Any, ...]) -> None:
        try:
            _execute(func, args)
        finally:
            with self._lock:
                self._running -= 1
                self._changed.notify_all()

    def _busy(self) -> bool:
        due = bool(self._scheduled) and self._scheduled[0].due <= time.monotonic()
        return self._running > 0 or due

    def _schedule_loop(self) -> None:
        with self._lock:
            while True:
                now = time.monotonic()
                while self._scheduled and self._scheduled[0].due <= now:
                    entry = heapq.heappop(self._scheduled)
                    self._submit(entry.func, entry.args)
                if self._closed:
                    return
                timeout = self._scheduled[0].due - now if self._scheduled else None
                self._wake_scheduler.wait(timeout)


class RedisQueue:
    """Jobs on an RQ queue; ``python -m channels.worker`` runs them. Connects on first enqueue."""

    def __init__(self, redis_url: str, name: str = "hotline") -> None:
        self.redis_url = redis_url
        self.name = name
        self._lock = threading.Lock()
        self._queue: rq.Queue | None = None
        self._closed = False

    def enqueue(self, func: JobFunc, *args: Any, delay_seconds: float = 0.0) -> None:
        name = _check_portable(func, args)
        queue = self._connected()
        options: dict[str, Any] = {
            "job_timeout": JOB_TIMEOUT_SECONDS,
            "result_ttl": 0,
            "failure_ttl": FAILURE_TTL_SECONDS,
            "description": name,  # RQ logs the description; its default spells out the args
        }
        if delay_seconds <= 0:
            queue.enqueue(run_job, func, *args, **options)
        else:
            queue.enqueue_at(_due_at(delay_seconds), run_job, func, *args, **options)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._queue is not None:
                self._queue.connection.connection_pool.disconnect()
                self._queue = None

    def depth(self) -> int:
        queue = self._connected()
        return len(queue) + queue.scheduled_job_registry.count

    def _connected(self) -> rq.Queue:
        with self._lock:
            if self._closed:
                raise RuntimeError("the job queue is closed")
            if self._queue is None:
                connection = redis.Redis.from_url(
                    self.redis_url,
                    socket_connect_timeout=REDIS_SOCKET_TIMEOUT_SECONDS,
                    socket_timeout=REDIS_SOCKET_TIMEOUT_SECONDS,
                )
                self._queue = rq.Queue(self.name, connection=connection)
            return self._queue


def _due_at(delay_seconds: float) -> datetime:
    """When a delayed job is due, rounded up to the second.

    RQ keeps scheduled times in whole seconds, truncated, so ``enqueue_in`` can run a job up to a
    second early; rounding up makes it run no earlier than asked (and at most ~1 s later).
    """
    due = datetime.now(timezone.utc) + timedelta(seconds=delay_seconds)
    return datetime.fromtimestamp(math.ceil(due.timestamp()), timezone.utc)


def queue_from_config(kind: str, redis_url: str, name: str = "hotline") -> JobQueue:
    """The queue HOTLINE_JOB_QUEUE names: "inprocess" (default, also when empty) or "redis"."""
    kind = kind.strip().lower() or "inprocess"
    if kind == "inprocess":
        return InProcessQueue()
    if kind == "redis":
        if urlparse(redis_url).scheme not in ("redis", "rediss", "unix"):
            raise ConfigurationError(
                "HOTLINE_REDIS_URL must be a redis://, rediss:// or unix:// URL when "
                "HOTLINE_JOB_QUEUE=redis"
            )
        return RedisQueue(redis_url, name)
    raise ConfigurationError(
        f"HOTLINE_JOB_QUEUE must be one of {', '.join(QUEUE_KINDS)}, not {kind!r}"
    )


def queue_from_settings(settings: Settings) -> JobQueue:
    return queue_from_config(settings.job_queue, settings.redis_url, settings.queue_name)


# -- sweeping --------------------------------------------------------------------------------


class Sweeper(Protocol):
    def sweep(self) -> Any: ...


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
