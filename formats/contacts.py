"""Phone numbers and e-mail addresses, and how to show them without revealing them.

Every parser takes the raw message (or speech transcript) and returns the normalised value, or
``None`` when the text does not hold exactly one valid value: ``None`` means "ask again".
Two different numbers or addresses in one message give ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

import phonenumbers

from formats.digits import spoken_digits
from formats.text import Rewritten

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
    found = {
        phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        for match in _phone_matches(spoken_digits(text), default_region)
    }
    return found.pop() if len(found) == 1 else None


def phone_spans(text: str, default_region: str = "US") -> list[tuple[int, int]]:
    """Where the text holds a phone number :func:`parse_phone` would read, however many there
    are (among its first candidates). Digits as written: convert spoken ones first
    (:func:`formats.digits.spoken_digits_rewritten`)."""
    return [(match.start, match.end) for match in _phone_matches(text, default_region)]


def _phone_matches(text: str, default_region: str) -> Iterator[phonenumbers.PhoneNumberMatch]:
    return iter(phonenumbers.PhoneNumberMatcher(text, default_region, max_tries=_MAX_CANDIDATES))


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
# A word said between two parts of an address, between blanks: "ana dot perez at example dot org".
# Matched from the first blank of a run only, so a run of blanks is scanned once.
_SPOKEN_EMAIL_SYMBOL = re.compile(
    r"(?<!\s)\s+(?:(dot|punto)|(at|arroba)|(underscore|gui[oó]n\s+bajo)|(dash|hyphen|gui[oó]n))"
    r"\s+(?=\S)",
    re.IGNORECASE,
)
_SYMBOLS = (".", "@", "_", "-")


def parse_email(text: str) -> str | None:
    """The one e-mail address in the text, domain lower-cased: "Ana.Perez@example.org".

    When nothing is written with "@", the spoken form is tried: "ana dot perez at example dot
    org", "ana punto perez arroba example punto org". Two different addresses give None.
    """
    found = _emails(text)
    if not found:
        found = _emails(_spoken_email(text).text)
    return found.pop() if len(found) == 1 else None


def email_spans(text: str) -> list[tuple[int, int]]:
    """Where the text holds an e-mail address, written ("ana@example.org") or spoken ("ana at
    example dot org"), however many there are."""
    written = [match.span() for match in _EMAIL.finditer(text) if _is_email(match)]
    spoken = _spoken_email(text)
    said = [
        spoken.original_span(*match.span())
        for match in _EMAIL.finditer(spoken.text)
        if _is_email(match)
    ]
    return written + [
        (start, end)
        for start, end in said
        if not any(start < other_end and other_start < end for other_start, other_end in written)
    ]


def _spoken_email(text: str) -> Rewritten:
    """The text with "dot", "arroba", ... between blanks written as the symbol they say."""
    return Rewritten(
        text,
        (
            (match.start(), match.end(), _SYMBOLS[(match.lastindex or 1) - 1])
            for match in _SPOKEN_EMAIL_SYMBOL.finditer(text)
        ),
    )


def _emails(text: str) -> set[str]:
    return {
        f"{match.group(1)}@{match.group(2).lower()}"
        for match in _EMAIL.finditer(text)
        if _is_email(match)
    }


def _is_email(match: re.Match[str]) -> bool:
    return len(match.group(1)) <= 64 and len(match.group(0)) <= 254


# --- showing values without revealing them ----------------------------------------------------


def mask_phone(e164: str) -> str:
    """Only the last four digits: "+17135550142" -> "***-0142"."""
    digits = re.sub(r"\D", "", e164)
    return f"***-{digits[-4:]}" if len(digits) >= 4 else "***"


def mask_email(addr: str) -> str:
    """Only the first letter and the domain: "ana.perez@example.org" -> "a***@example.org"."""
    local, at, domain = addr.rpartition("@")
    return f"{local[0]}***@{domain.lower()}" if at and local else "***"
