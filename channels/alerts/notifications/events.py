"""A custody event as the feed posts it (``POST /api/custody-events``), checked field by field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from channels.alerts.notifications.models import EventType
from formats.countries import country_code
from formats.digits import parse_a_number
from formats.names import normalise_full_name


class EventError(ValueError):
    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


@dataclass(frozen=True)
class IncomingEvent:
    event_id: str
    type: EventType
    a_number: str | None
    name: str | None
    birth_date: date | None
    country: str | None
    facility: dict[str, str]
    occurred_at: datetime


def parse_event(payload: dict[str, Any]) -> IncomingEvent:
    """Checks a ``POST /api/custody-events`` body; raises EventError naming every bad field."""
    errors: dict[str, str] = {}
    event_id = payload.get("event_id")
    if not (isinstance(event_id, str) and 0 < len(event_id.strip()) <= 100):
        errors["event_id"] = "required: a string of at most 100 characters"
    try:
        kind = EventType(payload.get("type"))
    except ValueError:
        errors["type"] = f"one of {', '.join(t.value for t in EventType)}"
    offender = payload.get("offender")
    if not isinstance(offender, dict):
        offender = {}
        errors["offender"] = "required: an object with a_number, or name, birth_date and country"
    a_number = name = country = None
    birth_date = None
    if offender.get("a_number"):
        a_number = parse_a_number(str(offender["a_number"]))
        if a_number is None:
            errors["offender.a_number"] = "the letter A and 8 or 9 digits"
    if offender.get("name"):
        name = normalise_full_name(str(offender["name"]))
        if name is None:
            errors["offender.name"] = "a full name"
    if offender.get("birth_date"):
        try:
            birth_date = date.fromisoformat(str(offender["birth_date"]))
        except ValueError:
            errors["offender.birth_date"] = "YYYY-MM-DD"
    if offender.get("country_of_birth"):
        country = str(offender["country_of_birth"]).upper()
        if country_code(country) != country:
            errors["offender.country_of_birth"] = "an ISO 3166 two-letter code"
    if isinstance(payload.get("offender"), dict) and not (
        a_number or (name and birth_date and country)
    ):
        errors.setdefault("offender", "an A-number, or name, birth_date and country_of_birth")
    occurred_at = _parse_moment(payload.get("occurred_at"), errors)
    facility = payload.get("facility") or {}
    if not isinstance(facility, dict) or not all(
        isinstance(v, str) and len(v) <= 200 for v in facility.values()
    ):
        errors["facility"] = "an object of short strings (name, city, state)"
        facility = {}
    if errors:
        raise EventError(errors)
    return IncomingEvent(
        event_id=str(event_id).strip(),
        type=kind,
        a_number=a_number,
        name=name,
        birth_date=birth_date,
        country=country,
        facility={k: facility[k] for k in ("name", "city", "state") if k in facility},
        occurred_at=occurred_at,  # type: ignore[arg-type]
    )


def _parse_moment(raw: Any, errors: dict[str, str]) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        errors["occurred_at"] = "an ISO 8601 date and time with its offset"
        return None
    if moment.tzinfo is None:
        errors["occurred_at"] = "needs a time zone offset, like 2026-11-29T14:05:00Z"
        return None
    return moment


@dataclass(frozen=True)
class EventReceipt:
    event_id: str
    created: bool
