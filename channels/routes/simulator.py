"""The development-mode simulator: a phone-like page that texts and calls the hotline.

The page posts to ``/simulator/sms``; the server side signs a Twilio-shaped request with the
local auth token and sends it over HTTP to this same gateway's ``/twilio/sms``, the real webhook.
Beside the phone, the page shows the local outbox for its own number (``/simulator/outbox``:
verification codes, custody alerts, reminders) and records sample custody events
(``/simulator/custody-event``) through the same code as ``POST /api/custody-events``, so the
whole custody-alert journey can be tried without a Twilio account or the feed's token. In call
mode (``/simulator/call``) the page shows what the hotline says and takes typed speech or keys,
posted to the real ``/twilio/voice`` webhooks, signed the same way.
Registered only when ``HOTLINE_ENV=development``.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path
from typing import Any

import requests
from flask import Blueprint, abort, jsonify, render_template, request
from flask.typing import ResponseReturnValue

from channels.alerts.notifications.events import EventError, parse_event
from channels.alerts.notifications.models import EventType
from channels.alerts.notifications.service import NOTIFICATIONS, NotificationService
from channels.config.settings import Settings, current_settings
from channels.outbound.message import Channel
from channels.outbound.outbox import OUTBOX, OutboxEntry, OutboxSender
from channels.storage.database import utcnow
from channels.twilio.fake_phone import (
    VOICE_PATH,
    CallStep,
    FakeCall,
    FakePhone,
    replies_in,
    sms_params,
)
from channels.twilio.twiml import MAX_SMS_CHARACTERS

# The pages' files are the gateway's own (``channels/templates``, ``channels/static``).
PAGES = Path(__file__).resolve().parents[1]
bp = Blueprint(
    "simulator",
    __name__,
    template_folder=str(PAGES / "templates"),
    static_folder=str(PAGES / "static"),
)

SAMPLE_A_NUMBER = "A204555781"  # the synthetic offender of data/custody/sample.yml
OUTBOX_LIMIT = 50
# Custody events are matched by a job; the answer waits this long to say how many matched.
FAN_OUT_WAIT_SECONDS = 5.0
FAN_OUT_POLL_SECONDS = 0.1
REFERENCE_KINDS = ("code", "notification", "reminder")
A_NUMBER_HINT = "the letter A and 8 or 9 digits, like A204555781"
MAX_SPEECH_CHARACTERS = 500
TRANSFER_OUTCOMES = ("completed", "no-answer", "busy", "failed")
# The <Enqueue> action's field for the same outcomes.
QUEUE_RESULTS = {
    "completed": "bridged",
    "no-answer": "leave",
    "busy": "queue-full",
    "failed": "error",
}


@bp.get("/simulator")
def page() -> ResponseReturnValue:
    return render_template(
        "simulator.html",
        max_characters=MAX_SMS_CHARACTERS,
        sample_a_number=SAMPLE_A_NUMBER,
        event_types=[(kind.value, kind.value.replace("_", " ").capitalize()) for kind in EventType],
    )


def _own_loopback_url() -> str:
    """This server itself, on loopback, at the port the request came in on (the socket's, not
    the ``Host`` header's): a forged Host cannot make the simulator sign a request for, and
    post it to, another server."""
    return f"http://127.0.0.1:{int(request.environ.get('SERVER_PORT') or 80)}/"


@bp.post("/simulator/sms")
def send() -> ResponseReturnValue:
    payload = _json_object()
    body = payload.get("body")
    from_number = payload.get("from")
    if not isinstance(body, str) or not isinstance(from_number, str) or not from_number.strip():
        abort(400, description='send JSON {"from": "+15550100123", "body": "your message"}')
    settings = current_settings()
    phone = FakePhone(
        gateway_url=_own_loopback_url(),
        public_url=settings.public_url,
        auth_token=settings.twilio_auth_token,
        from_number=from_number.strip(),
    )
    response = phone.post(sms_params(phone.from_number, body))
    if response.status_code != 200:
        detail = response.text[:500]
        return jsonify(error=f"the webhook answered {response.status_code}", detail=detail), 502
    return jsonify(replies=replies_in(response.text))


@bp.post("/simulator/call")
def call() -> ResponseReturnValue:
    """One step of a simulated call, through the real signed voice webhooks.

    JSON in: ``from`` (the page's number); ``call_sid`` and ``url`` (the ``<Gather>`` action or
    the transfer's action the last step gave) except for the first step; then ``speech`` or
    ``digits`` (both empty: the caller stays silent), or ``transfer`` ("completed", "no-answer",
    "busy", "failed": how the specialists' line answered); ``"hangup": true`` ends the call
    (Twilio's status callback). JSON out: the call's id and every
    TwiML answer of this step, fillers followed through their ``<Redirect>`` s (see
    ``call_step_json``)."""
    payload = _json_object()
    from_number = payload.get("from")
    if not isinstance(from_number, str) or not from_number.strip():
        abort(400, description='send JSON {"from": "+15550100123"} to start a call')
    settings = current_settings()
    phone = FakeCall(
        gateway_url=_own_loopback_url(),
        public_url=settings.public_url,
        auth_token=settings.twilio_auth_token,
        from_number=from_number.strip(),
        call_sid=str(payload.get("call_sid") or ""),
    )
    url = payload.get("url")
    try:
        if payload.get("hangup") is True:
            phone.hang_up()
            return jsonify(call_sid=phone.call_sid, steps=[])
        if not url:
            phone.start()
        else:
            fields = _caller_fields(payload, queue=settings.voice_transfer == "enqueue")
            phone.post(_voice_url(settings, url), phone.params(**fields))
        steps = [call_step_json(step, phone) for step in phone.heard]
    except requests.RequestException as error:
        return jsonify(error="the voice webhook failed", detail=str(error)[:500]), 502
    return jsonify(call_sid=phone.call_sid, steps=steps)


def _json_object() -> dict[str, Any]:
    """The request's JSON object; anything else (no JSON, a list) reads as an empty one."""
    payload = request.get_json(silent=True)
    return payload if isinstance(payload, dict) else {}


def _voice_url(settings: Settings, url: Any) -> str:
    """Only the hotline's own voice webhooks: the page cannot make the server post elsewhere."""
    base = settings.public_url.rstrip("/") + VOICE_PATH
    if not isinstance(url, str) or not (url == base or url.startswith(base + "/")):
        abort(400, description=f"url must be one of the hotline's voice webhooks ({base}...)")
    return url


def _caller_fields(payload: dict[str, Any], *, queue: bool = False) -> dict[str, str]:
    """The form fields of the caller's answer; for a transfer's outcome, the ``<Dial>`` action's
    field or, when transfers go to a queue (``voice_transfer="enqueue"``), the ``<Enqueue>``'s."""
    transfer = payload.get("transfer")
    if transfer:
        if transfer not in TRANSFER_OUTCOMES:
            abort(400, description=f"transfer must be one of {', '.join(TRANSFER_OUTCOMES)}")
        if queue:
            return {"QueueResult": QUEUE_RESULTS[str(transfer)]}
        return {"DialCallStatus": str(transfer)}
    speech, digits = str(payload.get("speech") or ""), str(payload.get("digits") or "")
    if speech and digits:
        abort(400, description="send speech or digits, not both")
    if digits and not re.fullmatch(r"[0-9*#]{1,20}", digits):
        abort(400, description="digits are 0-9, * and #")
    if len(speech) > MAX_SPEECH_CHARACTERS:
        abort(400, description=f"speech is at most {MAX_SPEECH_CHARACTERS} characters")
    fields = {"Digits": digits} if digits else {}
    return {**fields, "SpeechResult": speech, "Confidence": "0.9"} if speech else fields


def call_step_json(step: CallStep, phone: FakeCall) -> dict[str, Any]:
    """A step as the page shows it: what is said (and in which voice), how the call listens,
    where it is transferred; for a ``<Dial>``, what the specialist would hear first."""
    transfer = step.dial or step.enqueue
    whisper = phone.leg(step.dial["whisper"]).text if step.dial and step.dial["whisper"] else ""
    return {
        "said": [{"text": text, "language": language} for text, language in step.said],
        "listen": {
            "action": step.gather["action"],
            "language": step.gather.get("language", ""),
            "num_digits": int(step.gather["numDigits"]) if "numDigits" in step.gather else None,
            "hints": step.gather.get("hints", ""),
        }
        if step.gather
        else None,
        "transfer": {
            "kind": "dial" if step.dial else "enqueue",
            "to": (step.dial or {}).get("number") or (step.enqueue or {}).get("queue", ""),
            "action": transfer["action"],
            "whisper": whisper,
        }
        if transfer
        else None,
        "redirect": step.redirect if not step.gather else None,
        "hangup": step.hangup,
    }


@bp.get("/simulator/outbox")
def outbox() -> ResponseReturnValue:
    """What the hotline "sent" to the page's phone number, newest first."""
    to = request.args.get("to", "").strip()
    if not re.search(r"\d", to):
        abort(400, description="give the page's phone number: /simulator/outbox?to=%2B17135550142")
    box = OUTBOX.find()
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
    notifications = NOTIFICATIONS.get()
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
