"""Parsers for the values people give the hotline, in English and Spanish, typed or spoken.

Every parser takes the raw message (or speech transcript) and returns the normalised value, or
``None`` when the text does not hold exactly one valid value. ``None`` means "ask again": when a
message is ambiguous (two different phone numbers, "yes, no") the parsers refuse rather than
guess, because a wrong A-number or phone number silently registers the wrong person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from functools import lru_cache

import phonenumbers
from babel import Locale

from formats.text import fold

# --- text helpers -----------------------------------------------------------------------------


def _words(text: str) -> str:
    """Folded words and numbers separated by single spaces: "¡Sí, claro!" -> "si claro".

    Apostrophes join ("that's" -> "thats") so that contractions stay one word: ' and U+2019
    only (``formats.text.fold_phrase`` also drops U+2018 and U+02BC).
    """
    return " ".join(re.findall(r"[^\W_]+", re.sub(r"['\u2019]", "", fold(text))))


def _has_phrase(words: str, phrases: Iterable[str]) -> bool:
    """Whether any phrase occurs in ``words`` (both from ``_words``) as whole words."""
    padded = f" {words} "
    return any(f" {phrase} " in padded for phrase in phrases)


def _is_spanish(language: str) -> bool:
    return language.lower().startswith("es")


# --- spoken digits ----------------------------------------------------------------------------

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
    tokens = list(_TOKEN.finditer(text))
    values = [_digit_value(match.group()) for match in tokens]
    linked = [
        _RUN_GAP.fullmatch(text, tokens[i].end(), tokens[i + 1].start()) is not None
        for i in range(len(tokens) - 1)
    ]
    _resolve_spoken_zeros(tokens, values, linked)
    return _join_digit_runs(text, tokens, values, linked)


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
            if any(_zero_neighbour(tokens[j].group(), values[j], word) for j in neighbours):
                values[i] = "0"
                changed = True


def _zero_neighbour(token: str, value: str | None, zero_word: str) -> bool:
    if value is None:
        return False
    return zero_word == "oh" or fold(token) not in _SPANISH_DIGITS


def _join_digit_runs(
    text: str, tokens: list[re.Match[str]], values: list[str | None], linked: list[bool]
) -> str:
    pieces: list[str] = []
    position = 0
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
            pieces.append(text[position : tokens[i].start()])
            pieces.append("".join(values[j] or "" for j in run))
            position = tokens[end].end()
        i = end + 1
    pieces.append(text[position:])
    return "".join(pieces)


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


def parse_a_number(text: str) -> str | None:
    """An Alien Registration Number as "A" + 9 digits: "a 204-555-781" -> "A204555781".

    Accepts an "A" (or "A number", "número A", ...) before 8 or 9 digits, or 9 bare digits; an
    8-digit number gets a leading zero. Groups of 7 or 10+ digits (phone numbers) are refused,
    and so is a bare 123-45-6789, the shape of a Social Security number. Candidates marked with
    an "A" win over bare ones; two different candidates of the same kind give None.
    """
    text = spoken_digits(text)
    marked: set[str] = set()
    bare: set[str] = set()
    for block in _DIGIT_BLOCK.finditer(text):
        before = text[: block.start()]
        has_mark = _A_NUMBER_MARK.search(fold(before)) is not None
        if not has_mark and (before.endswith("+") or before[-1:].isalpha()):
            continue  # "+204555781" or "EAC204555781": part of something else
        digits = re.sub(r"\D", "", block.group())
        if has_mark and len(digits) in (8, 9):
            marked.add(digits)
        elif len(digits) == 9 and not _SSN_SHAPE.fullmatch(block.group()):
            bare.add(digits)
    candidates = marked or bare
    if len(candidates) != 1:
        return None
    return "A" + candidates.pop().zfill(9)


# --- dates ------------------------------------------------------------------------------------

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
    if second > 12 or not _is_spanish(language):
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


# --- phone numbers and e-mail -----------------------------------------------------------------


def parse_phone(text: str, default_region: str = "US") -> str | None:
    """The one valid phone number in the text, in E.164: "(713) 555-0142" -> "+17135550142".

    Found with ``phonenumbers``' matcher at its default ``VALID`` leniency; numbers without a
    country code are read as ``default_region``. Two different numbers give None. The fictional
    555-01XX range used in tests and demos is valid to phonenumbers (for real area codes), so it
    needs no special case; the 555 *area code* (+1 555 ...) is not a valid number.
    """
    text = spoken_digits(text)
    found = {
        phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        for match in phonenumbers.PhoneNumberMatcher(text, default_region)
    }
    return found.pop() if len(found) == 1 else None


_EMAIL_LOCAL = r"[A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*"
_EMAIL_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
_EMAIL = re.compile(rf"(?<![\w.%+\-])({_EMAIL_LOCAL})@({_EMAIL_DOMAIN})(?![\w\-]|\.\w)")
_SPOKEN_EMAIL = [
    (re.compile(r"\s+(?:dot|punto)\s+", re.IGNORECASE), "."),
    (re.compile(r"\s+(?:at|arroba)\s+", re.IGNORECASE), "@"),
    (re.compile(r"\s+(?:underscore|gui[oó]n bajo)\s+", re.IGNORECASE), "_"),
    (re.compile(r"\s+(?:dash|hyphen|gui[oó]n)\s+", re.IGNORECASE), "-"),
]


def parse_email(text: str) -> str | None:
    """The one e-mail address in the text, domain lower-cased: "Ana.Perez@example.org".

    When nothing is written with "@", the spoken form is tried: "ana dot perez at example dot
    org", "ana punto perez arroba example punto org". Two different addresses give None.
    """
    found = _emails(text)
    if not found:
        spoken = text
        for pattern, symbol in _SPOKEN_EMAIL:
            spoken = pattern.sub(symbol, spoken)
        found = _emails(spoken)
    return found.pop() if len(found) == 1 else None


def _emails(text: str) -> set[str]:
    return {
        f"{match.group(1)}@{match.group(2).lower()}"
        for match in _EMAIL.finditer(text)
        if len(match.group(1)) <= 64 and len(match.group(0)) <= 254
    }


# --- PIN and yes/no ---------------------------------------------------------------------------

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


_YES = {
    "yes", "y", "yeah", "yep", "yup", "ok", "okay", "okey", "sure", "correct", "right", "1",
    "alright", "all right", "of course", "yes please", "exactly", "affirmative", "absolutely",
    "that is right", "thats right", "that is correct", "thats correct", "i accept", "i agree",
    "si", "sip", "claro", "correcto", "de acuerdo", "vale", "acepto", "dale", "por supuesto",
    "claro que si", "si por favor", "es correcto", "esta bien", "exacto", "estoy de acuerdo",
}  # fmt: skip
_NO = {
    "no", "nope", "n", "2", "not", "nah", "no thanks", "no thank you", "no gracias", "incorrect",
    "incorrecto", "wrong", "not correct", "not right", "thats wrong", "that is wrong",
    "thats not right", "that is not right", "negative", "i do not agree", "i dont agree",
    "i do not accept", "i dont accept", "i disagree", "no es correcto", "esta mal",
    "no acepto", "no estoy de acuerdo",
}  # fmt: skip
_YES_WORDS = {answer for answer in _YES if " " not in answer}
_NO_WORDS = {answer for answer in _NO if " " not in answer}


def parse_yes_no(text: str) -> bool | None:
    """True for yes, False for no, None for anything else, in English, Spanish or keypad (1/2).

    The first clause decides: "no, the birth date is wrong" is False, "yes please" is True; but
    a later clause answering the other way makes it None ("yes, no wait" is not an answer), and
    so does a sentence that only starts with an answer word ("no sé", "yes but ...").
    """
    clauses = [_words(spoken_digits(part)) for part in re.split(r"[,.;:!?¡¿\n]+", text)]
    clauses = [clause for clause in clauses if clause]
    if not clauses:
        return None
    answer = _clause_answer(clauses[0])
    if answer is None or any(_clause_answer(clause) is (not answer) for clause in clauses[1:]):
        return None
    return answer


def _clause_answer(clause: str) -> bool | None:
    words = set(clause.split())
    if clause in _YES or words <= _YES_WORDS:
        return True
    if clause in _NO or words <= _NO_WORDS:
        return False
    return None


# --- menu choices -----------------------------------------------------------------------------

_CHANNEL_KEYPAD = {"1": "sms", "2": "voice", "3": "email"}
_CHANNEL_PHRASES = {
    "sms": ("text", "texts", "texting", "txt", "sms", "message", "messages", "texto", "textos",
            "mensaje", "mensajes"),
    "voice": ("call", "calls", "calling", "phone call", "voice", "llamada", "llamadas", "llamar",
              "llamame", "llamenme", "voz"),
    "email": ("email", "emails", "e mail", "mail", "correo", "correos", "correo electronico"),
}  # fmt: skip
_LANGUAGE_KEYPAD = {"1": "en", "2": "es"}
_LANGUAGE_PHRASES = {
    "en": ("english", "ingles"),
    "es": ("spanish", "espanol", "castellano"),
}
# Whole messages only: "I am" answers "are you the victim?", but "I am not sure" does not.
_RELATIONSHIP_WHOLE = {
    "1": "victim", "2": "family", "3": "guardian", "i": "victim", "i am": "victim",
    "im": "victim", "i was": "victim",
}  # fmt: skip
# Checked in this order: "I am the victim's mother" is family, "his legal guardian" guardian.
_RELATIONSHIP_PHRASES = {
    "guardian": ("guardian", "guardiana", "legal guardian", "tutor", "tutora", "tutor legal",
                 "custodian", "conservator", "representante legal"),
    "family": (
        "family", "family member", "relative", "relatives", "mother", "father", "mom", "mum",
        "dad", "parent", "parents", "son", "daughter", "child", "brother", "sister", "husband",
        "wife", "spouse", "partner", "grandmother", "grandfather", "grandma", "grandpa",
        "grandson", "granddaughter", "aunt", "uncle", "cousin", "niece", "nephew", "stepmother",
        "stepfather", "stepson", "stepdaughter", "fiance", "fiancee", "boyfriend", "girlfriend",
        "widow", "widower", "familia", "familiar", "familiares", "pariente", "madre", "padre",
        "padres", "mama", "papa", "hijo", "hija", "hijos", "hijas", "hermano", "hermana",
        "esposo", "esposa", "marido", "abuelo", "abuela", "nieto", "nieta", "tio", "tia", "primo",
        "prima", "sobrino", "sobrina", "suegro", "suegra", "cunado", "cunada", "padrastro",
        "madrastra", "hijastro", "hijastra", "pareja", "novio", "novia", "viudo", "viuda",
    ),
    "victim": ("victim", "victima", "me", "myself", "self", "yo", "a mi", "mi mismo",
               "mi misma"),
}  # fmt: skip


def parse_channel(text: str) -> str | None:
    """How to be notified, "sms", "voice" or "email": "text me" -> "sms", "2" -> "voice".

    None when the message names two channels ("text or call").
    """
    return _single_choice(text, _CHANNEL_KEYPAD, _CHANNEL_PHRASES)


def parse_language_choice(text: str) -> str | None:
    """ "en" or "es": "English", "inglés", "1" -> "en"; "Spanish", "español", "2" -> "es"."""
    return _single_choice(text, _LANGUAGE_KEYPAD, _LANGUAGE_PHRASES)


def parse_relationship(text: str) -> str | None:
    """Who is registering, "victim", "family" or "guardian": "I am the victim", "mi hijo", "3".

    Guardian words win over family words, which win over words meaning "me": the victim's
    mother saying "I am his mother" is family.
    """
    words = _words(spoken_digits(text))
    if words in _RELATIONSHIP_WHOLE:
        return _RELATIONSHIP_WHOLE[words]
    for relationship, phrases in _RELATIONSHIP_PHRASES.items():
        if _has_phrase(words, phrases):
            return relationship
    return None


def _single_choice(
    text: str, keypad: dict[str, str], phrases_by_choice: dict[str, tuple[str, ...]]
) -> str | None:
    words = _words(spoken_digits(text))
    if words in keypad:
        return keypad[words]
    found = {choice for choice, phrases in phrases_by_choice.items() if _has_phrase(words, phrases)}
    return found.pop() if len(found) == 1 else None


# --- countries --------------------------------------------------------------------------------

# Codes babel lists that are not ISO 3166-1 countries: exceptionally reserved (AC, CP, CQ, DG,
# EA, EU, EZ, IC, TA, UN) and user-assigned (QO, XA, XB, XK, ZZ).
_NOT_COUNTRIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}
)
# Demonyms and other names for the countries most common in this caseload. Spanish words
# ending in "o" also match their feminine and plural forms; other words their plural with "s".
_COUNTRY_ALIASES = {
    "MX": ("mexican", "mexicano", "mejico"),
    "GT": ("guatemalan", "guatemalteco", "guate"),
    "HN": ("honduran", "hondureño"),
    "SV": ("salvadoran", "salvadorean", "salvadorian", "salvadoreño"),
    "NI": ("nicaraguan", "nicaragüense"),
    "CU": ("cuban", "cubano"),
    "DO": ("dominican", "dominicano", "rep dominicana"),
    "HT": ("haitian", "haitiano"),
    "VE": ("venezuelan", "venezolano"),
    "CO": ("colombian", "colombiano", "columbia"),
    "EC": ("ecuadorian", "ecuadoran", "ecuatoriano"),
    "PE": ("peruvian", "peruano"),
    "CN": ("chinese", "chino", "prc"),
    "IN": ("indian",),
    "PH": ("filipino", "philippine"),
    "VN": ("vietnamese", "vietnamita", "viet nam"),
    "JM": ("jamaican", "jamaicano", "jamaiquino"),
    "BR": ("brazilian", "brasileño", "brasileiro"),
    "US": ("usa", "u s a", "united states of america", "american", "estadounidense",
           "norteamericano", "eeuu", "ee uu", "estados unidos de america", "the states"),
}  # fmt: skip
# Too common as ordinary words to look for inside a sentence: only a whole message counts.
_WHOLE_MESSAGE_COUNTRIES = {"us": "US", "u s": "US", "america": "US"}
# Places whose names contain a country's name but are not that country.
_NOT_COUNTRY_PLACES = ("new mexico", "nuevo mexico", "new jersey", "nueva jersey")


def parse_country(text: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of the one country the text names: "soy de México" -> "MX".

    Country names in English and Spanish (from babel), accents and case ignored, plus demonyms
    for the caseload's common countries ("salvadoreña" -> "SV"). Two countries give None.
    """
    words = _words(text)
    if words in _WHOLE_MESSAGE_COUNTRIES:
        return _WHOLE_MESSAGE_COUNTRIES[words]
    aliases, pattern = _country_matcher()
    found = {aliases[match.group(1)] for match in pattern.finditer(words)} - {""}
    return found.pop() if len(found) == 1 else None


