"""Dates people type or say, in English or Spanish order: "May 4 1985", "4 de mayo", "04/05/1985".

Every parser takes the raw message (or speech transcript) and returns the normalised value, or
``None`` when the text does not hold exactly one valid value: ``None`` means "ask again".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from formats.digits import spoken_digits
from formats.text import fold, fold_chars, is_spanish

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


# --- where dates are, for hiding them ----------------------------------------------------------

# Month words that are everyday words too ("mar", "set", "ago"): a date only with a year.
_EVERYDAY_MONTHS = {"mar", "set", "ago"}
# Days everybody names without meaning anyone's date: "are you open on the 4th of July?",
# "el 5 de mayo", Christmas, New Year, Mexico's independence day, Valentine's (month, day).
_HOLIDAYS = {(7, 4), (5, 5), (12, 24), (12, 25), (12, 31), (1, 1), (9, 16), (2, 14)}
# Words and numbers apart ("2019may" is two tokens), a day's ending kept ("4th").
_WORD_TOKEN = re.compile(r"\d+(?!\d)(?:st|nd|rd|th|ro|er|o)?(?![^\W\d_])|\d+|[^\W\d_]+")
_DATE_GAP = re.compile(r"[\s,']*(?:(?:de|del|of|the|el)[\s,]+)*")
_DAY_AND_MONTH = re.compile(r"(?<![\d./-])(\d{1,2})[ \t]*/[ \t]*(\d{1,2})(?![\d]|[-/.]\d)")
# A day and month without a year ("4/5") is a date only after one of these words ("on 4/5");
# "open 24/7" and "1/2 hour" are not dates.
_DAY_AND_MONTH_CUES = {
    "on", "el", "born", "dob", "since", "desde", "until", "hasta", "date", "fecha", "day", "dia",
    "from", "after", "before", "antes", "despues", "del", "por",
}  # fmt: skip
_PREVIOUS_WORD = re.compile(r"([^\W\d_]+)[\s,:]*$")
_BIRTH_YEAR = re.compile(
    r"(?<![^\W\d_])(?:born|birth|dob|naci|nacio|nacido|nacida|nacimiento)(?![^\W\d_])"
    r"\D{0,24}?((?:19|20)\d{2})(?!\d)"
)


def date_spans(text: str) -> list[tuple[int, int]]:
    """Where the text holds a date, with or without a year: "May 4 1985", "4 de mayo", "the 4th
    of May", "mayo de 1985", "04/05/1985", "1985-05-04", "on 4/5", and a birth year ("born in
    1985"). Digits as written: convert spoken ones first
    (:func:`formats.digits.spoken_digits_rewritten`). In no particular order; they may overlap.
    """
    folded = fold_chars(text)
    spans = [match.span() for match in _ISO_DATE.finditer(folded) if _iso_is_date(match)]
    spans += [match.span() for match in _NUMERIC_DATE.finditer(folded) if _numeric_is_date(match)]
    spans += [
        match.span()
        for match in _DAY_AND_MONTH.finditer(folded)
        if _day_and_month(int(match.group(1)), int(match.group(2)), "en") is not None
        and _after_date_cue(folded, match.start())
    ]
    spans += [match.span(1) for match in _BIRTH_YEAR.finditer(folded)]
    return spans + list(_worded_date_spans(folded))


def _iso_is_date(match: re.Match[str]) -> bool:
    return _safe_date(int(match.group(1)), int(match.group(3)), int(match.group(4))) is not None


def _numeric_is_date(match: re.Match[str]) -> bool:
    first, second, year = int(match.group(1)), int(match.group(3)), match.group(4)
    return any(
        _resolve_date(year, month, day, date.max) is not None
        for day, month in ((first, second), (second, first))
        if 1 <= month <= 12
    )


def _after_date_cue(folded: str, start: int) -> bool:
    previous = _PREVIOUS_WORD.search(folded[max(0, start - 32) : start])
    return previous is not None and previous.group(1) in _DAY_AND_MONTH_CUES


def _worded_date_spans(folded: str) -> Iterator[tuple[int, int]]:
    """A month name with a day before or after it, a year or both: "4 de mayo", "May 4th,
    1985", "mayo de 1985"."""
    tokens = [match for match in _WORD_TOKEN.finditer(folded) if match.group() not in _DATE_FILLERS]

    def linked(left: int, right: int) -> bool:
        return _DATE_GAP.fullmatch(folded, tokens[left].end(), tokens[right].start()) is not None

    for k, token in enumerate(tokens):
        if token.group() not in _MONTHS:
            continue
        first = last = k
        if k > 0 and _is_day(tokens[k - 1].group()) and linked(k - 1, k):
            first = k - 1
        elif k + 1 < len(tokens) and _is_day(tokens[k + 1].group()) and linked(k, k + 1):
            last = k + 1
        year = last + 1
        has_year = (
            year < len(tokens)
            and _YEAR_TOKEN.fullmatch(tokens[year].group())
            and linked(last, year)
        )
        if has_year and (len(tokens[year].group()) == 4 or first < k or last > k):
            yield tokens[first].start(), tokens[year].end()
        elif (first < k or last > k) and token.group() not in _EVERYDAY_MONTHS:
            day = tokens[first if first < k else last].group()
            if (_MONTHS[token.group()], _day_number(day)) not in _HOLIDAYS:
                yield tokens[first].start(), tokens[last].end()


def _is_day(token: str) -> bool:
    return 1 <= _day_number(token) <= 31


def _day_number(token: str) -> int:
    """ "4th" -> 4, "primero" -> 1; 0 when the token is not a day."""
    day = _DAY_TOKEN.fullmatch(_FIRST_DAY.get(token, token))
    return int(day.group(1)) if day else 0
