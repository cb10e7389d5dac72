"""The handoff API under ``/api/handoffs`` (and the audit log, ``/api/audit``), for integrations,
and ``/api/availability``: whether specialists are staffed now (the business hours).

It mirrors the specialist console (documented in ``docs/openapi.yml``). Two callers:

* the action server (``HOTLINE_API_TOKEN``) only creates handoffs, for its conversation, and
  asks whether specialists are staffed (outside business hours it offers a callback instead);
* integrations such as a ticketing system or a chat workspace (``HOTLINE_INTEGRATIONS_TOKEN``)
  do everything else. Every change names the acting specialist in the body (``"specialist"``),
  and every read of a victim's personal data (one handoff, with its summary, history and
  transcript) names its reader in the ``X-Hotline-Actor`` header and is written to the audit log.

A specialist's reply goes to the victim by SMS through the sender interface, is stored with the
conversation's messages (encrypted) and written to the handoff's history. Closing hands the
conversation back to the assistant (Rasa's ``resume`` event) and tells the victim so: both are
``channels.handoff.specialist_actions``, which the console uses too. Nothing here logs a phone
number, a name or a message's text.
"""

from __future__ import annotations

import enum
from datetime import datetime, timezone
from typing import Any, TypeVar, cast

from flask import Blueprint, abort, jsonify, request
from flask.typing import ResponseReturnValue

from channels.config.hours import HOURS, BusinessHours
from channels.handoff.audit import ACTOR_LENGTH, AUDIT, AuditLog
from channels.handoff.errors import HandoffConflict, HandoffNotFound
from channels.handoff.service import HANDOFFS, HandoffService
from channels.handoff.specialist_actions import (
    NOTE_MAX_CHARACTERS,
    SMS_MAX_CHARACTERS,
    VIEWED,
    OptedOut,
    close_handoff,
    send_reply,
)
from channels.handoff.states import DEFAULT_PRIORITY, HandoffStatus, Priority, Reason
from channels.outbound.message import SendFailed
from channels.routes.auth import bearer
from channels.routes.parsing import json_object
from channels.texts.languages import LANGUAGES

bp = Blueprint("handoff_api", __name__, url_prefix="/api")

ACTOR_HEADER = "X-Hotline-Actor"
CHANNELS = ("sms", "voice")
LIST_STATUSES = ("open", "waiting", "claimed", "closed")
CLOSED_DEFAULT_LIMIT = 50
CLOSED_MAX_LIMIT = 200
AUDIT_DEFAULT_LIMIT = 100
AUDIT_MAX_LIMIT = 500
E = TypeVar("E", bound=enum.Enum)


class Invalid(Exception):
    """Some fields of a request are not valid: ``fields`` maps each to what is wrong with it."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(sorted(fields))
        self.fields = fields


def _handoffs() -> HandoffService:
    return HANDOFFS.get()


def _audit() -> AuditLog:
    return AUDIT.get()


def _hours() -> BusinessHours:
    return HOURS.get()


def _error(status: int, error: str, detail: str, **extra: Any) -> ResponseReturnValue:
    return jsonify(error=error, detail=detail, **extra), status


@bp.errorhandler(Invalid)
def _invalid(error: Invalid) -> ResponseReturnValue:
    return _error(422, "invalid", "some fields are not valid", fields=error.fields)


@bp.errorhandler(HandoffNotFound)
def _not_found(_: HandoffNotFound) -> ResponseReturnValue:
    return _error(404, "not_found", "no handoff with this id")


@bp.errorhandler(HandoffConflict)
def _conflict(error: HandoffConflict) -> ResponseReturnValue:
    return _error(409, "conflict", str(error))


@bp.errorhandler(OptedOut)
def _opted_out(_: OptedOut) -> ResponseReturnValue:
    return _error(409, "opted_out", "the person texted STOP: no texts until they text START again")


@bp.errorhandler(SendFailed)
def _send_failed(error: SendFailed) -> ResponseReturnValue:
    return _error(502, "send_failed", error.reason, retryable=error.retryable)


# -- reading requests ----------------------------------------------------------------------------


def _name(value: Any) -> str | None:
    """A specialist's user name: 1 to 64 printable characters, blanks around it trimmed."""
    if not isinstance(value, str):
        return None
    name = value.strip()
    return name if 0 < len(name) <= ACTOR_LENGTH and name.isprintable() else None


