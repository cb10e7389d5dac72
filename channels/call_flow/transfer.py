"""Reaching a person: ``<Dial>`` to the specialists' line (with a whisper of why the person
called) or ``<Enqueue>``; when the assistant cannot answer, straight to a person."""

from __future__ import annotations

from channels.call_flow.asking import hang_up
from channels.call_flow.context import Parts
from channels.call_flow.store import CHANNEL, CallView
from channels.handoff.states import Priority, Reason
from channels.texts import calls as said
from channels.twilio import twiml
from channels.twilio.signature import public_url_for


def transfer(
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
        return hang_up(parts, call, [*texts, line])
    return twiml.transfer(texts, language, to)


def to_person_without_assistant(parts: Parts, call: CallView, language: str) -> str:
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
    return transfer(parts, call, handoff.id, [unavailable, connecting], language=language)


def whisper(parts: Parts, handoff_id: str) -> str:
    """What the specialist who answers hears first (LookupError: no such handoff)."""
    handoff = parts.handoffs.get(handoff_id)
    text = said.whisper(
        handoff.reason, handoff.language, urgent=handoff.priority == Priority.URGENT.value
    )
    return twiml.whisper(text)
