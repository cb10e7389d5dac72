"""``python -m channels.storage.migrate`` (``make migrate``): bring the database's schema to this
code's newest migration, once, as a release step (the deployment's migration Job). With
``HOTLINE_MIGRATE_AT_START=false`` the gateway and worker processes then only check it.
Running it again does nothing."""

from __future__ import annotations

import argparse
import sys

from channels.config.settings import settings_for_command
from channels.storage.database import Database
from channels.storage.migrations import current, head


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m channels.storage.migrate", description=__doc__)
    parser.parse_args(argv)
    settings = settings_for_command("migrate")
    if settings is None:
        return 2
    database = Database(settings.database_url)
    before, newest = current(database.engine), head()
    if before == newest:
        print(f"the schema is already at {newest}")
        return 0
    print(f"migrating the schema from {before or 'nothing'} to {newest}")
    database.migrate()
    print(f"the schema is at {current(database.engine)}")
    database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
