"""``python -m channels.storage.backup`` (``make backup`` / ``make restore FILE=...``): a copy of
the gateway's database, and putting one back.

* SQLite: a consistent copy taken with SQLite's online backup (safe while the gateway runs),
  ``var/backups/hotline-<UTC time>.db``.
* PostgreSQL: ``pg_dump`` in its custom format, ``var/backups/hotline-<UTC time>.dump``;
  restored with ``pg_restore --clean --if-exists`` (the client tools must be installed).

What is personal in the copy is encrypted (messages, phone numbers, offenders, contacts): the
copy is only readable with the encryption keys it was written under. Keep the keys apart from
the backups, and keep every key that wrote data still in a backup (README: "Backups").
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from channels.config.settings import Settings
from channels.errors import ConfigurationError

DEFAULT_DIRECTORY = Path("var/backups")


class BackupError(Exception):
    """Something a person must fix: said plainly, no stack trace."""


def create(database_url: str, directory: Path = DEFAULT_DIRECTORY) -> Path:
    """A backup of the database at ``database_url`` in ``directory``; its path."""
    url = make_url(database_url)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    if url.get_backend_name() == "sqlite":
        target = directory / f"hotline-{stamp}.db"
        with sqlite3.connect(_sqlite_path(url)) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        return target
    if url.get_backend_name() == "postgresql":
        target = directory / f"hotline-{stamp}.dump"
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq(url)])
        return target
    raise BackupError(f"no backup for {url.get_backend_name()} databases")


def restore(database_url: str, backup: Path) -> None:
    """Puts ``backup`` back as the database at ``database_url`` (replacing what is there; a
    SQLite file that is replaced is kept beside it as ``.before-restore``)."""
    if not backup.is_file():
        raise BackupError(f"no backup file at {backup}")
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        try:
            with sqlite3.connect(backup) as check:
                sound = check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        except sqlite3.DatabaseError:
            sound = False
        if not sound:
            raise BackupError(f"{backup} is not a sound SQLite database")
        target = Path(_sqlite_path(url))
        if target.exists():
            shutil.copy2(target, target.with_name(target.name + ".before-restore"))
        with sqlite3.connect(backup) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        return
    if url.get_backend_name() == "postgresql":
        command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error"]
        _run([*command, f"--dbname={_libpq(url)}", str(backup)])
        return
    raise BackupError(f"no restore for {url.get_backend_name()} databases")


def _sqlite_path(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return url.database


def _libpq(url: URL) -> str:
    """The URL as libpq reads it (no SQLAlchemy driver suffix)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    try:
        # The command is ours (pg_dump or pg_restore) with arguments we built: no shell.
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL's client tools)") from error
    if result.returncode != 0:
        # Its own message names what failed; the URL (with its password) is not repeated.
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m channels.storage.backup", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("create", help="write a backup")
    made.add_argument("--directory", type=Path, default=DEFAULT_DIRECTORY)
    back = commands.add_parser("restore", help="put a backup back (replaces the database)")
    back.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        if args.command == "create":
            print(f"backup written: {create(settings.database_url, args.directory)}")
        else:
            restore(settings.database_url, args.file)
            print(f"restored {args.file}; start the gateway (it migrates the schema if older)")
    except (ConfigurationError, BackupError) as error:
        print(f"backup: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
