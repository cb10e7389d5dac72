"""People's full names: the lead-in removed ("my name is"), cased, and their initials.

Every parser takes the raw message (or speech transcript) and returns the normalised value, or
``None`` when the text does not hold exactly one valid value: ``None`` means "ask again".
"""

from __future__ import annotations

import re

from formats.text import fold

_NAME_LEAD_IN = re.compile(
    r"^\s*(?:"
    r"(?:(?:his|her|their|my|the|victim'?s|offender'?s)\s+)?(?:full\s+)?name\s*(?:is\b|:)"
    r"|(?:(?:su|el|mi)\s+)?nombre\s+(?:completo\s+)?es\b|nombre\s*:"
    r"|se\s+llama\b|me\s+llamo\b|(?:it|he|she)(?:'s|\s+is)\b|i(?:'m|\s+am)\b|(?:es|soy)\b"
    r")\s*:?",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['\-][^\W\d_]+)*|[^\W\d_]\.")
# Single letters are not here: "JOHN E SMITH" has a middle initial, not the particle "e".
_NAME_PARTICLES = {
    "de", "del", "la", "las", "los", "da", "das", "do", "dos", "di", "du", "van", "von", "der",
    "den", "le",
}  # fmt: skip
# Words that show the message is a sentence, not a name ("I don't know", "no sé").
_NOT_NAME_WORDS = {
    "i", "dont", "know", "not", "no", "is", "the", "what", "who", "why", "name", "nombre",
    "se", "que", "sabe", "sabes", "idea", "sure", "sorry", "unknown", "desconocido", "tengo",
    "have", "remember", "recuerdo", "was", "are", "am", "soy", "llama", "that", "this", "eso",
    "esto", "because", "porque", "siento",
}  # fmt: skip
_MAX_NAME_LENGTH = 100


def normalise_full_name(text: str) -> str | None:
    """A person's full name, tidied: "his name is JOSE o'neil-pérez" -> "Jose O'Neil-Pérez".

    Lead-ins ("his name is", "se llama", ...) are dropped and spaces collapsed. Words typed all
    in lower or upper case are title-cased (particles such as "de la" after the first word are
    lower-cased); mixed case ("McDonald") is kept. At least two words of letters (apostrophes,
    hyphens and initials like "F." allowed), at most 100 characters; otherwise None.
    """
    text = _NAME_LEAD_IN.sub("", text.replace("\u2019", "'"), count=1)
    words = text.strip().strip("\"'.!?,; ").split()
    if not words or not all(_NAME_WORD.fullmatch(word) for word in words):
        return None
    folded = [fold(word).replace("'", "") for word in words]
    if any(word in _NOT_NAME_WORDS for word in folded):
        return None
    if sum(word not in _NAME_PARTICLES for word in folded) < 2:
        return None
    name = " ".join(_name_case(word, position) for position, word in enumerate(words))
    return name if len(name) <= _MAX_NAME_LENGTH else None


def _name_case(word: str, position: int) -> str:
    if word != word.lower() and word != word.upper():
        return word
    if position > 0 and fold(word) in _NAME_PARTICLES:
        return word.lower()
    return word.title()


def name_initials(full_name: str) -> str:
    """ "John Doe" -> "J. D."; particles are skipped: "María de la Cruz" -> "M. C."."""
    return " ".join(
        f"{word[0].upper()}."
        for word in full_name.split()
        if word[0].isalpha() and fold(word) not in _NAME_PARTICLES
    )