def _specialists(body: dict[str, Any], *keys: str) -> list[str]:
    """The named fields as user names (``specialist``, ``to``); Invalid naming every bad one."""
    names = {key: _name(body.get(key)) for key in keys}
    bad = {key: "a specialist's user name, 1 to 64 characters" for key, n in names.items() if not n}
    if bad:
        raise Invalid(bad)
    return [cast(str, names[key]) for key in keys]


def _written(limit: int) -> tuple[str, str]:
    """A note's or a reply's body: the specialist who writes it, and the text (1 to ``limit``
    characters). Invalid names the specialist if that is wrong, else the text."""
    body = json_object()
    (specialist,) = _specialists(body, "specialist")
    text = body.get("text")
    if not isinstance(text, str) or not text.strip() or len(text) > limit:
        raise Invalid({"text": f"the text, 1 to {limit} characters"})
    return specialist, text


def _actor() -> str:
    actor = _name(request.headers.get(ACTOR_HEADER, ""))
    if actor is None:
        abort(
            400, description=f"the {ACTOR_HEADER} header must name the reader (1 to 64 characters)"
        )
    return actor


def _new_handoff(body: dict[str, Any]) -> dict[str, Any]:
    """The arguments of ``HandoffService.request`` from a create request, every problem at once.

    ``priority`` may be left out: an emergency is urgent, a threat high, anything else normal."""
    fields: dict[str, str] = {}
    registrant = body.get("registrant")
    if not isinstance(registrant, str) or not 0 < len(registrant.strip()) <= 64:
        fields["registrant"] = "the Rasa sender_id (the conversation key), 1 to 64 characters"
    if body.get("channel") not in CHANNELS:
        fields["channel"] = "sms or voice"
    if body.get("language") not in LANGUAGES:
        fields["language"] = "en or es"
    reason = _member(Reason, body.get("reason"), fields, "reason")
    default = DEFAULT_PRIORITY.get(reason, Priority.NORMAL) if reason else Priority.NORMAL
    priority = _member(Priority, body.get("priority", default.value), fields, "priority")
    summary = body.get("summary", {})
    if not isinstance(summary, dict):
        fields["summary"] = "an object: what the person asked and the details collected"
    if fields:
        raise Invalid(fields)
    return {
        "conversation_id": cast(str, registrant).strip(),
        "channel": body["channel"],
        "language": body["language"],
        "reason": reason,
        "priority": priority,
        "summary": summary,
    }


def _member(kind: type[E], value: object, fields: dict[str, str], key: str) -> E | None:
    """The enum member whose value is ``value``; None (and a field error) when there is none."""
    values = [member.value for member in kind]
    if value not in values:
        fields[key] = " or ".join(values)
        return None
    return kind(value)


# -- the action server ---------------------------------------------------------------------------


@bp.post("/handoffs")
@bearer("api_token")
def create_handoff() -> ResponseReturnValue:
    """At most one open handoff per conversation: asking again answers 200 with that one."""
    arguments = _new_handoff(json_object())
    conversation_id = arguments.pop("conversation_id")
    try:
        view, created = _handoffs().request(conversation_id, **arguments)
    except HandoffNotFound:
        raise Invalid({"registrant": "no conversation with this id"}) from None
    answer = {"id": view.id, "status": view.status, "priority": view.priority, "created": created}
    return jsonify(answer), 201 if created else 200


@bp.get("/availability")
@bearer("api_token")
def availability() -> ResponseReturnValue:
    """Whether specialists are staffed now, the hours in words (``language``, default en) and
    when they next open (now when open; null when the hotline has no staffed hours)."""
    language = request.args.get("language", "en")
    if language not in LANGUAGES:
        raise Invalid({"language": "en or es"})
    hours = _hours()
    now = datetime.now(timezone.utc)
    opening = hours.next_opening(now)
    return jsonify(
        open=hours.is_open(now),
        hours=hours.describe(language),
        next_open=opening.isoformat(timespec="seconds") if opening else None,
    )


# -- integrations --------------------------------------------------------------------------------


