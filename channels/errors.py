"""Errors every layer of the gateway may raise (the layers' own errors live with them)."""

from __future__ import annotations


class ConfigurationError(RuntimeError):
    """A required setting is missing or malformed; the message says which and how to fix it."""
