"""Text folding: the one place that decides when two spellings are "the same words".

People text without accents, in capitals, with curly apostrophes and stray punctuation; speech
recognition adds its own variants. Every matcher (keywords, the emergency guard, form answers,
names, places) compares folded text so that "Número", "NUMERO" and "numero" are one word.
All functions are pure and run in linear time in the length of their input.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_APOSTROPHES = str.maketrans("", "", "'\u2019\u2018\u02bc")
_WORD = re.compile(r"[^\W_]+")


def strip_accents(text: str) -> str:
    """Remove combining marks after compatibility decomposition: "Núñez" -> "Nunez", "1º" -> "1o".

    The result may be longer than the input (ligatures such as "ﬁ" become "fi"); use
    :func:`fold_chars` when positions must line up with the original.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fold(text: str) -> str:
    """Lower case without accents: "Número" -> "numero", "ESPAÑOL" -> "espanol"."""
    return strip_accents(text.casefold())


def fold_chars(text: str) -> str:
    """:func:`fold`, one character for one, so that positions in the result are positions in
    the original text (a character that folds to nothing stays as it is)."""
    return "".join(_fold_char(char) for char in text)


def _fold_char(char: str) -> str:
    return strip_accents(char.casefold())[:1] or char


def fold_words(text: str) -> list[str]:
    """Folded words and numbers, apostrophes joined: "¡That's Núñez!" -> ["thats", "nunez"]."""
    return _WORD.findall(fold(text).translate(_APOSTROPHES))


def fold_phrase(text: str) -> str:
    """:func:`fold_words` joined by single spaces, for whole-word phrase matching."""
    return " ".join(fold_words(text))


def has_phrase(words: str, phrases: Iterable[str]) -> bool:
    """Whether any phrase occurs in ``words`` (both from :func:`fold_phrase`) as whole words."""
    padded = f" {words} "
    return any(f" {phrase} " in padded for phrase in phrases)


def is_spanish(language: str) -> bool:
    """Whether a language code ("es", "es-MX", "ES") names Spanish."""
    return language.lower().startswith("es")
