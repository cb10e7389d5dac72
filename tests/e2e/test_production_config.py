"""The production topology end to end, as separate processes: PostgreSQL (the gateway's tables
and Rasa's conversations), two Rasa replicas, the action server, two gateway workers, and
notification jobs on Redis run by a real ``channels.worker``; the schema migrated once, as a
release step, the processes only checking it.

A stack of its own (on free ports), a throwaway PostgreSQL database and a Redis queue name
of its own, all removed afterwards.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import redis
import requests

from channels.assistant.client import Replicas
from channels.storage.privacy import Privacy
from scripts.stack import MODEL, ROOT, Ports, Stack
from scripts.throwaway_postgres import throwaway_postgres
from tests.e2e.registration_flow import SIGN_UP, register_and_get_notified

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
        Ports.free(rasa_replicas=2),
        tmp_path_factory.mktemp("production"),
        HOTLINE_ENV="development",  # the outbox API, to read what was "sent"
        HOTLINE_DATABASE_URL=production_database,
        HOTLINE_TRACKER_STORE_URL=production_database,
        HOTLINE_LOCK_STORE_URL=REDIS_URL,
        HOTLINE_MIGRATE_AT_START="false",
        HOTLINE_JOB_QUEUE="redis",
        HOTLINE_REDIS_URL=REDIS_URL,
        HOTLINE_QUEUE_NAME=queue,
        HOTLINE_RASA_TIMEOUT="5",
        HOTLINE_BUSINESS_HOURS=closed_all_day_today(),
        HOTLINE_TIMEZONE=ZONE,
    )
    stack.gateway_workers = 2
    assert {"worker", "rasa", "rasa-2"} <= set(stack.default_processes())
    migrate = [sys.executable, "-m", "channels.storage.migrate"]
    subprocess.run(migrate, cwd=ROOT, env=stack.environment(), check=True)  # the release step
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


def test_a_sign_up_continues_on_the_other_replica_when_its_own_is_killed(production_stack: Stack):
    texter = production_stack.phone()
    for message, expected in SIGN_UP[:4]:
        assert expected in " ".join(texter.text(message)), message
    env = production_stack.environment()
    conversation = Privacy(env["HOTLINE_SECRET_KEY"]).conversation_key(texter.from_number)
    home = Replicas(list(production_stack.rasa_urls.values())).for_conversation(conversation)[0]
    (name,) = [name for name, url in production_stack.rasa_urls.items() if url == home]
    production_stack.stop(name)  # killed in the middle of the sign-up
    for message, expected in SIGN_UP[4:7]:  # the same form, on the other replica
        assert expected in " ".join(texter.text(message)), message
    # Left stopped: the next test restarts every process (a replica's start is a model load).


def test_a_restart_of_every_process_loses_nothing_in_progress(production_stack: Stack):
    """Both replicas, the action server, both gateway workers and the job worker restart while
    one person is half-way through a sign-up and another half-way through a callback request."""
    signing_up, calling_back = production_stack.phone(), production_stack.phone()
    for message, expected in SIGN_UP[:4]:
        assert expected in " ".join(signing_up.text(message)), message
    calling_back.text("hi")
    assert "call you back" in " ".join(calling_back.text("i need to speak with someone"))
    assert "safe to call" in " ".join(calling_back.text("yes"))
    assert "voicemail" in " ".join(calling_back.text("monday morning"))
    production_stack.stop()
    production_stack.start()  # every process, a replica the test before stopped too
    for message, expected in SIGN_UP[4:7]:  # the same form, the next questions
        assert expected in " ".join(signing_up.text(message)), message
    done = " ".join(calling_back.text("yes"))
    assert "will call you back (monday morning)" in done, done
