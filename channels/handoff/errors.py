"""What the handoff operations refuse with."""

from __future__ import annotations


class HandoffNotFound(LookupError):
    """No such handoff (or, from ``request``, no such conversation)."""


class HandoffConflict(Exception):
    """A transition the handoff's state does not allow; the message says why."""
