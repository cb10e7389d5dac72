"""Which language to answer in: detected once, kept in the ``language`` slot, switched on request.

Detection uses lingua, which ships its language models inside the package (nothing is downloaded),
restricted to English and Spanish. Short messages ("hi", "ok", "thx") are ambiguous, so a language
is only chosen once lingua is confident; until then replies use the default (English) variation,
which tells Spanish speakers how to switch.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from lingua import Language, LanguageDetector, LanguageDetectorBuilder
from rasa_sdk import Tracker, ValidationAction
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions import review
from actions.slots import LANGUAGE, REG_LANGUAGE

SUPPORTED = ("en", "es")
DEFAULT_LANGUAGE = "en"
MIN_CONFIDENCE = 0.8
# "ok", "si", "hi", "thx": too few letters to tell anything.
MIN_LETTERS = 4

_CODES = {Language.ENGLISH: "en", Language.SPANISH: "es"}
# Words no English texter uses, common in first messages ("hola", "buenas", "gracias").
SPANISH_MARKERS = frozenset(
    {"hola", "buenas", "buenos", "gracias", "ayuda", "necesito", "quiero", "porfa", "señora"}
)
_NON_WORDS = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*_CODES).build()


def detect_language(text: str, min_confidence: float = MIN_CONFIDENCE) -> str | None:
    """Return "en" or "es" when the text is confidently one of them, else None.

    Digits and punctuation are dropped first: an A-number or a phone number says nothing
    about the language it was typed in.
    """
    words = " ".join(_NON_WORDS.findall(text))
    if len(words.replace(" ", "")) < MIN_LETTERS:
        return None
    best = _detector().compute_language_confidence_values(words)[0]
    if best.value >= min_confidence:
        return _CODES[best.language]
    # Too short for statistics, but "hola" or "gracias" alone still says Spanish.
    if SPANISH_MARKERS & set(words.casefold().split()):
        return "es"
    return None


# "I don't understand English" asks for Spanish, and the other way round.
_CANNOT_USE = {
    "es": re.compile(
        r"\b(no|dont|don't|do not|cant|can't|cannot)\b.{0,25}(ingl|english)|"
        r"english (is|isn't|isnt|not) (bad|not good|poor|good)|my english"
    ),
    "en": re.compile(
        r"\b(no|dont|don't|do not|cant|can't|cannot)\b.{0,25}(espa|spanish)|"
        r"my spanish|mi espa"
    ),
}
_LANGUAGE_NAMES = {
    "en": ("english", "ingles", "inglés", "engl"),
    "es": ("spanish", "espanol", "español", "castellano", "espa"),
}


def requested_language(tracker: Tracker, current: str | None) -> str:
    """The language a ``change_language`` message asks for; a bare "switch language" toggles."""
    text = (tracker.latest_message.get("text") or "").casefold()
    for code, pattern in _CANNOT_USE.items():
        if pattern.search(text):
            return code
    for value in tracker.get_latest_entity_values("language"):
        if value in SUPPORTED:
            return str(value)
    named = [code for code, names in _LANGUAGE_NAMES.items() if any(n in text for n in names)]
    if len(named) == 1:
        return named[0]
    return "es" if (current or DEFAULT_LANGUAGE) == "en" else "en"


def channel_language(tracker: Tracker) -> str | None:
    """A language the channel already knows (a caller who pressed 2 for Spanish)."""
    metadata = tracker.latest_message.get("metadata") or {}
    language = metadata.get("language")
    return language if language in SUPPORTED else None


class ValidatePredefinedSlots(ValidationAction):
    """Fills the ``language`` slot after every user message (Rasa's custom slot mappings), and
    reports a turn the assistant may have misunderstood to the review inbox (``actions.review``:
    without waiting for it)."""

    def name(self) -> str:
        return "action_validate_slot_mappings"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events = await super().run(dispatcher, tracker, domain)
        language = tracker.get_slot(LANGUAGE)  # the validation set it, if it changed
        review.report_turn(tracker, language if language in SUPPORTED else DEFAULT_LANGUAGE)
        return events

    async def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        current = tracker.get_slot(LANGUAGE)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        # "Spanish" as the answer to "which language should alerts use?" chooses the alerts'
        # language, not this conversation's.
        answering_alert_language = tracker.get_slot(REQUESTED_SLOT) == REG_LANGUAGE
        if intent == "change_language" and not answering_alert_language:
            return {LANGUAGE: requested_language(tracker, current)}
        if current in SUPPORTED:
            return {}
        detected = channel_language(tracker) or detect_language(
            tracker.latest_message.get("text") or ""
        )
        return {LANGUAGE: detected} if detected else {}
