"""``POST /twilio/voice`` and the call's other webhooks: the hotline by phone.

Each route reads Twilio's request and answers with the TwiML the call flow
(``channels.call_flow``, where the call's states are) gives back.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from channels.call_flow import machine
from channels.call_flow.context import Parts, Webhook
from channels.call_flow.transfer import whisper as whisper_twiml
from channels.call_flow.turns import answer_or_wait
from channels.routes.parsing import MAX_ADDRESS, form_sid, form_text, query_count
from channels.texts.languages import LANGUAGES
from channels.twilio import twiml
from channels.twilio.signature import twilio_signed, twiml_response

bp = Blueprint("voice", __name__)


MAX_TURNS = 10_000  # a call's turn number in its URLs
MAX_ATTEMPTS = 100  # language-menu attempts and waits in the URLs the gateway writes


def _webhook() -> Webhook:
    sid = form_sid("CallSid")
    turn = query_count("turn", 0, MAX_TURNS)
    return Webhook(call_sid=sid, caller=form_text("From", MAX_ADDRESS), turn_in_url=turn)


@bp.post("/twilio/voice")
@twilio_signed
def incoming_call() -> Response:
    return twiml_response(machine.start(Parts.of(), _webhook()))


@bp.post("/twilio/voice/language")
@twilio_signed
def choose_language() -> Response:
    hook = _webhook()
    answer = form_text("Digits") or form_text("SpeechResult")
    attempt = query_count("attempt", 1, MAX_ATTEMPTS) or 1
    return twiml_response(machine.choose_language(Parts.of(), hook, answer, attempt))


@bp.post("/twilio/voice/turn")
@twilio_signed
def turn() -> Response:
    hook = _webhook()
    speech, digits = form_text("SpeechResult"), form_text("Digits")
    confidence = form_text("Confidence", 32)
    return twiml_response(machine.turn(Parts.of(), hook, speech, digits, confidence))


@bp.post("/twilio/voice/wait")
@twilio_signed
def wait() -> Response:
    hook, waited = _webhook(), query_count("waited", 1, MAX_ATTEMPTS) or 1
    parts = Parts.of()
    call = hook.call(parts)
    return twiml_response(answer_or_wait(parts, call, hook.turn_in_url, waited=waited))


@bp.post("/twilio/voice/transfer")
@twilio_signed
def transfer_result() -> Response:
    hook = _webhook()
    handoff_id = request.args.get("handoff", "")[:MAX_ADDRESS]
    outcome = form_text("DialCallStatus", 32) or form_text("QueueResult", 32) or "unknown"
    return twiml_response(machine.transfer_ended(Parts.of(), hook, handoff_id, outcome))


@bp.post("/twilio/voice/whisper/<handoff_id>")
@twilio_signed
def whisper(handoff_id: str) -> Response:
    try:
        return twiml_response(whisper_twiml(Parts.of(), handoff_id))
    except LookupError:
        abort(404, description="no such handoff")


@bp.post("/twilio/voice/hold")
@twilio_signed
def hold() -> Response:
    language = request.args.get("language", "en")
    return twiml_response(twiml.hold(language if language in LANGUAGES else "en"))


@bp.post("/twilio/voice/status")
@twilio_signed
def call_status() -> Response:
    """The number's status callback: a completed call is marked ended."""
    parts = Parts.of()
    if request.form.get("CallStatus") in machine.ENDED:
        machine.ended(parts, _webhook())
    return Response(status=204)
