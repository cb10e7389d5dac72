"""The system JSON API under ``/api/`` (documented in ``docs/openapi.yml``).

Two bearer tokens, two callers: the action server (``HOTLINE_API_TOKEN``: registrations, custody
look-ups and, in development, the outbox) and the custody data feed (``HOTLINE_EVENTS_TOKEN``:
custody events). A caller holding one cannot use the other's endpoints. Personal data is never
logged, and names and A-numbers stay out of URLs (a custody look-up is a POST with a JSON body).
"""

from __future__ import annotations

from typing import Any, cast

from flask import Blueprint, abort, jsonify, request
from flask.typing import ResponseReturnValue

from channels.alerts.custody.lookup import lookup, record_to_json
from channels.alerts.custody.records import CUSTODY, CustodyUnavailable
from channels.alerts.notifications.events import EventError, parse_event
from channels.alerts.notifications.service import NOTIFICATIONS, NotificationService
from channels.alerts.registrations.codes import CodeIssued
from channels.alerts.registrations.errors import NotFound, RateLimited, RegistrationError
from channels.alerts.registrations.parsing import (
    Contact,
    check_contact_country,
    parse_contact,
    parse_new_registration,
)
from channels.alerts.registrations.service import REGISTRATIONS, RegistrationService
from channels.config.settings import current_settings
from channels.outbound.message import Channel
from channels.outbound.outbox import OUTBOX, OutboxSender
from channels.routes.auth import bearer
from channels.routes.parsing import json_object
from formats.countries import country_code
from formats.digits import parse_a_number

bp = Blueprint("api", __name__, url_prefix="/api")


def _registrations() -> RegistrationService:
    return REGISTRATIONS.get()


def _notifications() -> NotificationService:
    return NOTIFICATIONS.get()


def _error(status: int, error: str, detail: str, **extra: Any) -> ResponseReturnValue:
    return jsonify(error=error, detail=detail, **extra), status


def _registrant(body: dict[str, Any] | None = None) -> str:
    source = body if body is not None else request.args
    registrant = source.get("registrant")
    if not isinstance(registrant, str) or not registrant.strip():
        abort(400, description="registrant is required")
    return registrant.strip()


def _issued(issued: CodeIssued, **extra: Any) -> dict[str, Any]:
    return {
        "id": issued.registration_id,
        "contact_hint": issued.contact_hint,
        "code_expires_at": issued.expires_at.isoformat(),
        **extra,
    }


@bp.errorhandler(RegistrationError)
def _invalid(error: RegistrationError) -> ResponseReturnValue:
    return _error(422, "invalid", "some fields are not valid", fields=error.fields)


@bp.errorhandler(EventError)
def _invalid_event(error: EventError) -> ResponseReturnValue:
    return _error(422, "invalid", "some fields are not valid", fields=error.fields)


@bp.errorhandler(NotFound)
def _not_found(_: NotFound) -> ResponseReturnValue:
    return _error(404, "not_found", "no such registration for this registrant")


@bp.errorhandler(RateLimited)
def _rate_limited(error: RateLimited) -> ResponseReturnValue:
    response = jsonify(
        error="rate_limited",
        detail="too many codes for this contact; try again later",
        retry_after=error.retry_after,
    )
    response.headers["Retry-After"] = str(error.retry_after)
    return response, 429


# -- registrations (the action server) --------------------------------------------------------


@bp.post("/registrations")
@bearer("api_token")
def create_registration() -> ResponseReturnValue:
    new = parse_new_registration(json_object())
    check_contact_country(new.contact, current_settings().contact_countries)
    issued = _registrations().create(new)
    return jsonify(_issued(issued, status="pending_verification")), 201


@bp.get("/registrations")
@bearer("api_token")
def list_registrations() -> ResponseReturnValue:
    return jsonify(registrations=_registrations().list_for(_registrant()))


@bp.post("/registrations/<registration_id>/verify")
@bearer("api_token")
def verify(registration_id: str) -> ResponseReturnValue:
    body = json_object()
    code = body.get("code")
    if not isinstance(code, str) or not code.strip():
        raise RegistrationError({"code": "the code that was sent, like 123456"})
    return jsonify(_registrations().verify(registration_id, _registrant(body), code))


@bp.post("/registrations/<registration_id>/resend")
@bearer("api_token")
def resend(registration_id: str) -> ResponseReturnValue:
    body = json_object()
    issued = _registrations().resend(registration_id, _registrant(body))
    return jsonify(_issued(issued, result="sent"))


