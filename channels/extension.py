"""Typed access to the services the application holds.

Each service declares, next to its class, one ``Extension`` naming where the app keeps it::

    HANDOFFS: Extension[HandoffService] = Extension("handoffs")

``channels.services`` builds the services from the settings and installs them
(``HANDOFFS.set(app, service)``); routes reach them as ``HANDOFFS.get()`` (the current app's) and
tests as ``HANDOFFS.get(app)``, or put a stand-in in their place with ``set``. No code spells a
string key, and every caller gets the service's own type.
"""

from __future__ import annotations

from typing import Generic, TypeVar, cast

from flask import Flask, current_app

T = TypeVar("T")
PREFIX = "hotline."


class Extension(Generic[T]):
    """Where the app keeps one service (``app.extensions["hotline.<name>"]``), typed."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.key = PREFIX + name

    def set(self, app: Flask, service: T) -> T:
        app.extensions[self.key] = service
        return service

    def get(self, app: Flask | None = None) -> T:
        """The service of ``app``, else of the app handling the current request or job."""
        return cast(T, (app or current_app).extensions[self.key])

    def find(self, app: Flask | None = None) -> T | None:
        """Like ``get``, but None for a service the app may not have (the local outbox)."""
        return cast("T | None", (app or current_app).extensions.get(self.key))

    def __repr__(self) -> str:
        return f"Extension({self.name!r})"
