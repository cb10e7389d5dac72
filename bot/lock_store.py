"""The lock store ``bot/endpoints.yml`` names: Redis when ``HOTLINE_LOCK_STORE_URL`` is set
(production: several Rasa replicas on one tracker store), else Rasa's in-memory one (the embedded
default: one process).

Rasa holds a conversation's lock while it handles one message, so two messages of the same
conversation are handled one after the other. Across replicas the open-source Redis lock store
is not a guarantee (RasaHQ/rasa#9213): the gateway sends each conversation to one replica
(``channels.assistant.client.Replicas``), and the shared lock covers the moment a conversation
moves to another replica.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from redis.connection import parse_url

URL_SETTING = "HOTLINE_LOCK_STORE_URL"


class HotlineLockStore:
    """Not a lock store itself: building one gives Redis's or the in-memory one."""

    def __new__(cls, environ: Mapping[str, str] | None = None, **_: Any) -> LockStore:
        env = os.environ if environ is None else environ
        url = env.get(URL_SETTING, "").strip()
        if not url:
            return InMemoryLockStore()
        options = parse_url(url)  # redis://[:password@]host[:port][/db], rediss:// for TLS
        return RedisLockStore(
            host=options.get("host", "localhost"),
            port=int(options.get("port", 6379)),
            db=int(options.get("db", 1)),
            username=options.get("username"),
            password=options.get("password"),
            use_ssl=url.startswith("rediss://"),
            key_prefix="hotline",
        )
