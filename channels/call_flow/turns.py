"""The assistant's answer within the webhook's time: the caller's words are stored, the
assistant is asked in a worker thread, and its answer is said if it comes within
``voice_wait_seconds``; else a filler and a ``<Redirect>`` to ``/twilio/voice/wait``, which picks
the answer up from the database (so any gateway worker can serve it)."""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from channels.assistant.client import AssistantUnavailable, Intent, TurnResult
from channels.call_flow.answers import render
from channels.call_flow.context import Parts, Webhook
from channels.call_flow.store import CHANNEL, CallView
from channels.metrics import FALLBACK_ANSWERS
from channels.storage.messages import DuplicateMessage, InboundMessage
from channels.texts import calls as said
from channels.twilio import twiml
from channels.twilio.signature import public_url_for

log = logging.getLogger(__name__)

POLL_SECONDS = 0.05
MAX_WAITS = 4  # redirects to /wait before the call is given to a person


def assistant_turn(
    parts: Parts,
    hook: Webhook,
    call: CallView,
    text: str | Intent,
    *,
    keyed: bool,
    turn_number: int,
) -> str:
    """Stores the caller's words, asks the assistant in a worker thread, and answers with its
    reply if it comes within ``voice_wait_seconds``, else with a filler and a redirect."""
    provider_sid = f"{hook.call_sid}:{turn_number}"
    try:
        inbound_id = parts.store.record_inbound(
            InboundMessage(
                conversation_id=call.conversation_id,
                channel=CHANNEL,
                address_encrypted=parts.privacy.encrypt(hook.caller),
                provider_sid=provider_sid,
                body_encrypted=parts.privacy.encrypt(str(text)),
            )
        ).inbound_id
    except DuplicateMessage:
        # Twilio asked twice for the same turn: the answer of the first, never a second turn.
        log.info("repeated call turn; answering from the stored result")
        return answer_or_wait(parts, call, turn_number, waited=0)
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
    return render(parts, call, result)


def _ask_assistant(
    parts: Parts,
    conversation_id: str,
    turn_number: int,
    inbound_id: int,
    text: str | Intent,
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
        FALLBACK_ANSWERS.labels("voice").inc()
    answered.set_result(result)
    try:
        parts.calls.save_result(conversation_id, turn_number, result, inbound_id=inbound_id)
    except Exception:  # the pool would swallow it: say so
        log.exception("could not store the answer to a call's turn")


def _keep_alive(call: CallView, turn_number: int, *, waited: int) -> str:
    key = "filler" if waited <= 1 else "filler_again"
    url = public_url_for("voice.wait", turn=turn_number, waited=waited)
    return twiml.keep_alive(said.prompt(call.language, key), call.language, url)


def answer_or_wait(parts: Parts, call: CallView, turn_number: int, *, waited: int) -> str:
    """The turn's stored result when it comes within the wait; else another filler, and after
    ``MAX_WAITS`` the call goes to a person (the answer may have been lost with a process)."""
    deadline = time.monotonic() + parts.settings.voice_wait_seconds
    while True:
        result = parts.calls.result(call.conversation_id, turn_number)
        if result is not None:
            return render(parts, call, result)
        if time.monotonic() >= deadline:
            break
        time.sleep(POLL_SECONDS)
    if waited >= MAX_WAITS:
        return render(parts, call, TurnResult(error="no answer in time"))
    return _keep_alive(call, turn_number, waited=waited + 1)
