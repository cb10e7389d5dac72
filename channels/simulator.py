"""The development-mode simulator: a phone-like page that texts the hotline.

The page posts to ``/simulator/sms``; the server side signs a Twilio-shaped request with the
local auth token and sends it over HTTP to this same gateway's ``/twilio/sms``, the real webhook.
Beside the phone, the page shows the local outbox for its own number (``/simulator/outbox``:
verification codes, custody alerts, reminders) and records sample custody events
(``/simulator/custody-event``) through the same code as ``POST /api/custody-events``, so the
whole custody-alert journey can be tried without a Twilio account or the feed's token.
Registered only when ``HOTLINE_ENV=development``.
"""

from __future__ import annotations

import re
import secrets
import time
from typing import Any, cast

from flask import Blueprint, abort, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue

from channels.fake_phone import FakePhone, replies_in, sms_params
from channels.notifications import EventError, EventType, NotificationService, parse_event
from channels.sender import Channel, OutboxEntry, OutboxSender
from channels.settings import Settings
from channels.storage import utcnow
from channels.twiml import MAX_SMS_CHARACTERS

bp = Blueprint("simulator", __name__, template_folder="templates", static_folder="static")

SAMPLE_A_NUMBER = "A204555781"  # the synthetic offender of data/custody/sample.yml
OUTBOX_LIMIT = 50
# Custody events are matched by a job; the answer waits this long to say how many matched.
FAN_OUT_WAIT_SECONDS = 5.0
FAN_OUT_POLL_SECONDS = 0.1
REFERENCE_KINDS = ("code", "notification", "reminder")
A_NUMBER_HINT = "the letter A and 8 or 9 digits, like A204555781"


@bp.get("/simulator")
def page() -> ResponseReturnValue:
    return render_template(
        "simulator.html",
        max_characters=MAX_SMS_CHARACTERS,
        sample_a_number=SAMPLE_A_NUMBER,
        event_types=[(kind.value, kind.value.replace("_", " ").capitalize()) for kind in EventType],
    )


@bp.post("/simulator/sms")
def send() -> ResponseReturnValue:
    payload = request.get_json(silent=True) or {}
    body = payload.get("body")
    from_number = payload.get("from")
    if not isinstance(body, str) or not isinstance(from_number, str) or not from_number.strip():
        abort(400, description='send JSON {"from": "+15550100123", "body": "your message"}')
    settings: Settings = current_app.config["HOTLINE_SETTINGS"]
    phone = FakePhone(
        gateway_url=request.host_url,
        public_url=settings.public_url,
        auth_token=settings.twilio_auth_token,
        from_number=from_number.strip(),
    )
    response = phone.post(sms_params(phone.from_number, body))
    if response.status_code != 200:
        detail = response.text[:500]
        return jsonify(error=f"the webhook answered {response.status_code}", detail=detail), 502
    return jsonify(replies=replies_in(response.text))


@bp.get("/simulator/outbox")
def outbox() -> ResponseReturnValue:
    """What the hotline "sent" to the page's phone number, newest first."""
    to = request.args.get("to", "").strip()
    if not re.search(r"\d", to):
        abort(400, description="give the page's phone number: /simulator/outbox?to=%2B17135550142")
    box = current_app.extensions.get("hotline.outbox")
    if not isinstance(box, OutboxSender):
        abort(404, description="no local outbox: messages go through Twilio/SMTP")
    return jsonify(messages=[outbox_message(entry) for entry in box.list(OUTBOX_LIMIT, to=to)])


def outbox_message(entry: OutboxEntry) -> dict[str, Any]:
    """An outbox entry as the page shows it; a voice entry's body describes the call."""
    return {
        "sid": entry.sid,
        "channel": entry.channel.value,
        "kind": reference_kind(entry.reference),
        "call": entry.channel is Channel.VOICE,
        "body": entry.body,
        "status": entry.status,
        "created_at": entry.created_at.isoformat(),
    }


def reference_kind(reference: str) -> str:
    """ "code:7" -> "code", "notification-attempt:3" -> "notification", "reminder:ab" ->
    "reminder"; anything else is "other"."""
    prefix = reference.partition(":")[0].partition("-")[0]
    return prefix if prefix in REFERENCE_KINDS else "other"


@bp.post("/simulator/custody-event")
def custody_event() -> ResponseReturnValue:
    """Records a sample event for an A-number, as the custody feed would post it."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        abort(400, description='send JSON {"a_number": "A204555781", "type": "release"}')
    try:
        event = parse_event(sample_event(payload))
    except EventError as error:
        return jsonify(
            error="invalid", detail="some fields are not valid", fields=form_fields(error.fields)
        ), 422
    notifications = cast(NotificationService, current_app.extensions["hotline.notifications"])
    notifications.record_event(event)
    return jsonify(status_after_fan_out(notifications, event.event_id)), 201


def sample_event(payload: dict[str, Any]) -> dict[str, Any]:
    """The feed's event body for the page's two fields, with a new id and the time now."""
    return {
        "event_id": f"simulator-{secrets.token_hex(8)}",
        "type": payload.get("type"),
        "offender": {"a_number": payload.get("a_number")},
        "occurred_at": utcnow().isoformat(),
    }


def form_fields(fields: dict[str, str]) -> dict[str, str]:
    """The feed's field errors as the page's form names them (it has only an A-number)."""
    named: dict[str, str] = {}
    for key, text in fields.items():
        if key.startswith("offender"):
            named["a_number"] = A_NUMBER_HINT
        else:
            named[key] = text
    return named


def status_after_fan_out(notifications: NotificationService, event_id: str) -> dict[str, Any]:
    """The event's status once the fan-out has counted its matches (``matched`` stays null if
    that takes longer than ``FAN_OUT_WAIT_SECONDS``; the alerts still come)."""
    deadline = time.monotonic() + FAN_OUT_WAIT_SECONDS
    status = notifications.event_status(event_id) or {"event_id": event_id, "matched": None}
    while status.get("matched") is None and time.monotonic() < deadline:
        time.sleep(FAN_OUT_POLL_SECONDS)
        status = notifications.event_status(event_id) or status
    return status
