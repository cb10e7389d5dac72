"""Outbound pacing: sends spaced to the provider's rate, in one process or shared through Redis
by several; against a stand-in that answers 429 over its rate, paced sends are never refused and
unpaced ones are told apart as "throttled"."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from channels.outbound.message import SendFailed
from channels.outbound.pacing import LocalPacer, PacedSender, RedisPacer
from channels.outbound.twilio_api import TwilioSender
from scripts.twilio_standin import ACCOUNT_SID, TwilioStandIn
from tests.channels.outbound.samples import sms

REDIS_URL = "redis://127.0.0.1:6379/0"


class FakeTime:
    """A clock that only moves when someone sleeps: the schedule, not the machine's speed."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))


def test_a_local_pace_spaces_the_sends():
    time = FakeTime()
    pacer = LocalPacer(4.0, clock=time.clock, sleep=time.sleep)
    for _ in range(5):
        pacer.wait()
    assert time.slept == [0.25, 0.5, 0.75, 1.0]  # the first goes at once
    time.now += 10.0  # idle for a while: no burst is saved up beyond one send
    pacer.wait()
    assert time.slept == [0.25, 0.5, 0.75, 1.0]


def test_a_redis_pace_is_one_budget_for_every_process():
    key = f"hotline:test:pace:{uuid.uuid4().hex}"
    waits: list[float] = []
    lock = threading.Lock()

    def sleep(seconds: float) -> None:
        with lock:
            waits.append(seconds)

    first = RedisPacer(REDIS_URL, key, 10.0, sleep=sleep)
    second = RedisPacer(REDIS_URL, key, 10.0, sleep=sleep)  # another worker process
    for _ in range(5):
        first.wait()
        second.wait()
    # Ten sends at 10 a second, whichever process asks: nine of them wait, up to ~0.9 s.
    assert len(waits) == 9
    assert max(waits) == pytest.approx(0.9, abs=0.05)
    assert sorted(waits) == pytest.approx([0.1 * n for n in range(1, 10)], abs=0.05)


@pytest.fixture
def stand_in():
    running = TwilioStandIn(per_second=20)
    yield running
    running.close()


def twilio(stand_in: TwilioStandIn) -> TwilioSender:
    return TwilioSender(ACCOUNT_SID, "token", "+15005550006", "http://cb", client=stand_in.client())


def test_paced_below_the_providers_rate_nothing_is_refused(stand_in):
    """Holds on a loaded machine too: a second has at most 11 paced slots, and at most the 8
    threads' sends arrive late into it, 19 in all, under the stand-in's 20."""
    sender = PacedSender(twilio(stand_in), LocalPacer(10.0))
    with ThreadPoolExecutor(max_workers=8) as pool:
        receipts = list(pool.map(lambda n: sender.send(sms(body=f"alert {n}")), range(30)))
    assert len({receipt.provider_sid for receipt in receipts}) == 30
    assert stand_in.refused == 0


def test_unpaced_over_the_rate_a_429_is_throttled_not_failed():
    stand_in = TwilioStandIn(per_second=5)  # 40 sends in a row are over it on any machine
    sender = twilio(stand_in)
    throttled = []
    for n in range(40):
        try:
            sender.send(sms(body=f"alert {n}"))
        except SendFailed as failure:
            throttled.append(failure)
    assert throttled and all(failure.throttled and failure.retryable for failure in throttled)
    assert len(stand_in.accepted) + len(throttled) == 40
    stand_in.close()
