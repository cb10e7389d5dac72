"""Saying something and listening for the answer, shaped by the question; or saying goodbye."""

from __future__ import annotations

from typing import Any

from channels.call_flow import caller_input
from channels.call_flow.context import OWN_QUESTIONS, Parts
from channels.call_flow.store import CallView
from channels.twilio import twiml
from channels.twilio.signature import public_url_for


def ask(
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
    shape = (
        caller_input.YES_NO if expecting in OWN_QUESTIONS else caller_input.expectation(expecting)
    )
    listen = twiml.Listen(
        action=public_url_for("voice.turn", turn=next_turn),
        language=language,
        num_digits=shape.num_digits,
        speech_timeout=shape.speech_timeout,
        hints=shape.hints,
        speech_model=parts.settings.speech_model(language),
    )
    return twiml.ask(spoken, language, listen)


def hang_up(parts: Parts, call: CallView, texts: list[str]) -> str:
    parts.calls.end(call.conversation_id)
    return twiml.say_and_hang_up(texts, call.language)
