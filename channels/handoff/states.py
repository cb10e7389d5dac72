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
    """Highest first: the queue's order (``service.queue``)."""

    URGENT = "urgent"  # an emergency
    HIGH = "high"  # threatened or afraid, not in danger right now
    NORMAL = "normal"

    def below(self) -> tuple[Priority, ...]:
        """The priorities a request of this one raises an open handoff from."""
        order = list(Priority)
        return tuple(order[order.index(self) + 1 :])


class Reason(str, enum.Enum):
    REQUEST_HUMAN = "request_human"
    EMERGENCY = "emergency"
    FALLBACK = "fallback"
    FRUSTRATION = "frustration"
    VICTIMIZATION = "victimization"
    THREAT = "threat"
    CALLBACK = "callback"


# The priority of a request that names none: an emergency is urgent, a threat high, the rest normal.
DEFAULT_PRIORITY = {Reason.EMERGENCY: Priority.URGENT, Reason.THREAT: Priority.HIGH}


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
