"""Reading response texts from the domain, for actions that compose one response from others."""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.types import DomainDict

from actions.slots import LANGUAGE

VOICE = "voice"


def message_channel(tracker: Tracker) -> str | None:
    """The channel the person is using ("sms", "voice"), as the gateway says in the metadata."""
    channel = (tracker.latest_message.get("metadata") or {}).get("channel")
    return channel if isinstance(channel, str) else None


def response_text(
    domain: DomainDict, name: str, language: str | None, channel: str | None = None
) -> str:
    """The text of response ``name`` in ``language``, as Rasa would choose it for ``channel``:
    that channel's variations when it has some (``channel: voice``), else the others; in each,
    the variation conditioned on the language, else the unconditioned (English) one. Raises
    KeyError for an unknown response."""
    variations = domain["responses"][name]
    on_channel = [v for v in variations if channel and v.get("channel") == channel]
    pool = on_channel or [v for v in variations if not v.get("channel")]
    default = next(v["text"] for v in pool if not v.get("condition"))
    for variation in pool:
        for condition in variation.get("condition") or []:
            if condition.get("name") == LANGUAGE and condition.get("value") == language:
                return str(variation["text"])
    return str(default)


_MASKED_PHONE = re.compile(r"^\*+[-\s]?(\d{2,4})$")
_MASKED_EMAIL = re.compile(r"^[^@\s]*\*+@([\w.-]+)$")
_ENDING = {"en": "ending in {digits}", "es": "que termina en {digits}"}
_EMAIL_AT = {"en": "an e-mail address at {domain}", "es": "un correo de {domain}"}


def spoken_hint(hint: str, language: str | None) -> str:
    """A masked contact as a caller can hear it: "***-0142" -> "ending in 0142" (the gateway
    reads the digits one by one); "a***@example.org" -> "an e-mail address at example.org"."""
    language = language if language in _ENDING else "en"
    phone = _MASKED_PHONE.match(hint.strip())
    if phone:
        return _ENDING[language].format(digits=phone.group(1))
    email = _MASKED_EMAIL.match(hint.strip())
    if email:
        return _EMAIL_AT[language].format(domain=email.group(1))
    return hint


def shown_hint(hint: str, tracker: Tracker, language: str | None) -> str:
    """The masked contact as written (texts) or as said (calls)."""
    return spoken_hint(hint, language) if message_channel(tracker) == VOICE else hint