@bp.get("/handoffs")
@bearer("integrations_token")
def list_handoffs() -> ResponseReturnValue:
    """Without personal data (no summary): reading the queue is not audited."""
    status = request.args.get("status", "open")
    if status not in LIST_STATUSES:
        raise Invalid({"status": " or ".join(LIST_STATUSES)})
    if status == HandoffStatus.CLOSED.value:
        views = _handoffs().closed(_limit(CLOSED_DEFAULT_LIMIT, CLOSED_MAX_LIMIT))
    else:
        views = [view for view in _handoffs().queue() if status in ("open", view.status)]
    return jsonify(handoffs=[view.to_json(personal=False) for view in views])


def _limit(default: int, maximum: int) -> int:
    """The ``limit`` query parameter, clamped to 1..maximum (0 or not a number: the default)."""
    return min(max(request.args.get("limit", default, type=int) or default, 1), maximum)


@bp.get("/handoffs/<handoff_id>")
@bearer("integrations_token")
def get_handoff(handoff_id: str) -> ResponseReturnValue:
    """The summary, history and transcript: personal data, so the read is audited first."""
    actor = _actor()
    service = _handoffs()
    view = service.get(handoff_id)
    _audit().record(actor, VIEWED, view.id)
    return jsonify(
        {
            **view.to_json(personal=True),
            "history": service.history(view.id),
            "transcript": service.transcript(view.id),
        }
    )


@bp.post("/handoffs/<handoff_id>/claim")
@bearer("integrations_token")
def claim(handoff_id: str) -> ResponseReturnValue:
    (specialist,) = _specialists(json_object(), "specialist")
    return jsonify(_handoffs().claim(handoff_id, specialist).to_json(personal=False))


@bp.post("/handoffs/<handoff_id>/release")
@bearer("integrations_token")
def release(handoff_id: str) -> ResponseReturnValue:
    (specialist,) = _specialists(json_object(), "specialist")
    return jsonify(_handoffs().release(handoff_id, specialist).to_json(personal=False))


@bp.post("/handoffs/<handoff_id>/reassign")
@bearer("integrations_token")
def reassign(handoff_id: str) -> ResponseReturnValue:
    specialist, to = _specialists(json_object(), "specialist", "to")
    return jsonify(_handoffs().reassign(handoff_id, specialist, to).to_json(personal=False))


@bp.post("/handoffs/<handoff_id>/notes")
@bearer("integrations_token")
def add_note(handoff_id: str) -> ResponseReturnValue:
    """An internal note: the victim never sees it."""
    specialist, text = _written(NOTE_MAX_CHARACTERS)
    service = _handoffs()
    service.add_note(handoff_id, specialist, text)
    return jsonify(service.get(handoff_id).to_json(personal=False)), 201


@bp.post("/handoffs/<handoff_id>/reply")
@bearer("integrations_token")
def reply(handoff_id: str) -> ResponseReturnValue:
    """Only the specialist who has claimed the handoff replies; the text goes out by SMS."""
    specialist, text = _written(SMS_MAX_CHARACTERS)
    sent = send_reply(_handoffs(), handoff_id, specialist, text)
    return jsonify(
        message_id=sent.message_id,
        provider_sid=sent.receipt.provider_sid,
        delivery_status=sent.receipt.status,
    ), 201


@bp.post("/handoffs/<handoff_id>/close")
@bearer("integrations_token")
def close(handoff_id: str) -> ResponseReturnValue:
    """Closes, then gives the conversation back to the assistant and tells the victim. Neither
    of those two can undo the close: a failure is logged and shown in the answer."""
    (specialist,) = _specialists(json_object(), "specialist")
    closed = close_handoff(_handoffs(), handoff_id, specialist)
    return jsonify(
        {
            **closed.view.to_json(personal=False),
            "assistant_resumed": closed.assistant_resumed,
            "victim_notified": closed.victim_notified,
        }
    )


# -- the audit log -------------------------------------------------------------------------------


@bp.get("/audit")
@bearer("integrations_token")
def audit_entries() -> ResponseReturnValue:
    """Who read which handoff, newest first (for supervisors)."""
    return jsonify(entries=_audit().entries(_limit(AUDIT_DEFAULT_LIMIT, AUDIT_MAX_LIMIT)))
