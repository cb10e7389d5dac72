"""``python -m channels.storage.rotate`` (``make rotate-keys``): put everything stored under the
current keys: re-encrypt every encrypted value under the first of ``HOTLINE_ENCRYPTION_KEYS``,
and re-compute every keyed hash under the first of ``HOTLINE_HASH_KEYS``.

To rotate either: put a new key first and keep the old one after it
(``2027-01:<new>,2026-12:<old>``), restart the gateway (new values are written under the new key;
old ones still read, and look-ups try every hashing key), run this command, then remove the old
key. Running it twice does no harm.

What is covered is found from the models themselves: every ``*_encrypted`` column, and every
column marked ``info={"keyed": True}``. A model whose keyed hashes can be re-computed from what
it keeps encrypted says how with a static ``rekey(row, privacy)`` (a conversation's phone, a
registration's contact and offender); the other keyed columns (a notification's contact, a
code's) take the new value of the same old one. A model keeping keyed hashes of conversation ids
names their purpose in ``REKEYED_BY_CONVERSATION`` (a review item's): they are re-computed from
the conversations' ids. Conversation ids never change: Rasa, handoffs and registrations keep
pointing at them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cryptography.fernet import InvalidToken
from sqlalchemy import Column, Table, select, update
from sqlalchemy.engine import Row

from channels.config.settings import settings_for_command
from channels.storage.database import Base, Database
from channels.storage.messages import Conversation
from channels.storage.models import all_models
from channels.storage.privacy import Privacy

BATCH = 500
ENCRYPTED_SUFFIX = "_encrypted"
KEYED = "keyed"

Report = Callable[[str], None]


def encrypted_columns() -> Iterator[tuple[Table, list[Column]]]:
    """Each table that stores encrypted values, with those columns (by their name's suffix)."""
    return _tables_with(lambda column: column.name.endswith(ENCRYPTED_SUFFIX))


def keyed_columns() -> Iterator[tuple[Table, list[Column]]]:
    """Each table that stores keyed hashes, with those columns (``info={"keyed": True}``)."""
    return _tables_with(lambda column: bool(column.info.get(KEYED)))


def rotate(database: Database, privacy: Privacy, report: Report = print) -> dict[str, int]:
    """Re-encrypts every value; how many per table. Raises InvalidToken on a value none of the
    configured keys reads: nothing after it is changed."""

    def reencrypt(row: Row, columns: list[Column]) -> dict[str, Any]:
        return {
            column.name: privacy.reencrypt(bytes(row._mapping[column]))
            for column in columns
            if row._mapping[column] is not None
        }

    done = {}
    for table, columns in encrypted_columns():
        done[table.name] = _change_each_row(database, table, columns, reencrypt, report)
        report(f"{table.name}: {done[table.name]} values re-encrypted")
    return done


@dataclass
class Rehashed:
    """What a re-hash changed per table, and how many stored hashes nothing could re-compute
    (an ended registration's old notifications): they stay as they are, matched by nothing."""

    changed: dict[str, int] = field(default_factory=dict)
    left: int = 0


def rehash(database: Database, privacy: Privacy, report: Report = print) -> Rehashed:
    """Every keyed hash under the current hashing key. First the models that can re-compute
    theirs give old -> new; then every keyed column of every table takes the new values."""
    renamed, current = _recomputed(database, privacy)
    result = Rehashed()

    def rename(row: Row, columns: list[Column]) -> dict[str, Any]:
        values = {}
        for column in columns:
            value = row._mapping[column]
            if value in renamed:
                values[column.name] = renamed[value]
            elif value and value not in current:
                result.left += 1
        return values

    for table, columns in keyed_columns():
        result.changed[table.name] = _change_each_row(database, table, columns, rename, report)
        report(f"{table.name}: {result.changed[table.name]} keyed hashes re-computed")
    return result


def _recomputed(database: Database, privacy: Privacy) -> tuple[dict[str, str], set[str]]:
    """Old hash -> new hash, from every model with a ``rekey`` and from the conversations' ids
    for every ``REKEYED_BY_CONVERSATION`` purpose; and every new hash."""
    renamed: dict[str, str] = {}
    current: set[str] = set()
    all_models()
    purposes = {
        purpose
        for mapper in Base.registry.mappers
        if (purpose := getattr(mapper.class_, "REKEYED_BY_CONVERSATION", None))
    }
    if purposes:
        with database.session() as session:
            for conversation_id in session.execute(select(Conversation.id)).scalars():
                for purpose in sorted(purposes):
                    new, *olds = privacy.keyed_all(purpose, conversation_id)
                    current.add(new)
                    renamed.update(dict.fromkeys(olds, new))
    for mapper in Base.registry.mappers:
        rekey = getattr(mapper.class_, "rekey", None)
        if rekey is None:
            continue

        def collect(row: Row, _: list[Column], rekey: Any = rekey) -> dict[str, Any]:
            for name, new in rekey(row, privacy).items():
                current.add(new)
                if getattr(row, name) != new:
                    renamed[getattr(row, name)] = new
            return {}  # read only: the second pass writes

        table = mapper.local_table
        _change_each_row(database, table, list(table.columns), collect, report=lambda _: None)
    return renamed, current


def _tables_with(wanted: Callable[[Column], bool]) -> Iterator[tuple[Table, list[Column]]]:
    all_models()
    for table in Base.metadata.sorted_tables:
        columns = [column for column in table.columns if wanted(column)]
        if columns:
            yield table, columns


def _change_each_row(
    database: Database,
    table: Table,
    columns: list[Column],
    change: Callable[[Row, list[Column]], dict[str, Any]],
    report: Report,
) -> int:
    """Applies ``change`` (new values by column name) to every row, in batches of ``BATCH``
    (one transaction each), in primary-key order; returns how many values changed."""
    (key,) = table.primary_key.columns
    count, last = 0, None
    while True:
        query = select(table).order_by(key).limit(BATCH)
        if last is not None:
            query = query.where(key > last)
        with database.session() as session:
            rows = session.execute(query).all()
            for row in rows:
                values = change(row, columns)
                if values:
                    session.execute(update(table).where(key == row._mapping[key]).values(**values))
                count += len(values)
        if not rows:
            return count
        last = rows[-1]._mapping[key]
        report(f"  {table.name}: {count} values so far")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m channels.storage.rotate", description=__doc__)
    parser.parse_args(argv)
    settings = settings_for_command("rotate")
    if settings is None:
        return 2
    privacy = Privacy.from_settings(settings)
    database = Database(settings.database_url)
    database.migrate()
    print(f"re-encrypting under encryption key {privacy.encryption_key_ids[0]!r}")
    try:
        done = rotate(database, privacy)
    except InvalidToken:
        print("rotate: a value no configured key can read; is an old key missing?", file=sys.stderr)
        return 1
    print(f"re-hashing under hashing key {privacy.hash_key_ids[0]!r}")
    rehashed = rehash(database, privacy)
    print(f"done: {sum(done.values())} values re-encrypted, ", end="")
    print(f"{sum(rehashed.changed.values())} keyed hashes re-computed")
    if rehashed.left:
        print(
            f"{rehashed.left} keyed hashes have nothing left to re-compute them from (ended "
            "registrations' notifications, events matched by no registration): they stay as they "
            "are and match nothing once the old key is gone"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
