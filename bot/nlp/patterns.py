"""Entity-ruler patterns for the details people text us: A-numbers, phone numbers, e-mails, dates.

They are token patterns for spaCy's multi-language blank tokenizer, which keeps ``713.555.0142``
and ``3/14/1989`` whole but splits ``713-555-0142`` and ``A#204-555-781`` at the hyphens, so most
shapes appear twice: glued and split. Rasa's ``SpacyEntityExtractor`` turns the ruler's spans into
the entities ``a_number``, ``phone``, ``email`` and ``date``.
"""

from typing import Any

Pattern = dict[str, Any]

DIGITS_3 = {"TEXT": {"REGEX": r"^\d{3}$"}}
DIGITS_2_3 = {"TEXT": {"REGEX": r"^\d{2,3}$"}}
DIGITS_4 = {"TEXT": {"REGEX": r"^\d{4}$"}}
OPTIONAL_SEPARATOR = {"ORTH": {"IN": ["-", ".", "/"]}, "OP": "?"}
OPTIONAL_HASH = {"ORTH": {"IN": ["#", "-", ":"]}, "OP": "?"}

MONTHS = [
    # English, full and abbreviated
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec",
    # Spanish, full and abbreviated
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
    "setiembre", "octubre", "noviembre", "diciembre", "ene", "abr", "ago", "dic",
]  # fmt: skip

DAY = {"TEXT": {"REGEX": r"^(0?[1-9]|[12]\d|3[01])(st|nd|rd|th|ro|o)?$"}}
YEAR = {"TEXT": {"REGEX": r"^(19|20)\d{2}$"}}
MONTH = {"LOWER": {"IN": MONTHS}}
OPTIONAL_COMMA = {"ORTH": ",", "OP": "?"}
OPTIONAL_DE = {"LOWER": {"IN": ["de", "del"]}, "OP": "?"}


def a_number_patterns() -> list[list[Pattern]]:
    """ "A" plus 8 or 9 digits, however it is written: A204555781, a# 204-555-781, A 204 555 781."""
    glued = {"TEXT": {"REGEX": r"^[Aa](#|-|:)?\d{8,9}$"}}
    prefix_glued_to_first_group = {"TEXT": {"REGEX": r"^[Aa](#|-|:)?\d{2,3}$"}}
    letter_a = {"LOWER": {"IN": ["a", "a#", "a-", "a:"]}}
    nine_digits = {"TEXT": {"REGEX": r"^\d{8,9}$"}}
    return [
        [glued],
        [letter_a, OPTIONAL_HASH, nine_digits],
        [letter_a, OPTIONAL_HASH, DIGITS_3, OPTIONAL_SEPARATOR, DIGITS_3, OPTIONAL_SEPARATOR,
         DIGITS_2_3],
        [prefix_glued_to_first_group, OPTIONAL_SEPARATOR, DIGITS_3, OPTIONAL_SEPARATOR, DIGITS_2_3],
    ]  # fmt: skip


def phone_patterns() -> list[list[Pattern]]:
    """US numbers: 7135550142, +1 713 555 0142, (713) 555-0142, 713.555.0142, 713-555-0142."""
    glued = {"TEXT": {"REGEX": r"^(\+?1)?\d{10}$"}}
    dotted = {"TEXT": {"REGEX": r"^(\+?1[.-])?\d{3}[.-]\d{3}[.-]\d{4}$"}}
    country_code = {"TEXT": {"REGEX": r"^\+?1$"}, "OP": "?"}
    open_paren = {"ORTH": "(", "OP": "?"}
    close_paren = {"ORTH": ")", "OP": "?"}
    return [
        [glued],
        [dotted],
        [country_code, open_paren, DIGITS_3, close_paren, OPTIONAL_SEPARATOR, DIGITS_3,
         OPTIONAL_SEPARATOR, DIGITS_4],
        [country_code, {"TEXT": {"REGEX": r"^\(\d{3}\)$"}}, DIGITS_3, OPTIONAL_SEPARATOR, DIGITS_4],
    ]  # fmt: skip


def email_patterns() -> list[list[Pattern]]:
    return [[{"LIKE_EMAIL": True}]]


def date_patterns() -> list[list[Pattern]]:
    """Numeric dates and dates with month names in English and Spanish."""
    numeric_glued = {"TEXT": {"REGEX": r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}$"}}
    number_1_2 = {"TEXT": {"REGEX": r"^\d{1,2}$"}}
    separator = {"ORTH": {"IN": ["-", "/", "."]}}
    return [
        [numeric_glued],
        [number_1_2, separator, number_1_2, separator, {"TEXT": {"REGEX": r"^(\d{2}|\d{4})$"}}],
        [YEAR, separator, number_1_2, separator, number_1_2],
        # march 3 1985, march 3rd, 1985, march 3
        [MONTH, {"ORTH": ".", "OP": "?"}, DAY, OPTIONAL_COMMA, {**YEAR, "OP": "?"}],
        # 4 de julio de 1979, 4 julio 1979, 14 march 1989
        [DAY, OPTIONAL_DE, MONTH, OPTIONAL_DE, OPTIONAL_COMMA, {**YEAR, "OP": "?"}],
        # march 1985, marzo de 1985
        [MONTH, OPTIONAL_DE, YEAR],
    ]


def entity_ruler_patterns() -> list[dict[str, Any]]:
    """All patterns in the ``EntityRuler`` format, labelled with Rasa's entity names."""
    groups = {
        "a_number": a_number_patterns(),
        "phone": phone_patterns(),
        "email": email_patterns(),
        "date": date_patterns(),
    }
    return [
        {"label": label, "pattern": pattern}
        for label, patterns in groups.items()
        for pattern in patterns
    ]
