"""The production configuration end to end: the gateway on PostgreSQL and notification jobs on
Redis, run by a real ``channels.worker`` process beside the three servers.

A stack of its own (ports 5300/5305/5355), a throwaway PostgreSQL database and a Redis queue name
of its own, all removed afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis

from scripts.stack import MODEL, Ports, Stack
from tests.conftest import throwaway_postgres
from tests.e2e.registration_flow import register_and_get_notified

pytestmark = pytest.mark.e2e
REDIS_URL = "redis://127.0.0.1:6379/0"


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
        Ports.offset(300),
        tmp_path_factory.mktemp("production"),
        HOTLINE_ENV="development",  # the outbox API, to read what was "sent"
        HOTLINE_DATABASE_URL=production_database,
        HOTLINE_JOB_QUEUE="redis",
        HOTLINE_REDIS_URL=REDIS_URL,
        HOTLINE_QUEUE_NAME=queue,
        HOTLINE_RASA_TIMEOUT="5",
    )
    assert "worker" in stack.default_processes()
    with stack:
        yield stack
    connection = redis.Redis.from_url(REDIS_URL)
    keys = list(connection.scan_iter(match=f"*{queue}*"))
    if keys:
        connection.delete(*keys)


def test_sign_up_and_alert_on_postgresql_with_the_redis_queue(production_stack: Stack):
    register_and_get_notified(production_stack, production_stack.phone())
