"""The assistant's answer to a turn as TwiML: a question, a transfer, or the way to a person
when the assistant could not answer."""

from __future__ import annotations

from channels.assistant.client import TurnResult
from channels.call_flow.asking import ask
from channels.call_flow.context import EMERGENCY_TRANSFER, Parts
from channels.call_flow.store import CallView
from channels.call_flow.transfer import to_person_without_assistant, transfer
from channels.handoff.states import Priority
from channels.texts.languages import LANGUAGES


def render(parts: Parts, call: CallView, result: TurnResult) -> str:
    language = result.language if result.language in LANGUAGES else call.language
    if result.error:
        return to_person_without_assistant(parts, call, language)
    texts = list(result.texts)
    if result.paused:
        handoff = parts.handoffs.open_for(call.conversation_id)
        if handoff is not None:
            parts.calls.update(call.conversation_id, handoff_id=handoff.id, language=language)
            if handoff.priority == Priority.URGENT.value:
                # The 911 answer came first; now the transfer is offered (made on silence too).
                return ask(parts, call.conversation_id, texts, language, EMERGENCY_TRANSFER)
            return transfer(parts, call, handoff.id, texts, language=language)
    return ask(parts, call.conversation_id, texts, language, result.requested_slot)