def country_code(text: str) -> str | None:
    """An ISO code as systems send it ("MX", "mx"), or else a country name (``parse_country``).

    For API fields, where a two-letter value is a code; never for what people type, where
    "in" and "us" are words.
    """
    stripped = text.strip().upper()
    if len(stripped) == 2:
        return stripped if _is_country_code(stripped) else None
    return parse_country(text)


def country_name(code: str, language: str) -> str:
    """The country's name in Spanish when ``language`` is Spanish, else in English.

    Raises ValueError for a code that is not a country (``parse_country`` never returns one).
    """
    code = code.upper()
    if not _is_country_code(code):
        raise ValueError(f"not an ISO 3166-1 alpha-2 country code: {code!r}")
    return str(Locale("es" if _is_spanish(language) else "en").territories[code])


def _is_country_code(code: str) -> bool:
    return (
        len(code) == 2
        and code.isascii()
        and code.isalpha()
        and code.isupper()
        and code not in _NOT_COUNTRIES
        and code in Locale("en").territories
    )


@lru_cache(maxsize=1)
def _country_matcher() -> tuple[dict[str, str], re.Pattern[str]]:
    """Folded name -> code, and one regex finding any of the names as whole words.

    Built on first use (babel reads its locale data then). Longer names are tried first so that
    "papua new guinea" is not read as "guinea"; places like "new mexico" map to "" (no country).
    """
    aliases: dict[str, str] = dict.fromkeys(_NOT_COUNTRY_PLACES, "")
    for code, names in _COUNTRY_ALIASES.items():
        for name in names:
            for form in _inflections(_words(name)):
                aliases[form] = code
    for language in ("en", "es"):
        for code, name in Locale(language).territories.items():
            if _is_country_code(code):
                for variant in _name_variants(name):
                    aliases.setdefault(_words(variant), code)
    longest_first = sorted(aliases, key=len, reverse=True)
    pattern = re.compile(r"(?<!\S)(" + "|".join(map(re.escape, longest_first)) + r")(?!\S)")
    return aliases, pattern


