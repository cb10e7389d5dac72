"""Text folding: the one place that decides when two spellings are "the same words".

People text without accents, in capitals, with curly apostrophes and stray punctuation; speech
recognition adds its own variants. Every matcher (keywords, the emergency guard, form answers,
names, places) compares folded text so that "Número", "NUMERO" and "numero" are one word.
All functions are pure and run in linear time in the length of their input.
"""

from __future__ import annotations

import bisect
import functools
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
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(char) for char in text)


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    return strip_accents(char.casefold())[:1] or char


def fold_words(text: str) -> list[str]:
    """Folded words and numbers, apostrophes joined: "¡That's Núñez!" -> ["thats", "nunez"]."""
    return _WORD.findall(fold(text).translate(_APOSTROPHES))


def fold_word(word: str) -> str:
    """:func:`fold` with apostrophes joined, as :func:`fold_words` reads each word: "Don't" ->
    "dont"."""
    return fold(word).translate(_APOSTROPHES)


def unstretch(text: str) -> str:
    """A letter typed three times or more read once: "ayudaaaa" -> "ayuda", "heeelp" -> "help"."""
    return _STRETCHED.sub(r"\1", text)


_STRETCHED = re.compile(r"([^\W\d_])\1{2,}")


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


class Rewritten:
    """A text with some spans replaced, and the way back to the original's positions.

    Parsers read a rewritten text (spoken digits as digits, "ana dot perez" as "ana.perez");
    whoever hides what they found must hide it in the original, so every position found in
    :attr:`text` maps back to one in :attr:`original`. A position inside a replaced span maps to
    that span's start (a start) or end (an end): a match that touches a replacement covers all
    of what it replaced.
    """

    def __init__(self, original: str, replacements: Iterable[tuple[int, int, str]]) -> None:
        """``replacements``: (start, end, new text) in ``original``, in order, not overlapping."""
        self.original = original
        pieces: list[str] = []
        # (new start, new end, old start, old end) of each replaced span, in order.
        self._spans: list[tuple[int, int, int, int]] = []
        position = shift = 0
        for start, end, new in replacements:
            pieces += [original[position:start], new]
            self._spans.append((start + shift, start + shift + len(new), start, end))
            shift += len(new) - (end - start)
            position = end
        pieces.append(original[position:])
        self.text = "".join(pieces)
        self._new_starts = [span[0] for span in self._spans]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of :attr:`original` that ``text[start:end]`` came from."""
        return self._original_start(start), self._original_end(end)

    def _original_start(self, position: int) -> int:
        index = bisect.bisect_right(self._new_starts, position) - 1
        if index < 0:
            return position
        _, new_end, old_start, old_end = self._spans[index]
        return old_start if position < new_end else position - new_end + old_end

    def _original_end(self, position: int) -> int:
        index = bisect.bisect_left(self._new_starts, position) - 1
        if index < 0:
            return position
        _, new_end, _, old_end = self._spans[index]
        return old_end if position <= new_end else position - new_end + old_end
