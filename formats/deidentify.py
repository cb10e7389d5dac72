"""Identifying details in a person's message, replaced by what kind of detail they were.

Maintainers turn real messages into training examples (issue 15). A message keeps its wording,
which is what the model learns from, and loses who wrote it and about whom: "my name is Ana
Pérez, call me at 713-555-0142" becomes "my name is [NAME], call me at [PHONE]". Each kind of
detail is found by the parser that reads it in a conversation (:mod:`formats.contacts`,
:mod:`formats.digits`, :mod:`formats.dates`, :mod:`formats.names`); street addresses and the
remaining numbers are found here.

- Hiding too much is the safe error: a capitalised word that is neither an ordinary word nor a
  known place is hidden as a name, and any run of four or more digits is hidden.
- What is ordinary stays: "2 kids", "911", "24 hours", "open 24/7", "in 2019", "$1500",
  "Houston" (a city names nobody), and the wording of every intent.
- Details that overlap become one, of the kind of the longest ("123 Main St" is an address,
  not a number and a name).
- A placeholder is never read again: a second pass changes nothing, and
  :func:`identifying_details` of a de-identified text is empty.

Linear time in the length of the text, and no exception on any text (``tests/test_linear_time``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from formats.contacts import email_spans, phone_spans
from formats.dates import date_spans
from formats.digits import a_number_spans, spoken_digits_rewritten
from formats.name_words import ORDINARY_WORDS
from formats.names import name_spans
from formats.text import Rewritten, fold, fold_chars

# The kinds of details, in the order a tie between two overlapping details is settled.
KINDS = ("EMAIL", "PHONE", "A_NUMBER", "DATE", "ADDRESS", "NUMBER", "NAME", "PIN")
PLACEHOLDER = re.compile(r"\[(?:" + "|".join(KINDS) + r")\]")


@dataclass(frozen=True)
class Detail:
    """An identifying detail: where it is in the text, and its kind (one of :data:`KINDS`)."""

    start: int
    end: int
    kind: str


def deidentify(text: str, language: str = "en") -> str:
    """The text with each identifying detail replaced by its kind: "[NAME]", "[PHONE]",
    "[EMAIL]", "[A_NUMBER]", "[DATE]", "[ADDRESS]", "[NUMBER]" (case, booking and other
    long numbers) or "[PIN]" (a PIN, a code, or any other run of 4 to 8 digits).

    ``language`` is the message's ("en" or "es"). The rules of both languages apply to every
    message, since people mix them; it is there for rules that one day need it.
    """
    pieces: list[str] = []
    position = 0
    for detail in find_details(text, language):
        pieces += [text[position : detail.start], f"[{detail.kind}]"]
        position = detail.end
    pieces.append(text[position:])
    return "".join(pieces)


def identifying_details(text: str, language: str = "en") -> list[str]:
    """The kinds of identifying details still in the text, in the order of :data:`KINDS`;
    empty when it looks safe to keep (placeholders are safe)."""
    found = {detail.kind for detail in find_details(text, language)}
    return [kind for kind in KINDS if kind in found]


def find_details(text: str, language: str = "en") -> list[Detail]:
    """Every identifying detail of the text, in order, none overlapping another or a
    placeholder.

    Names are looked for last, in the text with the other details already replaced: whether a
    capitalised word starts a sentence or follows a place word depends on what comes before
    it, and that must read the same on a second pass, when the placeholders are there.
    """
    placeholders = [match.span() for match in PLACEHOLDER.finditer(text)]
    digits = spoken_digits_rewritten(text)  # "four eight two one" is a PIN too
    named_numbers = named_number_spans(digits.text)
    found = _details(
        text,
        (
            ("EMAIL", email_spans(text)),
            ("PHONE", _phone_spans(digits)),
            ("A_NUMBER", _a_number_spans(digits, named_numbers)),
            ("DATE", _in_original(digits, date_spans(digits.text))),
            ("ADDRESS", _in_original(digits, address_spans(digits.text))),
            ("NUMBER", _in_original(digits, number_spans(digits.text))),
            ("PIN", _in_original(digits, pin_spans(digits.text))),
        ),
    )
    others = _merged(found, placeholders)
    masked = Rewritten(text, ((detail.start, detail.end, f"[{detail.kind}]") for detail in others))
    names = _details(text, [("NAME", _in_original(masked, name_spans(masked.text)))])
    return _merged(others + names, placeholders)


def _details(text: str, spans_by_kind: Iterable[tuple[str, list[tuple[int, int]]]]) -> list[Detail]:
    found = []
    for kind, spans in spans_by_kind:
        for start, end in spans:
            start, end = _trimmed(text, start, end)
            if end > start:
                found.append(Detail(start, end, kind))
    return found


def _in_original(rewritten: Rewritten, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    return [rewritten.original_span(start, end) for start, end in spans]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Without blanks or punctuation at either end: "St." keeps its period outside the
    placeholder, so that a second pass sees the same sentence boundaries."""
    while end > start and text[end - 1] in " \t\n.,;:!?":
        end -= 1
    while start < end and text[start] in " \t\n":
        start += 1
    return start, end


