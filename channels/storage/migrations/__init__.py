"""Schema migrations (Alembic). The gateway and the worker run ``upgrade`` at start, unless
``HOTLINE_MIGRATE_AT_START=false`` (production: a release step, ``make migrate``, runs it once
and the processes only check that the schema is current)."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

HERE = Path(__file__).resolve().parent
FIRST_REVISION = "0001"
# Any constant: PostgreSQL lets one process at a time migrate (gunicorn workers start together).
ADVISORY_LOCK = 7_226_110


def config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    return cfg


def head() -> str:
    """The newest revision this code knows."""
    return str(ScriptDirectory.from_config(config()).get_current_head())


def current(engine: Engine) -> str | None:
    """The revision the database is at (None: never migrated)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    with _file_lock(engine):
        _upgrade(engine, revision)


@contextmanager
def _file_lock(engine: Engine) -> Iterator[None]:
    """SQLite has no advisory locks: processes sharing the file take turns on a lock file."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _upgrade(engine: Engine, revision: str) -> None:
    cfg = config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})
        cfg.attributes["connection"] = connection
        tables = set(inspect(connection).get_table_names())
        if "conversations" in tables and "alembic_version" not in tables:
            command.stamp(cfg, FIRST_REVISION)
        command.upgrade(cfg, revision)
