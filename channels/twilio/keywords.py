"""Carrier keywords (CTIA): opt-out, opt-in and help, in English and Spanish.

A keyword counts only when it is the whole message ("STOP", " stop. "), never inside a sentence:
"stop sending me notifications" goes to the assistant, which understands it.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class Keyword(enum.Enum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"


class ExchangeReply(enum.Enum):
    """Answers to what the notification exchange texted: "Reply OK", "Text RENEW"."""

    CONFIRM = "confirm"
    RENEW = "renew"


OPT_OUT = {
    "en": {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "optout", "revoke"},
    "es": {"parar", "alto", "detener", "cancelar", "baja", "darse de baja"},
}
OPT_IN = {
    "en": {"start", "unstop", "subscribe"},
    "es": {"iniciar", "comenzar", "reanudar", "alta"},
}
HELP = {"en": {"help", "info"}, "es": {"ayuda", "informacion", "información"}}
# Answers that re-subscribe only someone who opted out ("yes" is otherwise just "yes").
OPT_IN_WHEN_OPTED_OUT = {"en": {"yes"}, "es": {"si", "sí"}}


CONFIRM = {"en": {"ok", "okay", "confirm", "confirmed", "received"}, "es": {"confirmo", "recibido"}}
RENEW = {"en": {"renew"}, "es": {"renovar"}}


# Twilio's ``OptOutType`` webhook parameter, sent when its opt-out handling acted on a text.
TWILIO_OPT_OUT_TYPES = {"STOP": Keyword.OPT_OUT, "START": Keyword.OPT_IN, "HELP": Keyword.HELP}


@dataclass(frozen=True)
class KeywordMatch:
    keyword: Keyword
    language: str


def _whole_message(body: str) -> str:
    return re.sub(r"[\s.!¡?¿]+", " ", body).strip().casefold()


def match_exchange_reply(body: str) -> tuple[ExchangeReply, str] | None:
    """The reply and its language, when the whole message is one of those words."""
    word = _whole_message(body)
    for reply, words_by_language in (
        (ExchangeReply.CONFIRM, CONFIRM),
        (ExchangeReply.RENEW, RENEW),
    ):
        for language, words in words_by_language.items():
            if word in words:
                return reply, language
    return None


def match_keyword(body: str, opted_out: bool = False) -> KeywordMatch | None:
    word = _whole_message(body)
    tables = [(Keyword.OPT_OUT, OPT_OUT), (Keyword.OPT_IN, OPT_IN), (Keyword.HELP, HELP)]
    if opted_out:
        tables.append((Keyword.OPT_IN, OPT_IN_WHEN_OPTED_OUT))
    for keyword, words_by_language in tables:
        for language, words in words_by_language.items():
            if word in words:
                return KeywordMatch(keyword, language)
    return None
