"""The production configuration end to end: the gateway on PostgreSQL and notification jobs on
Redis, run by a real ``channels.worker`` process beside the three servers.

A stack of its own (on free ports), a throwaway PostgreSQL database and a Redis queue name
of its own, all removed afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import redis
import requests

from scripts.stack import MODEL, Ports, Stack
from scripts.throwaway_postgres import throwaway_postgres
from tests.e2e.registration_flow import register_and_get_notified

pytestmark = pytest.mark.e2e
REDIS_URL = "redis://127.0.0.1:6379/0"
ZONE = "America/New_York"


@pytest.fixture(scope="module")
def production_database() -> Iterator[str]:
    with throwaway_postgres() as url:
        yield url


@pytest.fixture(scope="module")
def production_stack(tmp_path_factory, production_database: str) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` first")
    queue = f"hotline-e2e-{uuid.uuid4().hex[:8]}"
    stack = Stack.throwaway(
        Ports.free(),
        tmp_path_factory.mktemp("production"),
        HOTLINE_ENV="development",  # the outbox API, to read what was "sent"
        HOTLINE_DATABASE_URL=production_database,
        HOTLINE_JOB_QUEUE="redis",
        HOTLINE_REDIS_URL=REDIS_URL,
        HOTLINE_QUEUE_NAME=queue,
        HOTLINE_RASA_TIMEOUT="5",
        HOTLINE_BUSINESS_HOURS=closed_all_day_today(),
        HOTLINE_TIMEZONE=ZONE,
    )
    assert "worker" in stack.default_processes()
    with stack:
        yield stack
    connection = redis.Redis.from_url(REDIS_URL)
    keys = list(connection.scan_iter(match=f"*{queue}*"))
    if keys:
        connection.delete(*keys)


def closed_all_day_today() -> str:
    """Hours on another day of the week only: the specialists are away for this whole test."""
    tomorrow = (datetime.now(ZoneInfo(ZONE)) + timedelta(days=1)).strftime("%a").lower()
    return f"{tomorrow} 08:00-09:00"


def test_sign_up_and_alert_on_postgresql_with_the_redis_queue(production_stack: Stack):
    register_and_get_notified(production_stack, production_stack.phone())


def test_outside_hours_a_callback_is_offered_and_the_assistant_keeps_answering(
    production_stack: Stack,
):
    texter = production_stack.phone()
    texter.text("hi")
    offer = " ".join(texter.text("can i talk to a real person please"))
    assert "call you back" in offer and "8:00" in offer, offer
    assert "safe to call" in " ".join(texter.text("yes"))
    assert "voicemail" in " ".join(texter.text("tomorrow after 5 pm"))
    done = " ".join(texter.text("no"))
    assert "will call you back (tomorrow after 5 pm)" in done, done
    token = production_stack.environment()["HOTLINE_INTEGRATIONS_TOKEN"]
    headers = {"Authorization": f"Bearer {token}", "X-Hotline-Actor": "ana"}
    url = f"{production_stack.gateway_url}/api/handoffs"
    (waiting,) = requests.get(url, headers=headers, timeout=10).json()["handoffs"]
    assert waiting["reason"] == "callback"
    record = requests.get(f"{url}/{waiting['id']}", headers=headers, timeout=10).json()
    assert record["summary"]["callback"] == {"window": "tomorrow after 5 pm", "voicemail_ok": False}
    # A callback is not a live conversation: the assistant still answers.
    reply = " ".join(texter.text("what services do you offer"))
    assert reply and "specialists;" not in reply
