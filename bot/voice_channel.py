"""The Rasa side of phone calls: a REST-style input channel named ``voice``.

Two things the plain REST channel cannot do:

- Rasa picks a response variation by the *output* channel's name, and the REST channel's is
  "collector". Answers collected here come from a channel named ``voice``, so the domain's
  ``channel: voice`` variations (short, spoken, keypad instructions) are the ones said on calls.
- The gateway must know, after each turn, what the assistant now expects: the caller's language
  (for the speech recogniser and the voice), the question a form is asking (keypad lengths and
  speech hints), and whether the conversation was handed to a person. The answer carries that
  ``state`` beside the messages, read from the tracker once the turn is over.

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


class VoiceInput(RestInput):
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
            await on_new_message(
                UserMessage(
                    text,
                    collector,
                    sender,
                    input_channel=CHANNEL_NAME,
                    metadata=metadata if isinstance(metadata, dict) else None,
                )
            )
            tracker = await request.app.ctx.agent.tracker_store.retrieve(sender)
            return response.json({"messages": collector.messages, "state": turn_state(tracker)})

        return webhook
