"""Alembic environment: the gateway's models; the connection comes from ``Database.migrate``
(or, from the command line, from HOTLINE_DATABASE_URL)."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine

from channels.storage.database import Base
from channels.storage.models import all_models

all_models()  # every table module imported, so that autogenerate sees the whole schema
config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(_url(), future=True)
    with engine.begin() as own_connection:
        _run(own_connection)


def _run(connection: object) -> None:
    # Batch mode lets the same migration alter tables on SQLite, which has little ALTER TABLE.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or os.environ.get(
        "HOTLINE_DATABASE_URL", "sqlite:///var/hotline.db"
    )


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
