"""What the console, the API and the webhooks are given of a handoff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from channels.storage.database import as_utc


@dataclass(frozen=True)
class HandoffView:
    id: str
    conversation_id: str
    channel: str
    language: str
    reason: str
    priority: str
    status: str
    assignee: str | None
    summary: dict[str, Any]
    created_at: datetime
    claimed_at: datetime | None
    closed_at: datetime | None

    def waiting_seconds(self, now: datetime | None = None) -> float:
        """How long it has been open (0 once closed)."""
        if self.closed_at is not None:
            return 0.0
        return max(
            0.0, ((now or datetime.now(timezone.utc)) - as_utc(self.created_at)).total_seconds()
        )

    def to_json(self, *, personal: bool = False) -> dict[str, Any]:
        """``personal=False`` (webhooks, anything leaving the office) has nothing of the victim:
        no summary, and not the conversation id either, a stable pseudonym of their phone
        number. ``personal=True`` is for authenticated specialists."""
        data: dict[str, Any] = {
            "id": self.id,
            "channel": self.channel,
            "language": self.language,
            "reason": self.reason,
            "priority": self.priority,
            "status": self.status,
            "assignee": self.assignee,
            "created_at": iso(self.created_at),
            "claimed_at": iso(self.claimed_at),
            "closed_at": iso(self.closed_at),
        }
        if personal:
            data["conversation_id"] = self.conversation_id
            data["summary"] = self.summary
        return data


def iso(moment: datetime | None) -> str | None:
    return as_utc(moment).isoformat() if moment else None
