"""The look-up itself: an A-number or a full name, with the country of birth, as the public
detainee locator asks; and what the API shows of a record."""

from __future__ import annotations

import re

from channels.alerts.custody.records import COUNTRY_RE, CustodyProvider, CustodyRecord, name_words


def normalise_a_number(text: str) -> str:
    """An A-number as records hold it: "a 204-555-781" -> "A204555781".

    An 8-digit A-number gets a leading 0, as the public locator asks. ``ValueError`` if the
    text is not an A-number.
    """
    compact = re.sub(r"[\s\-.]", "", text).upper().removeprefix("A")
    if compact.isascii() and compact.isdigit() and len(compact) in (8, 9):
        return "A" + compact.zfill(9)
    raise ValueError("an A-number is 'A' followed by 8 or 9 digits")


def normalise_country(text: str | None) -> str:
    code = (text or "").strip().upper()
    if not COUNTRY_RE.fullmatch(code):
        raise ValueError(
            "the country of birth is required, as a two-letter ISO 3166-1 code (e.g. MX)"
        )
    return code


def lookup(
    provider: CustodyProvider, *, a_number: str | None, full_name: str | None, country: str
) -> list[CustodyRecord]:
    """Records for an (A-number + country of birth) or a (full name + country of birth).

    Raises ``ValueError`` (safe to show: it never quotes the input) when the country is missing
    or malformed, when neither or both of A-number and name are given, or when either is
    malformed. Provider errors (``CustodyUnavailable``) pass through.
    """
    code = normalise_country(country)
    number = (a_number or "").strip()
    name = (full_name or "").strip()
    if number and name:
        raise ValueError("give either an A-number or a full name, not both")
    if number:
        return provider.find_by_a_number(normalise_a_number(number), code)
    if name:
        if len(name_words(name)) < 2:
            raise ValueError("the full name needs at least a given name and a surname")
        return provider.find_by_name(name, code)
    raise ValueError("an A-number or a full name is required, with the country of birth")


def record_to_json(record: CustodyRecord) -> dict[str, str | None]:
    """A record as POST /api/custody/search shows it: no name, A-number or birth date."""
    return {
        "status": record.status.value,
        "facility": record.facility,
        "city": record.city,
        "state": record.state,
        "updated_at": record.updated_at.isoformat(),
    }
