"""``POST /twilio/voice`` and the call's other webhooks: the hotline by phone.

A call goes: greeting and language menu (keys 1/2 or the language's name) -> turns: the caller's
speech or keys, stored first, go to the assistant's ``voice`` channel; its spoken answer is said
inside the next ``<Gather>``, shaped by the question it asks (``channels.voice_input``).
Around the assistant the gateway handles: ``0`` (a specialist), ``*`` or "repeat", silence
(two reprompts, then the offer of a specialist, then goodbye), a slow assistant (a filler and a
``<Redirect>`` to ``/twilio/voice/wait``, so every webhook answers within a few seconds), and
transfers: when the assistant has handed the call over, ``<Dial>`` to the specialists' line
(whispering the reason to whoever answers) or ``<Enqueue>``; unanswered, the assistant offers a
callback. Emergencies: the assistant's first sentence says to hang up and dial 911; then the
transfer is offered, and made on yes or on silence.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, abort, current_app, request

from channels import voice_input
from channels.assistant.client import AssistantUnavailable, RasaClient, TurnResult
from channels.handoff.models import HandoffView, Priority, Reason
from channels.handoff.service import HandoffService
from channels.settings import Settings
from channels.storage.messages import DuplicateMessage, InboundMessage, MessageStore
from channels.storage.privacy import Privacy
from channels.texts import calls as said
from channels.texts.languages import LANGUAGES
from channels.twilio import twiml
from channels.twilio.signature import public_url_for, twilio_signed, twiml_response
from channels.voice_calls import CHANNEL, CallStore, CallView
from channels.voice_input import CallerInput, Kind
from formats.values import parse_language_choice

log = logging.getLogger(__name__)
bp = Blueprint("voice", __name__)

MENU_TRIES = 3
REPROMPTS = 2  # silences answered with "I didn't hear anything" and the question again
POLL_SECONDS = 0.05
MAX_WAITS = 4  # redirects to /wait before the call is given to a person
# States of the gateway's own yes/no questions (the ``expecting`` column).
OFFER_SPECIALIST = "offer_specialist"
EMERGENCY_TRANSFER = "emergency_transfer"
CONFIRM_HEARD = "confirm_heard"
OWN_QUESTIONS = (OFFER_SPECIALIST, EMERGENCY_TRANSFER, CONFIRM_HEARD)
# Speech the recogniser is less sure of than this is read back before the assistant acts on it
# (free speech only: a form's answers are validated and read back before anything is saved).
LOW_CONFIDENCE = 0.45
A_NUMBER_SLOTS = ("reg_a_number",)
LINE_ACTOR = "specialist line"
TRANSFER_UNANSWERED = "/transfer_unanswered"  # the assistant's intent, no NLU
ANSWERED = ("completed", "answered", "bridged")
YES_WORDS = {"en": "yes", "es": "sí"}
NO_WORDS = {"en": "no", "es": "no"}


@dataclass(frozen=True)
class Parts:
    settings: Settings
    calls: CallStore
    store: MessageStore
    privacy: Privacy
    rasa: RasaClient
    handoffs: HandoffService
    pool: ThreadPoolExecutor


def _parts() -> Parts:
    ext = current_app.extensions
    return Parts(
        settings=current_app.config["HOTLINE_SETTINGS"],
        calls=ext["hotline.calls"],
        store=ext["hotline.store"],
        privacy=ext["hotline.privacy"],
        rasa=ext["hotline.rasa"],
        handoffs=ext["hotline.handoffs"],
        pool=ext["hotline.voice_pool"],
    )


def _call_sid() -> str:
    sid = request.form.get("CallSid", "")
    if not sid:
        abort(400, description="missing Twilio field: CallSid")
    return sid


def _current_call(parts: Parts) -> CallView:
    call = parts.calls.get(_call_sid())
    if call is None:
        abort(404, description="no such call")
    return call


# -- the call's start: greeting and language ---------------------------------------------------


@bp.post("/twilio/voice")
@twilio_signed
def incoming_call() -> Response:
    _parts().calls.start(_call_sid(), request.form.get("From", ""))
    return twiml_response(twiml.language_menu(public_url_for("voice.choose_language", attempt=1)))


@bp.post("/twilio/voice/language")
@twilio_signed
def choose_language() -> Response:
    parts = _parts()
    call = _current_call(parts)
    answer = request.form.get("Digits") or request.form.get("SpeechResult") or ""
    language = parse_language_choice(answer) if answer.strip() else None
    attempt = request.args.get("attempt", 1, type=int) or 1
    if language is None and attempt < MENU_TRIES:
        menu_url = public_url_for("voice.choose_language", attempt=attempt + 1)
        return twiml_response(twiml.language_menu(menu_url, again=True))
    if language is None:
        # Nothing chosen three times: carry on in English, as the third silence of the call.
        parts.calls.update(call.conversation_id, language="en", silences=REPROMPTS)
        return twiml_response(_after_silence(parts, _current_call(parts)))
    greeting = said.prompt(language, "how_can_i_help")
    parts.calls.update(
        call.conversation_id, language=language, silences=0, expecting=None, prompt=greeting
    )
    return twiml_response(_ask(parts, call.conversation_id, [greeting], language, None))


# -- turns -------------------------------------------------------------------------------------


@bp.post("/twilio/voice/turn")
@twilio_signed
def turn() -> Response:
    parts = _parts()
    call = _current_call(parts)
    form = request.form
    speech, digits = form.get("SpeechResult", ""), form.get("Digits", "")
    if call.expecting == CONFIRM_HEARD:
        confirmed = _confirm_heard(parts, call, speech, digits)
        if confirmed is not None:
            return twiml_response(confirmed)
        call = _current_call(parts)
    if call.expecting in (OFFER_SPECIALIST, EMERGENCY_TRANSFER):
        answered = _own_question(parts, call, speech, digits)
        if answered is not None:
            return twiml_response(answered)
    caller = voice_input.classify(speech, digits, voice_input.expectation(call.expecting))
    if caller.kind is Kind.SILENCE:
        return twiml_response(_after_silence(parts, call))
    if call.silences:
        parts.calls.update(call.conversation_id, silences=0)
    if caller.kind is Kind.REPEAT:
        return twiml_response(
            _ask(parts, call.conversation_id, [call.prompt], call.language, call.expecting)
        )
    text = _assistant_text(caller, call)
    if _unsure(parts, caller, call, form.get("Confidence", "")):
        return twiml_response(_ask_to_confirm(parts, call, text))
    return twiml_response(
        _assistant_turn(parts, call, text, keyed=caller.keyed, turn_number=_turn_number())
    )


def _unsure(parts: Parts, caller: CallerInput, call: CallView, confidence: str) -> bool:
    """Free speech the recogniser was unsure of, unless it may be an emergency (never delayed)."""
    if caller.keyed or call.expecting is not None:
        return False
    try:
        if float(confidence) >= LOW_CONFIDENCE:
            return False
    except ValueError:
        return False
    return parts.rasa.intent(caller.text) != "emergency"


def _ask_to_confirm(parts: Parts, call: CallView, text: str) -> str:
    parts.calls.update(call.conversation_id, heard={"text": text, "expecting": call.expecting})
    question = said.prompt(call.language, "heard", text=text)
    return _ask(
        parts, call.conversation_id, [question], call.language, CONFIRM_HEARD, keep_prompt=True
    )


def _confirm_heard(parts: Parts, call: CallView, speech: str, digits: str) -> str | None:
    """Yes: the assistant gets what was heard. No or silence: the caller says it again. Anything
    else is a new answer (None: handled as one)."""
    heard = call.heard or {}
    previous = heard.get("expecting")
    parts.calls.update(call.conversation_id, heard=None, expecting=previous)
    answer = voice_input.yes_or_no(speech, digits)
    if answer is True and heard.get("text"):
        return _assistant_turn(
            parts, call, str(heard["text"]), keyed=False, turn_number=_turn_number()
        )
    if answer is False or not (speech.strip() or digits.strip()):
        again = said.prompt(call.language, "say_again")
        return _ask(
            parts,
            call.conversation_id,
            [again, call.prompt],
            call.language,
            previous,
            keep_prompt=True,
        )
    return None


def _turn_number() -> int:
    """The turn a ``<Gather>`` action answers, from its URL (the call's counter handed it out)."""
    number = request.args.get("turn", 0, type=int)
    if not number:
        abort(400, description="missing turn")
    return number


def _assistant_text(caller: CallerInput, call: CallView) -> str:
    """What the assistant reads: 0 is a request for a person; keyed digits are made into what
    the question's validator expects (an A-number's letter; 1/2 outside a form: yes/no)."""
    if caller.kind is Kind.SPECIALIST:
        return voice_input.REQUEST_HUMAN
    if caller.keyed and call.expecting in A_NUMBER_SLOTS and caller.text.isdigit():
        return f"A{caller.text}"
    if caller.keyed and call.expecting is None and caller.text in ("1", "2"):
        words = YES_WORDS if caller.text == "1" else NO_WORDS
        return words.get(call.language, words["en"])
    return caller.text


def _own_question(parts: Parts, call: CallView, speech: str, digits: str) -> str | None:
    """The gateway's own yes/no questions. After an emergency, only "no" keeps the caller from
    the transfer: yes, silence, or anything else said puts them through (the assistant is
    paused by then). After silences, yes asks the assistant for a person, no ends the call, and
    anything else is for the assistant (None)."""
    answer = voice_input.yes_or_no(speech, digits)
    silent = not speech.strip() and not digits.strip()
    parts.calls.update(call.conversation_id, expecting=None)
    if call.expecting == EMERGENCY_TRANSFER:
        if answer is False:
            return _hang_up(parts, call, [said.prompt(call.language, "transfer_declined")])
        if call.handoff_id:
            return _transfer(parts, call, call.handoff_id, [])
    if answer is True:
        return _assistant_turn(
            parts, call, voice_input.REQUEST_HUMAN, keyed=True, turn_number=_turn_number()
        )
    if answer is False:
        return _hang_up(parts, call, [said.prompt(call.language, "goodbye")])
    if silent:
        return _hang_up(parts, call, [said.prompt(call.language, "goodbye_silence")])
    return None


def _after_silence(parts: Parts, call: CallView) -> str:
    """Twice the question again, then the offer of a specialist, then goodbye."""
    silences = call.silences + 1
    parts.calls.update(call.conversation_id, silences=silences)
    language = call.language
    if silences <= REPROMPTS:
        texts = [said.prompt(language, "no_input"), call.prompt]
        return _ask(parts, call.conversation_id, texts, language, call.expecting, keep_prompt=True)
    if silences == REPROMPTS + 1:
        offer = said.prompt(language, "offer_specialist")
        return _ask(parts, call.conversation_id, [offer], language, OFFER_SPECIALIST)
    return _hang_up(parts, call, [said.prompt(language, "goodbye_silence")])


def _ask(
    parts: Parts,
    conversation_id: str,
    texts: list[str],
    language: str,
    expecting: str | None,
    *,
    keep_prompt: bool = False,
) -> str:
    """Says ``texts`` and listens for the answer to the question they end with."""
    spoken = [text for text in texts if text]
    values: dict[str, Any] = {"expecting": expecting, "language": language}
    if not keep_prompt:
        values["prompt"] = " ".join(spoken)
    next_turn = parts.calls.next_turn(conversation_id, **values)
    shape = voice_input.YES_NO if expecting in OWN_QUESTIONS else voice_input.expectation(expecting)
    listen = twiml.Listen(
        action=public_url_for("voice.turn", turn=next_turn),
        language=language,
        num_digits=shape.num_digits,
        speech_timeout=shape.speech_timeout,
        hints=shape.hints,
    )
    return twiml.ask(spoken, language, listen)


def _hang_up(parts: Parts, call: CallView, texts: list[str]) -> str:
    parts.calls.end(call.conversation_id)
    return twiml.say_and_hang_up(texts, call.language)


# -- the assistant's answer, in time or after a filler -----------------------------------------


def _assistant_turn(
    parts: Parts, call: CallView, text: str, *, keyed: bool, turn_number: int
) -> str:
    """Stores the caller's words, asks the assistant in a worker thread, and answers with its
    reply if it comes within ``voice_wait_seconds``, else with a filler and a redirect."""
    provider_sid = f"{_call_sid()}:{turn_number}"
    try:
        inbound_id, _ = parts.store.record_inbound(
            InboundMessage(
                conversation_id=call.conversation_id,
                channel=CHANNEL,
                address_encrypted=parts.privacy.encrypt(request.form.get("From", "")),
                provider_sid=provider_sid,
                body_encrypted=parts.privacy.encrypt(text),
            )
        )
    except DuplicateMessage:
        # Twilio asked twice for the same turn: the answer of the first, never a second turn.
        log.info("repeated call turn; answering from the stored result")
        return _answer_or_wait(parts, call, turn_number, waited=0)
    metadata = {
        "channel": CHANNEL,
        "language": call.language,
        "input": "dtmf" if keyed else "speech",
    }
    answered: Future[TurnResult] = Future()
    parts.pool.submit(
        _ask_assistant,
        parts,
        call.conversation_id,
        turn_number,
        inbound_id,
        text,
        metadata,
        answered,
    )
    try:
        result = answered.result(timeout=parts.settings.voice_wait_seconds)
    except FutureTimeout:
        return _keep_alive(call, turn_number, waited=1)
    return _render(parts, call, result)


def _ask_assistant(
    parts: Parts,
    conversation_id: str,
    turn_number: int,
    inbound_id: int,
    text: str,
    metadata: dict[str, Any],
    answered: Future[TurnResult],
) -> None:
    """Runs in the pool: the assistant's answer (or why not) goes to the request waiting for it
    (``answered``) at once, then is stored with the call, for whichever request serves this
    turn after a filler, and in the transcript."""
    started = time.perf_counter()
    try:
        result = parts.rasa.voice_turn(
            conversation_id, text, metadata, parts.settings.rasa_timeout_seconds
        )
    except AssistantUnavailable as failure:
        log.error(
            "assistant unavailable on a call after %.2fs (%s)",
            time.perf_counter() - started,
            failure,
        )
        result = TurnResult(error=str(failure))
    answered.set_result(result)
    try:
        parts.calls.save_result(conversation_id, turn_number, result, inbound_id=inbound_id)
    except Exception:  # the pool would swallow it: say so
        log.exception("could not store the answer to a call's turn")


def _keep_alive(call: CallView, turn_number: int, *, waited: int) -> str:
    key = "filler" if waited <= 1 else "filler_again"
    url = public_url_for("voice.wait", turn=turn_number, waited=waited)
    return twiml.keep_alive(said.prompt(call.language, key), call.language, url)


@bp.post("/twilio/voice/wait")
@twilio_signed
def wait() -> Response:
    parts = _parts()
    call = _current_call(parts)
    turn_number = request.args.get("turn", 0, type=int)
    waited = request.args.get("waited", 1, type=int) or 1
    return twiml_response(_answer_or_wait(parts, call, turn_number, waited=waited))


def _answer_or_wait(parts: Parts, call: CallView, turn_number: int, *, waited: int) -> str:
    """The turn's stored result when it comes within the wait; else another filler, and after
    ``MAX_WAITS`` the call goes to a person (the answer may have been lost with a process)."""
    deadline = time.monotonic() + parts.settings.voice_wait_seconds
    while True:
        result = parts.calls.result(call.conversation_id, turn_number)
        if result is not None:
            return _render(parts, call, result)
        if time.monotonic() >= deadline:
            break
        time.sleep(POLL_SECONDS)
    if waited >= MAX_WAITS:
        return _render(parts, call, TurnResult(error="no answer in time"))
    return _keep_alive(call, turn_number, waited=waited + 1)


def _render(parts: Parts, call: CallView, result: TurnResult) -> str:
    """The assistant's answer as TwiML: a question, a transfer, or the way to a person when the
    assistant could not answer."""
    language = result.language if result.language in LANGUAGES else call.language
    if result.error:
        return _to_person_without_assistant(parts, call, language)
    texts = list(result.texts)
    if result.paused:
        handoff = parts.handoffs.open_for(call.conversation_id)
        if handoff is not None:
            parts.calls.update(call.conversation_id, handoff_id=handoff.id, language=language)
            if handoff.priority == Priority.URGENT.value:
                # The 911 answer came first; now the transfer is offered (made on silence too).
                return _ask(parts, call.conversation_id, texts, language, EMERGENCY_TRANSFER)
            return _transfer(parts, call, handoff.id, texts, language=language)
    return _ask(parts, call.conversation_id, texts, language, result.requested_slot)


def _to_person_without_assistant(parts: Parts, call: CallView, language: str) -> str:
    """The assistant is down or too slow: the caller never hears an error, but a person."""
    unavailable = said.prompt(language, "unavailable")
    handoff, _ = parts.handoffs.request(
        call.conversation_id,
        channel=CHANNEL,
        language=language,
        reason=Reason.FALLBACK,
        priority=Priority.NORMAL,
        summary={"asked": [], "details": {}, "assistant": "unavailable during a call"},
    )
    parts.calls.update(call.conversation_id, handoff_id=handoff.id)
    connecting = said.prompt(language, "connecting")
    return _transfer(parts, call, handoff.id, [unavailable, connecting], language=language)


# -- reaching a person -------------------------------------------------------------------------


def _transfer(
    parts: Parts, call: CallView, handoff_id: str, texts: list[str], *, language: str = ""
) -> str:
    settings = parts.settings
    language = language or call.language
    parts.calls.update(call.conversation_id, status="transfer")
    action = public_url_for("voice.transfer_result", handoff=handoff_id)
    if settings.voice_transfer == "enqueue":
        to = twiml.Transfer(
            action=action,
            queue=settings.voice_queue,
            wait_url=public_url_for("voice.hold", language=language),
        )
    elif settings.transfer_number:
        to = twiml.Transfer(
            action=action,
            number=settings.transfer_number,
            caller_id=settings.twilio_phone_number,
            whisper_url=public_url_for("voice.whisper", handoff_id=handoff_id),
            ring_seconds=settings.voice_ring_seconds,
        )
    else:
        phone = settings.specialist_phone
        line = said.prompt(language, "no_specialist_line", phone=phone)
        return _hang_up(parts, call, [*texts, line])
    return twiml.transfer(texts, language, to)


@bp.post("/twilio/voice/transfer")
@twilio_signed
def transfer_result() -> Response:
    """How the ``<Dial>`` or ``<Enqueue>`` ended. Answered: the call is done. Not: the caller is
    back with the assistant, which offers a callback (its ``callback_form``)."""
    parts = _parts()
    call = _current_call(parts)
    handoff_id = request.args.get("handoff", "")
    outcome = request.form.get("DialCallStatus") or request.form.get("QueueResult") or "unknown"
    try:
        parts.handoffs.record_call(handoff_id, outcome)
    except LookupError:
        abort(404, description="no such handoff")
    if outcome in ANSWERED:
        parts.handoffs.answered_by_phone(handoff_id, LINE_ACTOR)
        return twiml_response(
            _hang_up(parts, call, [said.prompt(call.language, "after_specialist")])
        )
    if outcome == "hangup":  # the caller hung up while waiting in the queue
        parts.calls.end(call.conversation_id)
        return twiml_response(twiml.hang_up())
    parts.calls.update(call.conversation_id, status="active")
    try:
        parts.rasa.resume(call.conversation_id)
    except AssistantUnavailable:
        line = said.prompt(
            call.language, "no_specialist_line", phone=parts.settings.specialist_phone
        )
        return twiml_response(_hang_up(parts, call, [line]))
    # The assistant offers the callback (and takes it with its callback form).
    turn_number = parts.calls.next_turn(call.conversation_id)
    return twiml_response(
        _assistant_turn(parts, call, TRANSFER_UNANSWERED, keyed=True, turn_number=turn_number)
    )


@bp.post("/twilio/voice/whisper/<handoff_id>")
@twilio_signed
def whisper(handoff_id: str) -> Response:
    try:
        handoff: HandoffView = _parts().handoffs.get(handoff_id)
    except LookupError:
        abort(404, description="no such handoff")
    text = said.whisper(
        handoff.reason, handoff.language, urgent=handoff.priority == Priority.URGENT.value
    )
    return twiml_response(twiml.whisper(text))


@bp.post("/twilio/voice/hold")
@twilio_signed
def hold() -> Response:
    language = request.args.get("language", "en")
    return twiml_response(twiml.hold(language if language in LANGUAGES else "en"))


@bp.post("/twilio/voice/status")
@twilio_signed
def call_status() -> Response:
    """The number's status callback: a completed call is marked ended."""
    parts = _parts()
    if request.form.get("CallStatus") in ("completed", "busy", "failed", "no-answer", "canceled"):
        call = parts.calls.get(_call_sid())
        if call is not None and call.status != "ended":
            parts.calls.end(call.conversation_id)
    return Response(status=204)


def new_pool(threads: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=threads, thread_name_prefix="voice-turn")
