"""Schema migrations (channels/storage/migrations): the schema they build is exactly the models', on
SQLite and on PostgreSQL; a database from before migrations is adopted; they go down and up
again; running them again, or from several processes at once, is harmless.

PostgreSQL runs on the machine's server (127.0.0.1:5432) in a database of its own per test
(the ``postgres_url`` fixture of tests/channels/conftest.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine

from channels.storage import migrations
from channels.storage.database import Base, Database
from channels.storage.messages import Conversation
from channels.storage.models import all_models
from tests.channels.conftest import BACKENDS, backend_url

REPO = Path(__file__).resolve().parents[3]
ALEMBIC = Path(sys.executable).parent / "alembic"
TABLES = {
    "conversations",
    "voice_calls",
    "messages",
    "message_counts",
    "outbox",
    "registrations",
    "verification_codes",
    "custody_events",
    "notifications",
    "delivery_attempts",
    "handoffs",
    "handoff_events",
    "audit_log",
    "webhook_deliveries",
    "specialists",
    "console_login_failures",
    "console_sessions",
    "review_items",
}

all_models()


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path) -> str:
    return backend_url(request, request.param, tmp_path, "migrations")


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    engine = create_engine(url, future=True)
    yield engine
    engine.dispose()


def head() -> str:
    revision = ScriptDirectory.from_config(migrations.config()).get_current_head()
    assert revision is not None
    return revision


def current(engine: Engine) -> str | None:
    with engine.connect() as connection:
        revision: str | None = MigrationContext.configure(connection).get_current_revision()
        return revision


def differences(engine: Engine) -> list[Any]:
    """What autogenerate would put in a new migration: nothing, if models and schema agree."""
    with engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


def assert_at_head(engine: Engine) -> None:
    """Migrated to the last revision, and the schema is exactly the models'."""
    assert current(engine) == head()
    assert differences(engine) == []


def tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def alembic_cli(url: str, *args: str) -> None:
    """``alembic <args>`` as a maintainer runs it: alembic.ini at the root, HOTLINE_DATABASE_URL."""
    result = subprocess.run(
        [str(ALEMBIC), *args],
        cwd=REPO,
        env={**os.environ, "HOTLINE_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_alembic_upgrade_head_builds_exactly_the_models(url: str, engine: Engine):
    alembic_cli(url, "upgrade", "head")
    assert tables(engine) == TABLES | {"alembic_version"}
    assert_at_head(engine)


def test_a_database_from_before_migrations_is_adopted(engine: Engine, url: str):
    # The two tables as they were before the migrations (revision 0001 made them so), unstamped.
    config = migrations.config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(text("DROP TABLE alembic_version"))
    assert {"conversations", "messages"} <= tables(engine)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO conversations (id, channel, address_encrypted, opted_out, "
                "created_at, updated_at) VALUES ('c1', 'sms', :address, false, "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"address": b"encrypted"},
        )
    assert current(engine) is None
    database = Database(url)
    try:
        database.migrate()
    finally:
        database.dispose()
    assert_at_head(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT id FROM conversations")).scalars().all() == ["c1"]


def test_downgrade_to_base_and_up_again(engine: Engine):
    migrations.upgrade(engine)
    config = migrations.config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert tables(engine) <= {"alembic_version"}
    assert current(engine) is None
    migrations.upgrade(engine)
    assert_at_head(engine)


def test_migrating_twice_is_harmless(url: str, engine: Engine):
    database = Database(url)
    try:
        database.migrate()
        with database.session() as session:
            session.add(Conversation(id="c1", channel="sms", address_encrypted=b"x"))
        database.migrate()
    finally:
        database.dispose()
    assert_at_head(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM conversations")).scalar_one() == 1


# Imports first, says "ready", migrates when told "go": the processes start migrating together.
# Every statement is slowed down so that their steps interleave as they would on a busy machine,
# not by the luck of the scheduler.
MIGRATE_ON_GO = """
import sys, time
from sqlalchemy import event
from sqlalchemy.engine import Engine
from channels.storage.database import Database
event.listen(Engine, "before_cursor_execute", lambda *args: time.sleep(0.02))
database = Database(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
database.migrate()
"""


def last_error(process: subprocess.Popen[str]) -> str:
    _, stderr = process.communicate(timeout=60)
    errors = [line for line in stderr.splitlines() if "Error" in line]
    return errors[-1] if errors else stderr[-300:]


def test_processes_starting_together_migrate_once(url: str, engine: Engine):
    """gunicorn workers, or the gateway and an RQ worker, start at the same moment.

    Processes, not threads: Alembic's ``context`` is module-global, so threads would test that.
    """
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", MIGRATE_ON_GO, url],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    try:
        for process in processes:
            assert process.stdout is not None and process.stdout.readline() == "ready\n"
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        failures = [last_error(process) for process in processes if process.wait(timeout=60)]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    assert failures == []
    assert_at_head(engine)


def test_a_process_that_does_not_migrate_refuses_an_old_schema(tmp_path, monkeypatch, capsys):
    """Production: ``make migrate`` is the release step; each process only checks the schema."""
    from channels.errors import ConfigurationError
    from channels.storage import migrate
    from channels.storage.migrations import current, head

    url = f"sqlite:///{tmp_path}/release.db"
    database = Database(url)
    with pytest.raises(ConfigurationError, match="make migrate"):
        database.require_current_schema()
    monkeypatch.setenv("HOTLINE_ENV", "development")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "t")
    monkeypatch.setenv("HOTLINE_SECRET_KEY", "s")
    monkeypatch.setenv("HOTLINE_DATABASE_URL", url)
    assert migrate.main([]) == 0
    assert current(database.engine) == head()
    database.require_current_schema()  # now it serves
    assert migrate.main([]) == 0
    assert "already at" in capsys.readouterr().out
    database.dispose()


def test_the_gateway_does_not_migrate_when_told_not_to(settings, tmp_path):
    from channels.app import create_app
    from channels.errors import ConfigurationError

    fresh = settings.with_overrides(
        database_url=f"sqlite:///{tmp_path}/fresh.db", migrate_at_start=False
    )
    with pytest.raises(ConfigurationError, match="make migrate"):
        create_app(fresh)
