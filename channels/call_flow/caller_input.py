"""What a caller said or keyed, made into what the assistant reads (pure functions).

Each ``<Gather>`` is shaped by the question being asked (the form's ``requested_slot``, which
the voice channel returns after every turn): how many keys end the answer, whether the pound
key does, which words to hint to the speech recogniser, how long a pause ends speech. Keys the
whole call understands: ``0`` asks for a specialist, ``*`` repeats; saying "repeat" repeats.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from channels.assistant.client import Intent
from formats.answers import parse_yes_no
from formats.digits import spoken_digits


class Kind(str, enum.Enum):
    SILENCE = "silence"
    SPECIALIST = "specialist"
    REPEAT = "repeat"
    TEXT = "text"


@dataclass(frozen=True)
class CallerInput:
    kind: Kind
    text: str = ""
    keyed: bool = False


@dataclass(frozen=True)
class Expectation:
    """How to listen for the answer to one question."""

    num_digits: int | None = None  # this many keys end the answer (else the pound key does)
    speech_timeout: int = 2  # seconds of pause that end speech
    hints: tuple[str, ...] = ()
    digits_only: bool = False  # a number is expected: number words become digits


SPECIALIST_KEY = "0"
REPEAT_KEY = "*"
# The caller pressed 0: the assistant's intent, no NLU needed.
REQUEST_HUMAN = Intent("request_human")

YES_NO_HINTS = ("yes", "no", "sí", "no")
FREE_SPEECH = Expectation(
    speech_timeout=2,
    hints=(
        "custody alerts",
        "specialist",
        "detained",
        "released",
        "deported",
        "A-number",
        "VOICE office",
        "victim",
        "avisos de custodia",
        "especialista",
        "detenido",
    ),
)
# Dictated numbers: people pause between groups of digits, so a longer pause ends them.
DIGITS = Expectation(speech_timeout=3, digits_only=True)

EXPECTATIONS: dict[str, Expectation] = {
    "reg_relationship": Expectation(num_digits=1, hints=("victim", "family", "guardian")),
    "reg_terms": Expectation(num_digits=1, hints=YES_NO_HINTS),
    "reg_offender_name": Expectation(speech_timeout=2),
    "reg_a_number": DIGITS,
    "reg_birth_date": Expectation(speech_timeout=3),
    "reg_country": Expectation(hints=("Mexico", "Guatemala", "Honduras", "El Salvador")),
    "reg_channel": Expectation(num_digits=1, hints=("text message", "phone call", "e-mail")),
    "reg_contact": Expectation(speech_timeout=3, hints=("this number", "este número")),
    "reg_voicemail_ok": Expectation(num_digits=1, hints=YES_NO_HINTS),
    "reg_discreet": Expectation(num_digits=1, hints=YES_NO_HINTS),
    "reg_language": Expectation(num_digits=1, hints=("English", "Spanish", "español")),
    "reg_pin": Expectation(num_digits=4, digits_only=True),
    "reg_confirmed": Expectation(num_digits=1, hints=YES_NO_HINTS),
    "reg_code": Expectation(num_digits=6, speech_timeout=3, digits_only=True),
    "callback_window": Expectation(speech_timeout=2, hints=("morning", "afternoon", "evening")),
    "callback_voicemail_ok": Expectation(num_digits=1, hints=YES_NO_HINTS),
    "lc_confirm": Expectation(num_digits=1, hints=YES_NO_HINTS),
    "lc_choice": Expectation(num_digits=1),
    "lc_channel": Expectation(num_digits=1, hints=("text message", "phone call", "e-mail")),
    "lc_value": Expectation(speech_timeout=3),
}
YES_NO = Expectation(num_digits=1, hints=YES_NO_HINTS)

_REPEAT_PHRASES = frozenset(
    {
        "repeat",
        "repeat that",
        "repeat it",
        "say that again",
        "say it again",
        "can you repeat that",
        "what did you say",
        "sorry what",
        "pardon",
        "repite",
        "repita",
        "repítalo",
        "otra vez",
        "puede repetir",
        "mande",
        "cómo dice",
    }
)
_PUNCTUATION = re.compile(r"[^\w\s']+")
# Digits a speech recogniser writes as look-alike words when someone dictates a number.
_DICTATION_PUNCTUATION = re.compile(r"(?<=\d)\s*[,.;]\s*(?=\d)")
_HOMOPHONES = {"to": "2", "too": "2", "for": "4", "fore": "4", "won": "1", "ate": "8"}


def expectation(requested_slot: str | None) -> Expectation:
    return EXPECTATIONS.get(requested_slot or "", FREE_SPEECH)


def classify(speech: str, digits: str, expecting: Expectation) -> CallerInput:
    """Keys first (they are exact), then speech."""
    digits = digits.strip()
    if digits == SPECIALIST_KEY:
        return CallerInput(Kind.SPECIALIST, keyed=True)
    if digits == REPEAT_KEY:
        return CallerInput(Kind.REPEAT, keyed=True)
    if digits:
        return CallerInput(Kind.TEXT, digits.strip("#*"), keyed=True)
    said = " ".join(speech.split())
    if not said:
        return CallerInput(Kind.SILENCE)
    if _phrase(said) in _REPEAT_PHRASES:
        return CallerInput(Kind.REPEAT)
    return CallerInput(Kind.TEXT, normalise_speech(said, expecting))


def normalise_speech(said: str, expecting: Expectation) -> str:
    """Number words become digits when a number is asked for ("two oh four, five five five" ->
    "204 555"); look-alike words too ("to" -> 2), but only then: elsewhere they are words."""
    if not expecting.digits_only:
        return said
    words = [_HOMOPHONES.get(word.casefold(), word) for word in said.split()]
    digits = spoken_digits(" ".join(words))
    # Recognisers punctuate dictated numbers ("2 0 4, 5 5 5."): the commas are pauses.
    return _DICTATION_PUNCTUATION.sub(" ", digits).strip(" .")


_POLITE = re.compile(r"\b(please|por favor|can you|could you)\b")


def _phrase(said: str) -> str:
    """The words alone, without punctuation or "please": "Repeat that, please." -> "repeat that"."""
    return " ".join(_POLITE.sub(" ", _PUNCTUATION.sub(" ", said.casefold())).split())


def yes_or_no(speech: str, digits: str) -> bool | None:
    """The answer to a question the gateway asks itself ("transfer you?"): 1/yes, 2/no. Keys
    first, without the pound or star key that may end them."""
    answer = digits.strip("#* ") or speech
    return parse_yes_no(answer) if answer.strip() else None
