"""``python -m channels.console_users``: create console users, change a password, deactivate.

::

    python -m channels.console_users create ana --role supervisor      # asks twice
    printf '%s\\n' "$PASSWORD" | python -m channels.console_users create bob --password-stdin
    python -m channels.console_users set-password ana
    python -m channels.console_users deactivate bob

The database is ``--database-url``, else ``HOTLINE_DATABASE_URL``, else the local default; it is
migrated first, like the gateway does at start. Exit codes: 0 done, 1 refused (short password,
passwords not the same, the user exists or does not), 2 bad usage.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from typing import IO

from sqlalchemy.exc import SQLAlchemyError

from channels.config.settings import Settings
from channels.handoff.users import Role, SpecialistService, UserError, check_name, check_password
from channels.storage.database import Database


def main(argv: Sequence[str] | None = None, *, stdin: IO[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    database = Database(args.database_url)
    try:
        database.migrate()
        _run(args, SpecialistService(database), stdin or sys.stdin)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, EOFError):
        print("\ncancelled: nothing changed", file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        # Not the error's text: it can quote the database URL, password included.
        print(
            f"error: the database could not be used ({type(error).__name__}): is it running, "
            "and is --database-url (or HOTLINE_DATABASE_URL) right?",
            file=sys.stderr,
        )
        return 1
    finally:
        database.dispose()
    return 0


def _run(args: argparse.Namespace, users: SpecialistService, stdin: IO[str]) -> None:
    """The command; the name is checked before the password is asked for."""
    name = check_name(args.name)
    exists = users.exists(name)
    if args.command == "create" and exists:
        raise UserError(f"there is already a user named {name}")
    if args.command != "create" and not exists:
        raise UserError(f"there is no user named {name}")
    if args.command == "deactivate":
        users.deactivate(name)
        print(f"deactivated {name}")
        return
    password = _read_password(args.password_stdin, stdin)
    if args.command == "create":
        user = users.create(name, password, args.role)
        print(f"created {user.role} {user.username}")
    else:
        users.set_password(name, password)
        print(f"changed the password of {name}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m channels.console_users", description="Manage specialist console users."
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("HOTLINE_DATABASE_URL") or Settings.database_url,
        help=f"default: HOTLINE_DATABASE_URL, else {Settings.database_url}",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="create a user (asks for the password twice)")
    create.add_argument("name")
    create.add_argument("--role", choices=[role.value for role in Role], default="specialist")
    create.add_argument("--password-stdin", action="store_true", help="read it from stdin")
    change = commands.add_parser("set-password", help="give a user a new password")
    change.add_argument("name")
    change.add_argument("--password-stdin", action="store_true", help="read it from stdin")
    deactivate = commands.add_parser("deactivate", help="stop a user from logging in")
    deactivate.add_argument("name")
    return parser


def _read_password(from_stdin: bool, stdin: IO[str]) -> str:
    """One line from stdin, or typed twice at a prompt that does not echo it."""
    if from_stdin:
        line = stdin.readline()
        if not line:
            raise UserError("no password on stdin")
        password = line.rstrip("\r\n")
        check_password(password)
        return password
    password = getpass.getpass("Password: ")
    check_password(password)
    if getpass.getpass("Password again: ") != password:
        raise UserError("the two passwords are not the same")
    return password


if __name__ == "__main__":
    sys.exit(main())
