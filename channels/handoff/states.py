"""A handoff's states, reasons, priorities and history events, and the changes ``on_change``
hears (the state machine itself: ``service``)."""

from __future__ import annotations

import enum

NAME_LENGTH = 64  # a specialist's user name


class HandoffStatus(str, enum.Enum):
    WAITING = "waiting"
    CLAIMED = "claimed"
    CLOSED = "closed"


class Priority(str, enum.Enum):
    URGENT = "urgent"
    NORMAL = "normal"


class Reason(str, enum.Enum):
    REQUEST_HUMAN = "request_human"
    EMERGENCY = "emergency"
    FALLBACK = "fallback"
    FRUSTRATION = "frustration"
    VICTIMIZATION = "victimization"
    CALLBACK = "callback"


class EventKind(str, enum.Enum):
    CREATED = "created"
    CLAIMED = "claimed"
    RELEASED = "released"
    REASSIGNED = "reassigned"
    CLOSED = "closed"
    NOTE = "note"
    REPLY = "reply"
    MESSAGE = "message"
    PRIORITY = "priority"
    CALLBACK = "callback"
    CALL = "call"  # a phone transfer: answered, or not (the outcome in the detail)


# What ``on_change`` is called with.
CREATED = "handoff.created"
CLAIMED = "handoff.claimed"
CLOSED = "handoff.closed"
UPDATED = "handoff.updated"

OPEN = (HandoffStatus.WAITING, HandoffStatus.CLAIMED)
