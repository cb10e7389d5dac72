"""Phone numbers and e-mail addresses, and how to show them without revealing them.

Every parser takes the raw message (or speech transcript) and returns the normalised value, or
``None`` when the text does not hold exactly one valid value: ``None`` means "ask again".
Two different numbers or addresses in one message give ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Collection

import phonenumbers

from formats.digits import spoken_digits

# Where the hotline texts and calls by default: the US and its territories (Puerto Rico, Guam,
# the US Virgin Islands, American Samoa, the Northern Mariana Islands).
US_AND_TERRITORIES = ("US", "PR", "GU", "VI", "AS", "MP")

# An answer holds one or two candidate numbers; a message of digit groups holds hundreds, and
# trying each one (the matcher's default: 65,535) took 70 ms on 1,600 characters.
_MAX_CANDIDATES = 10


def parse_phone(text: str, default_region: str = "US") -> str | None:
    """The one valid phone number in the text, in E.164: "(713) 555-0142" -> "+17135550142".

    Found with ``phonenumbers``' matcher at its default ``VALID`` leniency; numbers without a
    country code are read as ``default_region``. Two different numbers give None. The fictional
    555-01XX range used in tests and demos is valid to phonenumbers (for real area codes), so it
    needs no special case; the 555 *area code* (+1 555 ...) is not a valid number.
    """
    text = spoken_digits(text)
    matches = phonenumbers.PhoneNumberMatcher(text, default_region, max_tries=_MAX_CANDIDATES)
    found = {
        phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        for match in matches
    }
    return found.pop() if len(found) == 1 else None


def parse_contact_phone(text: str, countries: Collection[str] = US_AND_TERRITORIES) -> str | None:
    """:func:`parse_phone`, only for a number of ``countries`` (ISO codes): the numbers the
    hotline may text or call for a person."""
    phone = parse_phone(text)
    if phone is None:
        return None
    region = phonenumbers.region_code_for_number(phonenumbers.parse(phone))
    return phone if region in countries else None


_EMAIL_LOCAL = r"[A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*"
_EMAIL_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
_EMAIL = re.compile(rf"(?<![\w.%+\-])({_EMAIL_LOCAL})@({_EMAIL_DOMAIN})(?![\w\-]|\.\w)")
# On text whose white space is squeezed to single spaces (``\s+`` before each word would
# backtrack quadratically over a run of spaces).
_WHITE_SPACE = re.compile(r"\s+")
_SPOKEN_EMAIL = [
    (re.compile(r" (?:dot|punto) ", re.IGNORECASE), "."),
    (re.compile(r" (?:at|arroba) ", re.IGNORECASE), "@"),
    (re.compile(r" (?:underscore|gui[oó]n bajo) ", re.IGNORECASE), "_"),
    (re.compile(r" (?:dash|hyphen|gui[oó]n) ", re.IGNORECASE), "-"),
]


def parse_email(text: str) -> str | None:
    """The one e-mail address in the text, domain lower-cased: "Ana.Perez@example.org".

    When nothing is written with "@", the spoken form is tried: "ana dot perez at example dot
    org", "ana punto perez arroba example punto org". Two different addresses give None.
    """
    found = _emails(text)
    if not found:
        spoken = _WHITE_SPACE.sub(" ", text)
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


# --- showing values without revealing them ----------------------------------------------------


def mask_phone(e164: str) -> str:
    """Only the last four digits: "+17135550142" -> "***-0142"."""
    digits = re.sub(r"\D", "", e164)
    return f"***-{digits[-4:]}" if len(digits) >= 4 else "***"


def mask_email(addr: str) -> str:
    """Only the first letter and the domain: "ana.perez@example.org" -> "a***@example.org"."""
    local, at, domain = addr.rpartition("@")
    return f"{local[0]}***@{domain.lower()}" if at and local else "***"
