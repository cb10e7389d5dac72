"""Every module that defines tables, so that ``Base.metadata`` can know the whole schema.

Alembic's autogenerate (``make migration``) and the migration tests compare the models with the
migrations, so all of them must be loaded first. They sit above storage, which never imports
them: they are listed here by name and imported on demand (``tests/channels/storage`` checks
that the list names every module that defines a table).
"""

from __future__ import annotations

import importlib

TABLE_MODULES = (
    "channels.storage.messages",
    "channels.handoff.audit",
    "channels.handoff.users",
    "channels.handoff.sessions",
    "channels.handoff.models",
    "channels.alerts.notifications.models",
    "channels.alerts.registrations.models",
    "channels.outbound.outbox",
    "channels.call_flow.store",
    "channels.handoff.webhooks.deliveries",
    "channels.review.models",
)


def all_models() -> None:
    """Imports every module of ``TABLE_MODULES``."""
    for name in TABLE_MODULES:
        importlib.import_module(name)
