"""The Rasa side of phone calls: a REST-style input channel named ``voice``.

Two things the plain REST channel cannot do:

- Rasa picks a response variation by the *output* channel's name, and the REST channel's is
  "collector". Answers collected here come from a channel named ``voice``, so the domain's
  ``channel: voice`` variations (short, spoken, keypad instructions) are the ones said on calls.
- The gateway must know, after each turn, what the assistant now expects: the caller's language
  (for the speech recogniser and the voice), the question a form is asking (keypad lengths and
  speech hints), and whether the conversation was handed to a person. The answer carries that
  ``state`` beside the messages, taken from the tracker as the processor saves it at the end of
  the turn (``TurnStates``). Reading it back from the tracker store instead rebuilt the whole
  tracker once more per turn: measurable CPU on Rasa's single event loop under load.

Registered in ``bot/credentials.yml``; the gateway posts to ``/webhooks/voice/webhook`` on
loopback, like the REST channel.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

CHANNEL_NAME = "voice"


class VoiceOutput(CollectingOutputChannel):
    """Collects the turn's messages; its name selects the ``channel: voice`` variations."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL_NAME


def turn_state(tracker: DialogueStateTracker | None) -> dict[str, Any]:
    """What the gateway needs to carry the call on after this turn."""
    if tracker is None:
        return {"language": None, "requested_slot": None, "active_loop": None, "paused": False}
    return {
        "language": tracker.get_slot("language"),
        "requested_slot": tracker.get_slot("requested_slot"),
        "active_loop": tracker.active_loop_name,
        "paused": tracker.is_paused(),
    }


class TurnStates:
    """Remembers ``turn_state`` of the trackers of calls in progress as the processor saves them
    (a wrapper on the processor's public ``save_tracker``; other conversations pass through)."""

    def __init__(self) -> None:
        self._waiting: set[str] = set()
        self._states: dict[str, dict[str, Any]] = {}

    def watch(self, processor: Any) -> None:
        """Wraps ``processor.save_tracker`` once (again after a model reload: a new processor)."""
        if getattr(processor, "_voice_turn_states", None) is self:
            return
        save = processor.save_tracker

        async def save_and_remember(tracker: DialogueStateTracker) -> None:
            await save(tracker)
            if tracker.sender_id in self._waiting:
                self._states[tracker.sender_id] = turn_state(tracker)

        processor.save_tracker = save_and_remember
        processor._voice_turn_states = self

    def expect(self, sender: str) -> None:
        self._waiting.add(sender)

    def take(self, sender: str) -> dict[str, Any] | None:
        self._waiting.discard(sender)
        return self._states.pop(sender, None)


class VoiceInput(RestInput):
    def __init__(self) -> None:
        self.states = TurnStates()

    @classmethod
    def name(cls) -> str:
        return CHANNEL_NAME

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("voice_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            payload = request.json if isinstance(request.json, dict) else {}
            sender, text = payload.get("sender"), payload.get("message")
            if not isinstance(sender, str) or not sender or not isinstance(text, str):
                return response.json({"error": "send JSON with sender and message"}, status=400)
            metadata = payload.get("metadata")
            collector = VoiceOutput()
            agent = request.app.ctx.agent
            self.states.watch(agent.processor)
            self.states.expect(sender)
            try:
                await on_new_message(
                    UserMessage(
                        text,
                        collector,
                        sender,
                        input_channel=CHANNEL_NAME,
                        metadata=metadata if isinstance(metadata, dict) else None,
                    )
                )
            finally:
                state = self.states.take(sender)
            if state is None:  # not saved this turn (a failure): read it back
                state = turn_state(await agent.tracker_store.retrieve(sender))
            return response.json({"messages": collector.messages, "state": state})

        return webhook
