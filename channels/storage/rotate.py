"""``python -m channels.storage.rotate`` (``make rotate-keys``): re-encrypt every stored value
under the current encryption key.

To rotate: put a new key first in ``HOTLINE_ENCRYPTION_KEYS`` and keep the old one after it
(``2027-01:<new>,2026-12:<old>``), restart the gateway (new values are written under the new key,
old ones still read), run this command, then remove the old key. Every ``*_encrypted`` column of
every table is covered, the tables found from the models themselves, in batches, with progress;
running it twice does no harm.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator

from cryptography.fernet import InvalidToken
from sqlalchemy import Column, Table, select, update

from channels.config.settings import Settings
from channels.errors import ConfigurationError
from channels.storage.database import Base, Database
from channels.storage.models import all_models
from channels.storage.privacy import Privacy

BATCH = 500
ENCRYPTED_SUFFIX = "_encrypted"


def encrypted_columns() -> Iterator[tuple[Table, list[Column]]]:
    """Each table that stores encrypted values, with those columns (by their name's suffix)."""
    all_models()
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if c.name.endswith(ENCRYPTED_SUFFIX)]
        if columns:
            yield table, columns


def rotate(
    database: Database, privacy: Privacy, report: Callable[[str], None] = print
) -> dict[str, int]:
    """Re-encrypts every value; how many per table. Raises InvalidToken (naming the table) on a
    value none of the configured keys reads: nothing after it is changed."""
    done: dict[str, int] = {}
    for table, columns in encrypted_columns():
        (key,) = table.primary_key.columns
        count, last = 0, None
        while True:
            query = select(key, *columns).order_by(key).limit(BATCH)
            if last is not None:
                query = query.where(key > last)
            with database.session() as session:
                rows = session.execute(query).all()
                for row in rows:
                    values = {
                        column.name: privacy.reencrypt(bytes(value))
                        for column, value in zip(columns, row[1:], strict=True)
                        if value is not None
                    }
                    if values:
                        session.execute(update(table).where(key == row[0]).values(**values))
                    count += len(values)
            if not rows:
                break
            last = rows[-1][0]
            report(f"  {table.name}: {count} values so far")
        done[table.name] = count
        report(f"{table.name}: {count} values re-encrypted")
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m channels.storage.rotate", description=__doc__)
    parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except ConfigurationError as error:
        print(f"rotate: {error}", file=sys.stderr)
        return 2
    privacy = Privacy.from_settings(settings)
    print(f"re-encrypting under key {privacy.encryption_key_ids[0]!r}")
    database = Database(settings.database_url)
    database.migrate()
    try:
        done = rotate(database, privacy)
    except InvalidToken:
        print("rotate: a value no configured key can read; is an old key missing?", file=sys.stderr)
        return 1
    print(f"done: {sum(done.values())} values in {len(done)} tables")
    return 0


if __name__ == "__main__":
    sys.exit(main())
