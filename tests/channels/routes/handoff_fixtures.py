"""What the tests of the specialists' two surfaces (the console and the handoff API) share: the
victim's number and texts, an assistant that records Rasa's resume, and readers of what the
victim was sent and of a handoff's history."""

from __future__ import annotations

from flask import Flask

from channels.assistant.client import AssistantUnavailable
from channels.handoff.service import HANDOFFS
from channels.outbound.message import Channel
from channels.outbound.outbox import OUTBOX, OutboxEntry
from channels.storage.privacy import PRIVACY
from tests.channels.conftest import ScriptedAssistant, SignedPost

PHONE = "+17135550142"  # fictional (555-01xx)
REPLY = "Hola, soy Ana, especialista de la oficina. ¿Está en un lugar seguro ahora?"
SUMMARY = {"asked": ["request_human"], "details": {"help_location": "Houston"}}


class RecordingAssistant(ScriptedAssistant):
    """The scripted assistant, with Rasa's pause and resume recorded (or failing when down)."""

    def __init__(self) -> None:
        super().__init__()
        self.resumed: list[str] = []
        self.down = False

    def resume(self, sender: str) -> None:
        if self.down:
            raise AssistantUnavailable("ConnectionError")
        self.resumed.append(sender)


def conversation(app: Flask, signed_post: SignedPost, *texts: str) -> str:
    """The victim texts the hotline (creating the conversation); its id, the Rasa sender_id."""
    for text in texts or ("I need to talk to a person",):
        assert signed_post(Body=text, From=PHONE).status_code == 200
    return str(PRIVACY.get(app).conversation_key(PHONE))


def texts_to_victim(app: Flask) -> list[OutboxEntry]:
    return list(reversed(OUTBOX.get(app).list(channel=Channel.SMS, to=PHONE)))


def history(app: Flask, handoff_id: str) -> list[tuple[str, str | None]]:
    return [(e["kind"], e["actor"]) for e in HANDOFFS.get(app).history(handoff_id)]
