"""What one call webhook works with: the app's services and settings (``Parts``), the few fields
of Twilio's request the call flow reads (``Webhook``), and the states of the gateway's own
questions."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from flask import Flask
from werkzeug.exceptions import BadRequest, NotFound

from channels.assistant.client import RASA, RasaClient
from channels.call_flow.store import CALLS, CallStore, CallView
from channels.config.settings import Settings, current_settings
from channels.extension import Extension
from channels.handoff.service import HANDOFFS, HandoffService
from channels.storage.messages import STORE, MessageStore
from channels.storage.privacy import PRIVACY, Privacy

# Calls' assistant turns run in a pool, so that a slow turn can be answered after a filler.
VOICE_POOL: Extension[ThreadPoolExecutor] = Extension("voice_pool")
VOICE_THREADS = 32

REPROMPTS = 2  # silences answered with "I didn't hear anything" and the question again
# States of the gateway's own yes/no questions (the ``expecting`` column).
OFFER_SPECIALIST = "offer_specialist"
EMERGENCY_TRANSFER = "emergency_transfer"
CONFIRM_HEARD = "confirm_heard"
OWN_QUESTIONS = (OFFER_SPECIALIST, EMERGENCY_TRANSFER, CONFIRM_HEARD)


@dataclass(frozen=True)
class Parts:
    settings: Settings
    calls: CallStore
    store: MessageStore
    privacy: Privacy
    rasa: RasaClient
    handoffs: HandoffService
    pool: ThreadPoolExecutor

    @classmethod
    def of(cls, app: Flask | None = None) -> Parts:
        """The current app's (or ``app``'s)."""
        return cls(
            settings=current_settings(app),
            calls=CALLS.get(app),
            store=STORE.get(app),
            privacy=PRIVACY.get(app),
            rasa=RASA.get(app),
            handoffs=HANDOFFS.get(app),
            pool=VOICE_POOL.get(app),
        )


@dataclass(frozen=True)
class Webhook:
    """What the call flow reads of one of Twilio's webhook requests."""

    call_sid: str
    caller: str  # Twilio's ``From``
    turn_in_url: int = 0  # the turn a ``<Gather>`` action names in its URL (0: none)

    def turn(self) -> int:
        """The turn this request answers; 400 when its URL names none (asked only when needed:
        a silence is handled without one)."""
        if not self.turn_in_url:
            raise BadRequest(description="missing turn")
        return self.turn_in_url

    def call(self, parts: Parts) -> CallView:
        """This call's state; 404 for a call the gateway never started."""
        call = parts.calls.get(self.call_sid)
        if call is None:
            raise NotFound(description="no such call")
        return call


def new_pool(threads: int = VOICE_THREADS) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=threads, thread_name_prefix="voice-turn")
