"""Outbound calls of the notification exchange: the TwiML Twilio fetches when a call is answered.

``/twilio/calls/notification/<attempt>`` speaks a custody notification and takes the PIN on the
keypad (``.../pin``); ``/twilio/calls/code/<code>`` reads a verification code. Every route is
signed by Twilio like the SMS webhook. ``/twilio/status`` records what Twilio reports about
each message and call.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from channels.alerts.notifications.service import NOTIFICATIONS, NotificationService
from channels.alerts.registrations.service import REGISTRATIONS
from channels.routes.parsing import form_sid, form_text, query_count
from channels.texts.alerts import call_text
from channels.twilio import twiml
from channels.twilio.signature import public_url_for, twilio_signed, twiml_response

bp = Blueprint("calls", __name__)
PIN_TRIES = 3


def _notifications() -> NotificationService:
    return NOTIFICATIONS.get()


@bp.post("/twilio/calls/notification/<int:attempt_id>")
@twilio_signed
def notification_call(attempt_id: int) -> Response:
    script = _notifications().call_script(attempt_id)
    if script is None or script.confirmed:
        return twiml_response(twiml.hang_up())
    if request.form.get("AnsweredBy", "").startswith("machine"):
        # A voicemail: leave the neutral message only if the person said it is safe.
        if script.voicemail_ok:
            return twiml_response(twiml.voicemail(script.voicemail, script.language))
        return twiml_response(twiml.hang_up())
    pin_url = public_url_for("calls.notification_pin", attempt_id=attempt_id, attempt=1)
    return twiml_response(
        twiml.notification_call(script.message, script.language, pin_url, discreet=script.discreet)
    )


@bp.post("/twilio/calls/notification/<int:attempt_id>/pin")
@twilio_signed
def notification_pin(attempt_id: int) -> Response:
    service = _notifications()
    script = service.call_script(attempt_id)
    if script is None:
        return twiml_response(twiml.hang_up())
    digits = form_text("Digits", 64)
    if service.confirm_by_pin(attempt_id, digits):
        return twiml_response(
            twiml.pin_accepted(script.message, script.language, discreet=script.discreet)
        )
    tries = query_count("attempt", 1, 100) or 1
    if tries >= PIN_TRIES:
        return twiml_response(
            twiml.voicemail(call_text(script.language, "no_pin"), script.language)
        )
    retry_url = public_url_for("calls.notification_pin", attempt_id=attempt_id, attempt=tries + 1)
    return twiml_response(
        twiml.notification_call(
            script.message, script.language, retry_url, discreet=script.discreet, retry=True
        )
    )


@bp.post("/twilio/calls/code/<int:code_id>")
@twilio_signed
def code_call(code_id: int) -> Response:
    registrations = REGISTRATIONS.get()
    found = registrations.code_for_call(code_id)
    if found is None:
        return twiml_response(twiml.code_call(None, "en"))
    code, language = found
    return twiml_response(twiml.code_call(code, language))


@bp.post("/twilio/calls/reminder/<registration_id>")
@twilio_signed
def reminder_call(registration_id: str) -> Response:
    found = _notifications().reminder_call(registration_id)
    if found is None:
        return twiml_response(twiml.hang_up())
    text, language = found
    return twiml_response(twiml.voicemail(text, language))


@bp.post("/twilio/status")
@twilio_signed
def delivery_status() -> Response:
    """Twilio's status callback for messages (MessageStatus) and calls (CallStatus)."""
    sid = form_sid("MessageSid", "CallSid")
    status = form_text("MessageStatus", 32) or form_text("CallStatus", 32)
    if not status:
        abort(400, description="missing Twilio field: MessageStatus or CallStatus")
    _notifications().record_status(sid, status, form_text("ErrorCode", 16))
    return Response(status=204)
