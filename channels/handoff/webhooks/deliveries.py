"""Every delivery, one event for one URL: a ``webhook_deliveries`` row with its attempts,
status, last response code and error, and the exact JSON sent; and how the API lists them."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Column, DateTime, Integer, String, Text

from channels.storage.database import Base, as_utc, utcnow

MAX_URL_LENGTH = 500


class DeliveryStatus(str, enum.Enum):
    PENDING = "pending"  # due at next_attempt_at (or claimed until then: the lease)
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # 410 Gone, or max_attempts used up


class WebhookDelivery(Base):
    """One event for one URL, with the outcome of its last attempt."""

    __tablename__ = "webhook_deliveries"

    id = Column(Integer, primary_key=True, autoincrement=True)
    event_id = Column(String(32), nullable=False, index=True)
    event = Column(String(32), nullable=False)
    url = Column(String(MAX_URL_LENGTH), nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    status = Column(String(16), nullable=False, default=DeliveryStatus.PENDING.value)
    response_code = Column(Integer, nullable=True)
    error = Column(Text, nullable=True)  # "HTTP 500" or an exception's type; never a text
    body = Column(Text, nullable=False)  # the exact JSON sent; no personal data by contract
    next_attempt_at = Column(DateTime(timezone=True), nullable=True, index=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    delivered_at = Column(DateTime(timezone=True), nullable=True)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")


def _iso(moment: datetime | None) -> str | None:
    return as_utc(moment).isoformat() if moment is not None else None


def describe(row: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": row.id,
        "event_id": row.event_id,
        "event": row.event,
        "url": _origin(row.url),
        "status": row.status,
        "attempts": row.attempts,
        "response_code": row.response_code,
        "error": row.error,
        "next_attempt_at": _iso(row.next_attempt_at),
        "created_at": _iso(row.created_at),
        "delivered_at": _iso(row.delivered_at),
        "updated_at": _iso(row.updated_at),
    }