def _merged(found: list[Detail], placeholders: list[tuple[int, int]]) -> list[Detail]:
    """Overlapping details joined into one, of the kind of the longest (ties: by
    :data:`KINDS`); a detail touching a placeholder dropped (the placeholder hides it)."""
    rank = {kind: index for index, kind in enumerate(KINDS)}
    merged: list[Detail] = []
    best: Detail | None = None
    for detail in sorted(found, key=lambda detail: (detail.start, -detail.end)):
        if _touches(detail, placeholders):
            continue
        if merged and detail.start < merged[-1].end:
            last = merged[-1]
            if best is None or (detail.end - detail.start, -rank[detail.kind]) > (
                best.end - best.start,
                -rank[best.kind],
            ):
                best = detail
            merged[-1] = Detail(last.start, max(last.end, detail.end), best.kind)
        else:
            merged.append(detail)
            best = detail
    return merged


def _touches(detail: Detail, placeholders: list[tuple[int, int]]) -> bool:
    # Placeholders are few and the details sorted: a plain scan stays cheap.
    return any(start < detail.end and detail.start < end for start, end in placeholders)


# --- phones and A-numbers ---------------------------------------------------------------------

# Phone shapes phonenumbers does not accept as valid: "555-0142", "(555) 123-4567",
# "5554441234".
_PHONE_SHAPE = re.compile(
    r"(?<![\d+])(?:\+?1[ .\-]?)?(?:\(\d{3}\)[ ]?|\d{3}[ .\-])?\d{3}[ .\-]\d{4}(?![\d\-])"
    r"|(?<![\d+\-])1?\d{10}(?![\d\-])"
)


def _phone_spans(digits: Rewritten) -> list[tuple[int, int]]:
    spans = phone_spans(digits.text)
    spans += [match.span() for match in _PHONE_SHAPE.finditer(digits.text)]
    return _in_original(digits, spans)


_A_MARK_GAP = " \t#:-"