def _name_variants(name: str) -> list[str]:
    """ "St. Kitts & Nevis" -> also "Saint Kitts and Nevis"; "Myanmar (Burma)" -> "Myanmar"."""
    spelled = name.replace("St. ", "Saint ")
    return [
        name,
        re.sub(r"\s*\(.*?\)", "", name),
        spelled.replace("&", "and"),
        spelled.replace("&", "y"),
    ]


def _inflections(word: str) -> list[str]:
    if " " in word:
        return [word]
    if word.endswith("o"):
        stem = word[:-1]
        return [word, stem + "a", stem + "os", stem + "as"]
    return [word, word + "s"]


# --- names ------------------------------------------------------------------------------------

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


# --- showing values without revealing them ----------------------------------------------------


def mask_phone(e164: str) -> str:
    """Only the last four digits: "+17135550142" -> "***-0142"."""
    digits = re.sub(r"\D", "", e164)
    return f"***-{digits[-4:]}" if len(digits) >= 4 else "***"


def mask_email(addr: str) -> str:
    """Only the first letter and the domain: "ana.perez@example.org" -> "a***@example.org"."""
    local, at, domain = addr.rpartition("@")
    return f"{local[0]}***@{domain.lower()}" if at and local else "***"


def name_initials(full_name: str) -> str:
    """ "John Doe" -> "J. D."; particles are skipped: "María de la Cruz" -> "M. C."."""
    return " ".join(
        f"{word[0].upper()}."
        for word in full_name.split()
        if word[0].isalpha() and fold(word) not in _NAME_PARTICLES
    )
