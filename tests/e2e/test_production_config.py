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
from sqlalchemy import create_engine, text

from scripts.stack import MODEL, Ports, Stack
from tests.e2e.registration_flow import register_and_get_notified

pytestmark = pytest.mark.e2e
POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    name = f"hotline_e2e_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def production_stack(tmp_path_factory, postgres_url: str) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` first")
    queue = f"hotline-e2e-{uuid.uuid4().hex[:8]}"
    stack = Stack.throwaway(
        Ports.offset(300),
        tmp_path_factory.mktemp("production"),
        HOTLINE_ENV="development",  # the outbox API, to read what was "sent"
        HOTLINE_DATABASE_URL=postgres_url,
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