def _a_number_spans(
    digits: Rewritten, named_numbers: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """A-numbers with the "A" written against them ("A204555781", "A-204-555-781"); nine
    digits named as another number ("case number 2024-00123") are that number."""
    spans = []
    text = digits.text
    for start, end in a_number_spans(text):
        mark = start
        while mark > 0 and start - mark < 3 and text[mark - 1] in _A_MARK_GAP:
            mark -= 1
        if mark > 0 and text[mark - 1] in "aA" and (mark == 1 or not text[mark - 2].isalnum()):
            spans.append((mark - 1, end))
        elif (start, end) not in named_numbers:
            spans.append((start, end))
    return _in_original(digits, spans)


# --- addresses ----------------------------------------------------------------------------------

# Boundaries that look at letters only, or at digits only: a placeholder put next to a word
# must not make it match on a second pass ("Street713-555-0142" reads as "Street[PHONE]").
_NO_LETTER_BEFORE = r"(?<![^\W\d_])"
_NO_LETTER_AFTER = r"(?![^\W\d_])"
_STREET_TYPES = (
    r"(?:street|st|avenue|ave|av|road|rd|boulevard|blvd|drive|dr|lane|ln|court|ct|way|place|pl"
    r"|parkway|pkwy|highway|hwy|circle|cir|terrace|ter|trail|trl|square|sq|loop|plaza|freeway"
    r"|fwy|expressway|alley|pike)" + _NO_LETTER_AFTER
)
_HOUSE_NUMBER = r"(?<!\d)\d{1,6}(?!\d)(?:[a-z]" + _NO_LETTER_AFTER + r")?"
# "apt 4b", "apartamento 12", "suite 200", "apto B" (on folded text).
_UNIT = (
    _NO_LETTER_BEFORE
    + r"(?:(?:apt|apartment|apto|apartamento|depto|departamento|unit|suite|ste|trailer|piso"
    r"|interior)\.?[ \t]*(?:#|no\.?|number|numero)?[ \t]*"
    + _HOUSE_NUMBER
    + r"|(?:apt|apto|depto)\.?[ \t]*#?[ \t]*[a-z]"
    + _NO_LETTER_AFTER
    + r")"
)
_UNITS = re.compile(_UNIT)
# On folded text: "123 Main St", "4500 n. main street apt 4b", "12 W 5th Ave, #3".
_HOUSE_ADDRESS = re.compile(
    _HOUSE_NUMBER
    + r"[ \t]+(?:[^\W_]+\.?[ \t]+){0,3}?"
    + _STREET_TYPES
    + r"\.?(?:[ \t]*,?[ \t]*(?:"
    + _UNIT
    + r"|#[ \t]*"
    + _HOUSE_NUMBER
    + r"))?"
)
# "calle Olmo 45", "Calle 5 de Mayo #123", "avenida Juárez 1020", "col. Centro".
_SPANISH_STREET = (
    _NO_LETTER_BEFORE
    + r"(?i:calle|c/|avenida|avda|av|ave|boulevard|bulevar|blvd|calzada|camino|carretera"
    r"|privada|callejon|callejón|paseo|carrera|cra|colonia|col|fraccionamiento|fracc|barrio"
    r"|andador|circuito)\.?[ \t]+"
)
_SPANISH_ADDRESS = re.compile(
    _SPANISH_STREET
    + r"(?:(?i:[^\W_]+)\.?[ \t]+){0,3}(?i:#|no\.?|num\.?|numero|número)?[ \t]*"
    + _HOUSE_NUMBER.replace("[a-z]", "[a-zA-Z]")
    + r"|"
    + _SPANISH_STREET
    + r"(?i:(?:de|del)[ \t]+(?:la[ \t]+|los[ \t]+)?)?"
    r"[A-ZÁÉÍÓÚÑ][^\W\d_]*(?:[ \t]+[A-ZÁÉÍÓÚÑ][^\W\d_]*){0,2}"
)
# "Main Street", "buford highway": a street named without its number. It starts only where a
# word starts: started inside a long run of digits or letters, each position read the whole
# rest of the run (1,600 digits took 40 ms).
_NAMED_STREET = re.compile(
    r"(?<![^\W_])((?:[A-Z][^\W\d_]*[ \t]+){0,2})([^\W_]+)[ \t]+"
    r"(?i:street|avenue|ave|boulevard|blvd|highway|hwy|road|rd)" + _NO_LETTER_AFTER
)
_ZIP_CODE = r"(?<!\d)\d{5}(?:-\d{4})?(?![\d\-])"
# "zip code is 77002", "PO Box 1234": the code or the box number.
_ZIP = re.compile(
    _NO_LETTER_BEFORE
    + r"(?:zip(?:[ \t]*code)?|postal[ \t]+code|codigo[ \t]+postal|c\.?[ \t]*p\.?)[ \t]*"
    r"(?:is|es)?[ \t]*[:#]?[ \t]*("
    + _ZIP_CODE
    + r")|"
    + _NO_LETTER_BEFORE
    + r"(?:p\.?[ \t]*o\.?[ \t]*box|apartado[ \t]+postal)[ \t]*#?[ \t]*(\d{1,6})(?!\d)"
)
_STATE_ZIP = re.compile(
    _NO_LETTER_BEFORE
    + r"(?:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE"
    r"|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|Tx|Ca|Fl)\.?,?"
    r"[ \t]+" + _ZIP_CODE
)


def address_spans(text: str) -> list[tuple[int, int]]:
    """Where the text holds a street address or part of one: a house number and street,
    "calle Olmo 45", a named street ("Main Street"), an apartment ("apt 4b"), a zip code
    ("zip 77002", "TX 77002") or a post office box. In no particular order; may overlap."""
    folded = fold_chars(text)
    spans = [match.span() for match in _HOUSE_ADDRESS.finditer(folded)]
    spans += [match.span() for match in _SPANISH_ADDRESS.finditer(text)]
    spans += [
        match.span()
        for match in _NAMED_STREET.finditer(text)
        if fold(match.group(2)) not in ORDINARY_WORDS
    ]
    spans += [match.span() for match in _UNITS.finditer(folded)]
    spans += [match.span(match.lastindex or 0) for match in _ZIP.finditer(folded)]
    return spans + [match.span() for match in _STATE_ZIP.finditer(text)]


# --- case numbers and other numbers -----------------------------------------------------------

_NUMBER_NAMES = (
    r"case|booking|receipt|file|reference|ref|confirmation|report|citation|docket|inmate|id"
    r"|ticket|incident|record|registration|caso|expediente|reserva|recibo|reporte|denuncia"
    r"|folio|referencia|confirmacion|registro|identificacion|ficha"
)
# On folded text: "case number 2024-00123", "booking #24-1234", "número de caso: 12345".
_NAMED_NUMBER = re.compile(
    _NO_LETTER_BEFORE
    + r"(?:(?:numero|num|no)[ \t]+de[ \t]+)?(?:"
    + _NUMBER_NAMES
    + r")(?:[ \t]*(?:number|num|no|nr|numero|#|id))?\.?(?:[ \t]+(?:is|es|de))?[ \t]*[:#]?"
    r"[ \t]*((?:[a-z]{1,4}-?)?\d+(?:[\-./]\d+)*)"
)
# Letters and four or more digits in one token: "EAC2190012345", "MSC-21-123-45678".
_CODE = re.compile(r"(?<![\w\-])[A-Za-z]{1,5}(?:-?\d){4,}")


def number_spans(text: str) -> list[tuple[int, int]]:
    """Where the text holds a case, booking, receipt or other record number: named
    (:func:`named_number_spans`), letters and digits together ("EAC2190012345"), or more
    digits than a PIN has. In no particular order; may overlap."""
    spans = named_number_spans(text) + [match.span() for match in _CODE.finditer(text)]
    return spans + [
        match.span() for match in _digit_runs(text) if _digit_count(match) > _LONGEST_PIN
    ]


def named_number_spans(text: str) -> list[tuple[int, int]]:
    """Where the text names a record number of three digits or more: "case number 24-123",
    "booking #24-1234", "número de caso: 12345" (the number only)."""
    return [
        match.span(1)
        for match in _NAMED_NUMBER.finditer(fold_chars(text))
        if sum(char.isdigit() for char in match.group(1)) >= 3
    ]


# --- the remaining digits ---------------------------------------------------------------------

# Digits typed one by one ("4 8 2 1"), or digits in hyphenated groups ("48-21", "2024-0012").
_DIGIT_RUN = re.compile(r"(?<!\d)(?:\d(?:[ \t]\d(?!\d)){3,}|\d+(?:-\d+)*)")
_PREVIOUS_WORD = re.compile(r"([^\W\d_]+)[ \t,]*$")
_NEXT_WORD = re.compile(r"[ \t]*([^\W\d_]+)")
# "in 2019", "desde 2019", "from 2019 to 2021": a year, said as a year.
_YEAR_CUES = {
    "in", "since", "until", "from", "to", "by", "before", "after", "around", "year", "of",
    "or", "and", "en", "desde", "hasta", "del", "de", "a", "ano", "antes", "despues", "el",
    "o", "y", "para",
}  # fmt: skip
_MONEY_WORDS = {"dollars", "dolares", "bucks", "pesos", "usd", "dls", "dlls"}
_SHORTEST = 4
_LONGEST_PIN = 8


def pin_spans(text: str) -> list[tuple[int, int]]:
    """Where the text holds a run of 4 to 8 digits that is not a year said as one ("in 2019")
    nor an amount ("$1500", "1500 dollars"): a PIN, a code, or a number to hide."""
    return [match.span() for match in _digit_runs(text) if _digit_count(match) <= _LONGEST_PIN]


def _digit_runs(text: str) -> Iterator[re.Match[str]]:
    """The runs of 4 digits or more, years and amounts left out."""
    folded = fold_chars(text)
    for match in _DIGIT_RUN.finditer(text):
        if _digit_count(match) >= _SHORTEST and not _is_year_or_amount(folded, match):
            yield match


def _digit_count(match: re.Match[str]) -> int:
    return sum(char.isdigit() for char in match.group())


def _is_year_or_amount(folded: str, match: re.Match[str]) -> bool:
    start, end = match.span()
    if folded[start - 1 : start] == "$":
        return True
    following = _NEXT_WORD.match(folded, end, min(len(folded), end + 32))
    if following is not None and following.group(1) in _MONEY_WORDS:
        return True
    value = match.group()
    if not (value.isdigit() and len(value) == 4 and 1900 <= int(value) <= 2099):
        return False
    previous = _PREVIOUS_WORD.search(folded[max(0, start - 32) : start])
    return previous is not None and previous.group(1) in _YEAR_CUES