@bp.post("/registrations/<registration_id>/withdraw")
@bearer("api_token")
def withdraw(registration_id: str) -> ResponseReturnValue:
    body = json_object()
    return jsonify(_registrations().withdraw(registration_id, _registrant(body)))


@bp.post("/registrations/<registration_id>/contact")
@bearer("api_token")
def change_contact(registration_id: str) -> ResponseReturnValue:
    body = json_object()
    registrant = _registrant(body)
    contact = body.get("contact")
    parsed = _contact(contact if isinstance(contact, dict) else {})
    issued = _registrations().change_contact(registration_id, registrant, parsed)
    summary = next(
        (r for r in _registrations().list_for(registrant) if r["id"] == registration_id), {}
    )
    return jsonify(
        status=summary.get("status"),
        pending_contact_hint=issued.contact_hint,
        code_expires_at=issued.expires_at.isoformat(),
    )


def _contact(contact: dict[str, Any]) -> Contact:

    errors: dict[str, str] = {}
    parsed = parse_contact(contact, errors)
    if parsed is None:
        raise RegistrationError(errors)
    check_contact_country(parsed, current_settings().contact_countries)
    return parsed


# -- custody look-up (the action server) ------------------------------------------------------


@bp.post("/custody/search")
@bearer("api_token")
def custody_search() -> ResponseReturnValue:
    """A POST with a JSON body, not a GET with a query string: names and A-numbers in URLs end
    up in access logs and proxies."""
    country, a_number, name = _custody_query(json_object())
    provider = CUSTODY.get()
    try:
        records = lookup(provider, a_number=a_number, full_name=name, country=country)
    except ValueError as error:  # the identification rule (the message repeats no input)
        raise RegistrationError({"name": str(error)}) from None
    except CustodyUnavailable:
        return _error(503, "unavailable", "the custody data source is not answering")
    return jsonify(records=[record_to_json(record) for record in records])


def _custody_query(body: dict[str, Any]) -> tuple[str, str | None, str | None]:
    """(country code, A-number, full name) of a look-up body; RegistrationError naming every
    bad field. An absent, null or empty A-number or name counts as not given."""
    country_text, a_number, name = (body.get(key) for key in ("country", "a_number", "name"))
    a_number = a_number if a_number not in (None, "") else None
    name = name if name not in (None, "") else None
    fields: dict[str, str] = {}
    country = country_code(country_text) if isinstance(country_text, str) else None
    if country is None:
        fields["country"] = "the country of birth, as a name or ISO code"
    parsed = parse_a_number(a_number) if isinstance(a_number, str) else None
    if a_number is not None and parsed is None:
        fields["a_number"] = "the letter A and 8 or 9 digits"
    if name is not None and not isinstance(name, str):
        fields["name"] = "the full name, at least a given name and a surname"
    if (a_number is None) == (name is None):
        fields["a_number"] = "give an A-number or a full name, not both"
    if fields:
        raise RegistrationError(fields)
    return cast(str, country), parsed, name


# -- custody events (the data feed) -----------------------------------------------------------


@bp.post("/custody-events")
@bearer("events_token")
def custody_event() -> ResponseReturnValue:
    event = parse_event(json_object())
    receipt = _notifications().record_event(event)
    status = _notifications().event_status(receipt.event_id)
    return jsonify(duplicate=not receipt.created, **(status or {})), 201 if receipt.created else 200


@bp.get("/custody-events/<event_id>")
@bearer("events_token")
def custody_event_status(event_id: str) -> ResponseReturnValue:
    status = _notifications().event_status(event_id)
    if status is None:
        return _error(404, "not_found", "no event with this id")
    return jsonify(status)


# -- the local outbox (development without Twilio/SMTP) ---------------------------------------


@bp.get("/outbox")
@bearer("api_token")
def outbox() -> ResponseReturnValue:
    """Full recipients and bodies (verification codes too): development only, whatever the
    channels fall back to."""
    if not current_settings().dev_mode:
        return _error(
            404, "not_found", "the outbox is only served in development (HOTLINE_ENV=development)"
        )
    box = OUTBOX.find()
    if not isinstance(box, OutboxSender):
        return _error(404, "not_found", "no local outbox: messages go through Twilio/SMTP")
    channel = request.args.get("channel")
    try:
        wanted = Channel(channel) if channel else None
    except ValueError:
        raise RegistrationError({"channel": "sms, voice or email"}) from None
    limit = min(max(request.args.get("limit", 50, type=int) or 50, 1), 500)
    entries = box.list(limit=limit, channel=wanted, to=request.args.get("to") or None)
    return jsonify(messages=[entry.to_json() for entry in entries])
