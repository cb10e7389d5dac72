"""Dates people type or say, in English or Spanish order: "May 4 1985", "4 de mayo", "04/05/1985".

Every parser takes the raw message (or speech transcript) and returns the normalised value, or
``None`` when the text does not hold exactly one valid value: ``None`` means "ask again".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from formats.digits import spoken_digits
from formats.text import fold, is_spanish

_MONTHS = {
    "january": 1, "jan": 1, "enero": 1, "ene": 1,
    "february": 2, "feb": 2, "febrero": 2,
    "march": 3, "mar": 3, "marzo": 3,
    "april": 4, "apr": 4, "abril": 4, "abr": 4,
    "may": 5, "mayo": 5,
    "june": 6, "jun": 6, "junio": 6,
    "july": 7, "jul": 7, "julio": 7,
    "august": 8, "aug": 8, "agosto": 8, "ago": 8,
    "september": 9, "sep": 9, "sept": 9, "septiembre": 9, "setiembre": 9, "set": 9,
    "october": 10, "oct": 10, "octubre": 10,
    "november": 11, "nov": 11, "noviembre": 11,
    "december": 12, "dec": 12, "diciembre": 12, "dic": 12,
}  # fmt: skip
_DATE_FILLERS = {"de", "del", "of", "the", "el"}
_FIRST_DAY = {"first": "1", "primero": "1"}
# "3", "03", "3rd", "1st", "1ro", "1er", "1o" (from "1º")
_DAY_TOKEN = re.compile(r"(\d{1,2})(?:st|nd|rd|th|ro|er|o)?")
_YEAR_TOKEN = re.compile(r"\d{2}|\d{4}")
_ISO_DATE = re.compile(
    r"(?<![\d./-])(\d{4})[ \t]*([-/.])[ \t]*(\d{1,2})[ \t]*\2[ \t]*(\d{1,2})(?![\d]|[-/.]\d)"
)
_NUMERIC_DATE = re.compile(
    r"(?<![\d./-])(\d{1,2})[ \t]*([-/.])[ \t]*(\d{1,2})[ \t]*\2[ \t]*(\d{4}|\d{2})(?![\d]|[-/.]\d)"
)
# Eight keyed digits, the whole answer ("05041985"): a date as the language writes it.
_KEYED_DATE = re.compile(r"\s*(\d{2})(\d{2})(\d{4})\s*")


def parse_date(text: str, language: str = "en", today: date | None = None) -> date | None:
    """A calendar date written any common way, in English or Spanish.

    "March 3, 1985", "3rd of March 1985", "3 de marzo de 1985", "tres de marzo del 85",
    "1985-03-03", "03/03/1985", "3.4.1985", and 8 digits keyed on a phone ("03041985"). In
    numeric dates with both parts 12 or less the
    month comes first in English ("3/4/1985" is March 4) and the day first in Spanish (3 April);
    a part over 12 can only be the day. A two-digit year is in the 2000s unless that would put
    the date after ``today``, then in the 1900s. The year is required; invalid dates are None.
    """
    today = today or date.today()
    folded = fold(spoken_digits(text))
    for year, month, day in _date_parts(folded, language):
        found = _resolve_date(year, month, day, today)
        if found is not None:
            return found
    return None


def parse_birth_date(text: str, language: str = "en", today: date | None = None) -> date | None:
    """``parse_date``, and only if the date is not in the future nor more than 110 years ago."""
    today = today or date.today()
    found = parse_date(text, language, today)
    earliest = _safe_date(today.year - 110, today.month, today.day) or date(
        today.year - 110, 3, 1
    )  # today is 29 February and that year was not a leap year
    if found is None or not earliest <= found <= today:
        return None
    return found


def _date_parts(folded: str, language: str) -> Iterator[tuple[str, int, int]]:
    """Candidate (year as written, month, day) triples, in order of preference."""
    keyed = _KEYED_DATE.fullmatch(re.sub(r"(?<=\d)\s+(?=\d)", "", folded))
    if keyed:
        day_month = _day_and_month(int(keyed.group(1)), int(keyed.group(2)), language)
        if day_month is not None:
            yield keyed.group(3), day_month[1], day_month[0]
    for match in _ISO_DATE.finditer(folded):
        yield match.group(1), int(match.group(3)), int(match.group(4))
    for match in _NUMERIC_DATE.finditer(folded):
        day_month = _day_and_month(int(match.group(1)), int(match.group(3)), language)
        if day_month is not None:
            yield match.group(4), day_month[1], day_month[0]
    yield from _worded_date_parts(folded)


def _day_and_month(first: int, second: int, language: str) -> tuple[int, int] | None:
    if first > 12 and second > 12:
        return None
    if first > 12:
        return first, second
    if second > 12 or not is_spanish(language):
        return second, first
    return first, second


def _worded_date_parts(folded: str) -> Iterator[tuple[str, int, int]]:
    """Dates with a month name: day-month-year ("3 de marzo de 1985") or month-day-year."""
    tokens = [
        _FIRST_DAY.get(token, token)
        for token in re.findall(r"[^\W_]+", folded)
        if token not in _DATE_FILLERS
    ]
    for first, second, year in zip(tokens, tokens[1:], tokens[2:], strict=False):
        if not _YEAR_TOKEN.fullmatch(year):
            continue
        if second in _MONTHS and (day := _DAY_TOKEN.fullmatch(first)):
            yield year, _MONTHS[second], int(day.group(1))
        elif first in _MONTHS and (day := _DAY_TOKEN.fullmatch(second)):
            yield year, _MONTHS[first], int(day.group(1))


def _resolve_date(year: str, month: int, day: int, today: date) -> date | None:
    if len(year) == 4:
        return _safe_date(int(year), month, day)
    this_century = _safe_date(2000 + int(year), month, day)
    if this_century is not None and this_century <= today:
        return this_century
    return _safe_date(1900 + int(year), month, day)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
