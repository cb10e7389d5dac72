"""Secrets people type in a conversation stay out of every transcript view.

A person texts or keys their alert PIN (4 digits) and the verification code we sent them
(6 digits) as answers to the assistant. Specialists and integrations read transcripts; neither
needs those digits, and a transcript is copied, printed and screenshotted. An inbound message is
hidden when it answers a question about a PIN or a code (the assistant's message before it says
"PIN", "code" or "código") and holds 4 to 8 digits, typed or spoken, or when it is nothing but a
PIN- or code-length number. Over-hiding a bare number is the safe error: the specialist can ask.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from formats.digits import spoken_digits
from formats.text import fold_phrase

HIDDEN = "[hidden: a PIN or code]"
_ASKS_FOR_SECRET = re.compile(r"\b(?:pin|pins|code|codes|codigo|codigos)\b")
_ONLY_A_NUMBER = re.compile(r"[\s\d.,\-#*]*")
_SECRET_LENGTHS = range(4, 9)
_BARE_SECRET_LENGTHS = (4, 6)


def redacted(transcript: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The transcript's messages in order, each secret answer's body replaced by ``HIDDEN``
    (and ``"redacted": True``)."""
    asked = False
    for message in transcript:
        body = str(message.get("body") or "")
        if message.get("direction") == "outbound":
            asked = bool(_ASKS_FOR_SECRET.search(fold_phrase(body[:2000])))
            yield message
        elif is_secret_answer(body, asked):
            yield {**message, "body": HIDDEN, "redacted": True}
        else:
            yield message


def is_secret_answer(body: str, asked: bool) -> bool:
    said = spoken_digits(body[:200])
    digits = re.sub(r"\D", "", said)
    if asked and len(digits) in _SECRET_LENGTHS:
        return True
    return bool(_ONLY_A_NUMBER.fullmatch(said)) and len(digits) in _BARE_SECRET_LENGTHS
