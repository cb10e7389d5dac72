"""Numbers people type or say: spoken digits, A-numbers and PINs.

Every parser takes the raw message (or speech transcript) and returns the normalised value, or
``None`` when the text does not hold exactly one valid value: ``None`` means "ask again".
A wrong A-number silently registers the wrong person, so two different candidates give ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from formats.text import Rewritten, fold, fold_chars

_ENGLISH_DIGITS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip
_SPANISH_DIGITS = {
    "cero": "0", "uno": "1", "una": "1", "dos": "2", "tres": "3", "cuatro": "4",
    "cinco": "5", "seis": "6", "siete": "7", "ocho": "8", "nueve": "9",
}  # fmt: skip
_TOKEN = re.compile(r"[^\W\d_]+|\d+")
_RUN_GAP = re.compile(r"[\s-]+")


def spoken_digits(text: str) -> str:
    """Number words become digits, and a run of them one number: "two oh four" -> "204".

    A run is number words and digits separated by spaces or hyphens; a run holding at least
    one word is written as one digit string ("dos cero cuatro, 5 5 5" -> "204, 5 5 5"), and runs
    of digits alone are left as they are. "oh" and "o" mean zero only next to another digit
    ("oh okay" is left alone), and "o" not between Spanish words, where it means "or"
    ("uno o dos" stays). Every other word is left alone.
    """
    return spoken_digits_rewritten(text).text


def spoken_digits_rewritten(text: str) -> Rewritten:
    """:func:`spoken_digits`, with the way back to the text's positions (to hide a number
    said in words where it was said)."""
    tokens = list(_TOKEN.finditer(text))
    values = [_digit_value(match.group()) for match in tokens]
    linked = [
        _RUN_GAP.fullmatch(text, tokens[i].end(), tokens[i + 1].start()) is not None
        for i in range(len(tokens) - 1)
    ]
    _resolve_spoken_zeros(tokens, values, linked)
    return Rewritten(text, _spoken_runs(tokens, values, linked))


def _digit_value(token: str) -> str | None:
    if token.isdigit():
        return token
    folded = fold(token)
    return _ENGLISH_DIGITS.get(folded) or _SPANISH_DIGITS.get(folded)


def _resolve_spoken_zeros(
    tokens: list[re.Match[str]], values: list[str | None], linked: list[bool]
) -> None:
    """Sets ``values`` to "0" for each "oh"/"o" that sits in a run next to a digit (in place).

    Repeated until nothing changes, so "one oh oh oh two" resolves from both ends.
    """
    changed = True
    while changed:
        changed = False
        for i, match in enumerate(tokens):
            word = fold(match.group())
            if values[i] is not None or word not in ("o", "oh"):
                continue
            neighbours = [i - 1] if i > 0 and linked[i - 1] else []
            neighbours += [i + 1] if i + 1 < len(tokens) and linked[i] else []
            if word == "o" and any(_a_word(tokens[j].group(), values[j]) for j in neighbours):
                continue  # "el 911 o es otra cosa": "or" between a number and a word
            if any(_zero_neighbour(tokens[j].group(), values[j], word) for j in neighbours):
                values[i] = "0"
                changed = True


def _a_word(token: str, value: str | None) -> bool:
    """Neither a digit nor a zero said as "o"/"oh"."""
    return value is None and fold(token) not in ("o", "oh")


def _zero_neighbour(token: str, value: str | None, zero_word: str) -> bool:
    if value is None:
        return False
    return zero_word == "oh" or fold(token) not in _SPANISH_DIGITS


def _spoken_runs(
    tokens: list[re.Match[str]], values: list[str | None], linked: list[bool]
) -> Iterator[tuple[int, int, str]]:
    """(start, end, digits) of each run of digits that holds at least one number word."""
    i = 0
    while i < len(tokens):
        end = i
        while (
            values[end] is not None
            and end + 1 < len(tokens)
            and linked[end]
            and values[end + 1] is not None
        ):
            end += 1
        run = range(i, end + 1)
        if values[i] is not None and any(not tokens[j].group().isdigit() for j in run):
            yield tokens[i].start(), tokens[end].end(), "".join(values[j] or "" for j in run)
        i = end + 1


# --- A-numbers --------------------------------------------------------------------------------

# Digits in groups separated by spaces, or by one dot or hyphen (with optional spaces).
_DIGIT_BLOCK = re.compile(r"\d+(?:(?:[ \t]*[.\-][ \t]*|[ \t]+)\d+)*")
# What may come just before the digits to say "this is an A-number" (on folded text): "A",
# "A#", "A-", "número A", "a number is", "A-number:", "alien number", "número de extranjero es".
_A_NUMBER_MARK = re.compile(
    r"(?:^|[^\w#])(?:a|alien(?: registration)?|numero de extranjero)[ \t]*[#:\-]?[ \t]*"
    r"(?:(?:number|numero|num|no)\.?[ \t]*)?(?:(?:is|es)[ \t]*)?[#:\-]?[ \t]*$"
)
_SSN_SHAPE = re.compile(r"\d{3}-\d{2}-\d{4}")
_BLANKS = re.compile(r"[ \t]+")
# The longest mark ("numero de extranjero es #: ") is under 40 characters: the mark is looked
# for in the last characters before the digits only, so that its cost does not grow with the
# text (searched over all of it before each block, a run of spaces made it cubic).
_MARK_WINDOW = 256
_MARK_TAIL = 64


def parse_a_number(text: str) -> str | None:
    """An Alien Registration Number as "A" + 9 digits: "a 204-555-781" -> "A204555781".

    Accepts an "A" (or "A number", "número A", ...) before 8 or 9 digits, or 9 bare digits; an
    8-digit number gets a leading zero. Groups of 7 or 10+ digits (phone numbers) are refused,
    and so is a bare 123-45-6789, the shape of a Social Security number. Candidates marked with
    an "A" win over bare ones; two different candidates of the same kind give None.
    """
    marked: set[str] = set()
    bare: set[str] = set()
    for block, has_mark in _a_number_blocks(spoken_digits(text)):
        (marked if has_mark else bare).add(re.sub(r"\D", "", block.group()))
    candidates = marked or bare
    if len(candidates) != 1:
        return None
    return "A" + candidates.pop().zfill(9)


def a_number_spans(text: str) -> list[tuple[int, int]]:
    """Where the text holds what :func:`parse_a_number` would read as an A-number (its digits,
    not the "A" before them), however many there are. Digits as written: convert spoken ones
    first (:func:`spoken_digits_rewritten`)."""
    return [block.span() for block, _ in _a_number_blocks(text)]


def _a_number_blocks(text: str) -> Iterator[tuple[re.Match[str], bool]]:
    """Each block of digits that may be an A-number, and whether an "A" marks it as one."""
    folded = fold_chars(text)  # once: positions line up with ``text``
    for block in _DIGIT_BLOCK.finditer(text):
        digits = re.sub(r"\D", "", block.group())
        if len(digits) not in (8, 9):
            continue
        start = block.start()
        has_mark = _has_a_number_mark(folded[max(0, start - _MARK_WINDOW) : start], start)
        if not has_mark and (text[start - 1 : start] == "+" or text[start - 1 : start].isalpha()):
            continue  # "+204555781" or "EAC204555781": part of something else
        if has_mark or (len(digits) == 9 and not _SSN_SHAPE.fullmatch(block.group())):
            yield block, has_mark


def _has_a_number_mark(window: str, start: int) -> bool:
    """Whether the folded text just before a block of digits (``window``, the last characters
    before position ``start``) says "this is an A-number": blanks squeezed, a bounded tail
    searched, so the cost does not grow with the message."""
    tail = _BLANKS.sub(" ", window)
    if start > len(window) or len(tail) > _MARK_TAIL:
        # Cut mid-text: the tail's first character is not the start of the message.
        tail = "x" + tail[-_MARK_TAIL:]
    return _A_NUMBER_MARK.search(tail) is not None


# --- PINs -----------------------------------------------------------------------------------

_PIN_BLOCK = re.compile(r"\d+(?:[\s.,\-]+\d+)*")


def parse_pin(text: str) -> str | None:
    """Exactly four digits, typed or spoken, separators allowed: "4 8 2 1", "48-21" -> "4821".

    The digits must form one group: "my pin is 4821" is fine, "4821 or 4822" is not.
    """
    blocks = _PIN_BLOCK.findall(spoken_digits(text))
    if len(blocks) != 1:
        return None
    digits = re.sub(r"\D", "", blocks[0])
    return digits if len(digits) == 4 else None
