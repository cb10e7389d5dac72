"""Outbound sends shaped to what the provider accepts per second.

Twilio queues what an account sends at its messages-per-second (a 10DLC campaign gets only a few
per second; calls have their own CPS) and answers 429 Too Many Requests beyond its API limits.
So each phone sender is paced: ``HOTLINE_SMS_PER_SECOND`` and ``HOTLINE_CALLS_PER_SECOND``
(0: not paced). With several worker processes (RQ on Redis) the pace is one shared budget, kept
in Redis, not one per process; otherwise a lock in this process keeps it.

A 429 that still comes back is a ``SendFailed(throttled=True)``: retried in seconds, and never
counted towards giving up (``Sending``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

import redis

from channels.outbound.message import Outbound, Receipt, Sender


class Pacer(Protocol):
    def wait(self) -> None:
        """Returns when one more send fits the pace (at once if it does now)."""
        ...


class LocalPacer:
    """One send every ``1 / per_second`` seconds for this process's threads."""

    def __init__(
        self,
        per_second: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 1.0 / per_second
        self.clock, self.sleep = clock, sleep
        self._lock = threading.Lock()
        self._next = 0.0

    def wait(self) -> None:
        with self._lock:
            now = self.clock()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            self.sleep(slot - now)


# The shared slot, in microseconds: take the later of now and the next free slot, move the next
# free slot one interval on, and say how long to wait. Atomic in Redis, so every process agrees.
_TAKE_SLOT = """
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, free)
redis.call('SET', KEYS[1], slot + interval, 'PX', math.ceil((slot + interval - now) / 1000) + 1000)
return slot - now
"""


class RedisPacer:
    """The same pace shared by every process that uses the same Redis key."""

    def __init__(
        self,
        redis_url: str,
        key: str,
        per_second: float,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.key = key
        self.interval_us = int(1_000_000 / per_second)
        self.sleep = sleep
        self._connection = redis.Redis.from_url(redis_url, socket_timeout=5)
        self._take = self._connection.register_script(_TAKE_SLOT)

    def wait(self) -> None:
        seconds, microseconds = self._connection.time()  # one clock for every process
        now_us = seconds * 1_000_000 + microseconds
        delay_us = int(self._take(keys=[self.key], args=[now_us, self.interval_us]))
        if delay_us > 0:
            self.sleep(delay_us / 1_000_000)


class PacedSender:
    """A sender that waits for its pace before each send."""

    def __init__(self, sender: Sender, pacer: Pacer) -> None:
        self.sender, self.pacer = sender, pacer

    def send(self, message: Outbound) -> Receipt:
        self.pacer.wait()
        return self.sender.send(message)
