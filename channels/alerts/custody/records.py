"""Custody look-up: "is the offender detained, released, transferred, removed?".

Identification follows ICE's public Online Detainee Locator: an A-number and the country of
birth, or the full name and the country of birth. Records come from a ``CustodyProvider``: the
synthetic sample dataset (``data/custody/sample.yml``) for local use, or a real feed over HTTP,
chosen by configuration (``provider_from_config``).

Matching is exact on purpose: a wrong person's status is worse than no answer.
- A-number: the normalised A-number ("A" + 9 digits) equals the record's, and so does the country.
- Name: compared as folded words (case, accents, punctuation and spacing ignored; apostrophes
  dropped, so "O'Connor" = "OConnor"; hyphens split, so "Jean-Pierre" = "Jean Pierre"). The
  query's words must equal the record's words in the same order, or equal them minus the last
  word: a missing second (maternal) surname, "Juan Carlos Pérez" for "Juan Carlos Pérez Gómez".
  That second case only applies to records of at least three words born in a country where two
  surnames are the norm (``TWO_SURNAME_COUNTRIES``); elsewhere the last word is often the only
  or the main surname ("Mary Ann Smith", Filipino and Brazilian names) and dropping it would
  leave given names alone. The country must match as well. Nothing partial or fuzzy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from enum import Enum
from typing import Any, Protocol

from channels.extension import Extension
from formats.text import fold

# Spanish naming: given names, paternal surname, maternal surname.
TWO_SURNAME_COUNTRIES = frozenset(
    {
        "AR", "BO", "CL", "CO", "CR", "CU", "DO", "EC", "ES", "GQ", "GT", "HN", "MX", "NI",
        "PA", "PE", "PR", "PY", "SV", "UY", "VE",
    }
)  # fmt: skip

A_NUMBER_RE = re.compile(r"A\d{9}")
COUNTRY_RE = re.compile(r"[A-Z]{2}")
US_STATE_RE = re.compile(r"[A-Z]{2}")
ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_APOSTROPHES = str.maketrans("", "", "'\u2019\u02bc`\u00b4")
_NON_WORD = re.compile(r"[^\w\s]|_")


class CustodyStatus(str, Enum):
    IN_CUSTODY = "in_custody"
    RELEASED = "released"
    TRANSFERRED = "transferred"
    REMOVED = "removed"
    ESCAPED = "escaped"
    DECEASED = "deceased"


# For these the record says where the person is (for a transfer: where they are now).
STATUSES_WITH_FACILITY = frozenset({CustodyStatus.IN_CUSTODY, CustodyStatus.TRANSFERRED})


@dataclass(frozen=True)
class CustodyRecord:
    a_number: str
    full_name: str
    birth_date: date
    country_of_birth: str
    status: CustodyStatus
    facility: str | None
    city: str | None
    state: str | None
    updated_at: datetime


class CustodyUnavailable(Exception):
    """The custody feed did not answer in time, answered with an error, or sent nonsense."""


class CustodyDataError(ValueError):
    """A custody record or data file is invalid; the message names the record and the field."""


class CustodyProvider(Protocol):
    def find_by_a_number(self, a_number: str, country: str) -> list[CustodyRecord]: ...

    def find_by_name(self, full_name: str, country: str) -> list[CustodyRecord]: ...


CUSTODY: Extension[CustodyProvider] = Extension("custody")


def name_words(name: str) -> tuple[str, ...]:
    """A name as folded words: "José  HERNÁNDEZ-Núñez" -> ("jose", "hernandez", "nunez")."""
    return tuple(_NON_WORD.sub(" ", fold(name).translate(_APOSTROPHES)).split())


def name_keys(record: CustodyRecord) -> tuple[tuple[str, ...], ...]:
    """The folded word sequences a name query may equal to find ``record`` (see module doc)."""
    words = name_words(record.full_name)
    if len(words) >= 3 and record.country_of_birth in TWO_SURNAME_COUNTRIES:
        return (words, words[:-1])
    return (words,)


def name_matches(full_name: str, record: CustodyRecord) -> bool:
    query = name_words(full_name)
    return len(query) >= 2 and query in name_keys(record)


# --- parsing and validation -------------------------------------------------------------------

FIELDS = (
    "a_number",
    "full_name",
    "birth_date",
    "country_of_birth",
    "status",
    "facility",
    "city",
    "state",
    "updated_at",
)


def parse_record(raw: object, where: str, *, strict: bool) -> CustodyRecord:
    """A validated record from a mapping of ``FIELDS``; ``CustodyDataError`` names what is wrong.

    ``where`` names the record in errors. ``strict`` also rejects unknown fields (typos in the
    sample file); a feed may send extra ones. Errors never quote the values: feed records are
    real people.
    """
    if not isinstance(raw, Mapping):
        raise CustodyDataError(f"{where}: must be a mapping of {', '.join(FIELDS)}")
    if strict:
        unknown = sorted(str(key) for key in raw if key not in FIELDS)
        if unknown:
            raise CustodyDataError(f"{where}: unknown field(s) {', '.join(unknown)}")
    status = _status(raw, where)
    facility, city, state = (
        _optional_text(raw, name, where) for name in ("facility", "city", "state")
    )
    if status in STATUSES_WITH_FACILITY:
        for name, value in (("facility", facility), ("city", city), ("state", state)):
            if value is None:
                raise CustodyDataError(f"{where}: field {name} is required when {status.value}")
    if state is not None and not US_STATE_RE.fullmatch(state):
        raise CustodyDataError(f"{where}: field state must be a two-letter US state code")
    return CustodyRecord(
        a_number=_a_number(raw, where),
        full_name=_full_name(raw, where),
        birth_date=_birth_date(raw, where),
        country_of_birth=_country(raw, where),
        status=status,
        facility=facility,
        city=city,
        state=state,
        updated_at=_updated_at(raw, where),
    )


def _field(raw: Mapping[Any, Any], name: str, where: str) -> object:
    if name not in raw or raw[name] is None or raw[name] == "":
        raise CustodyDataError(f"{where}: field {name} is missing")
    return raw[name]


def _a_number(raw: Mapping[Any, Any], where: str) -> str:
    value = _field(raw, "a_number", where)
    if not isinstance(value, str) or not A_NUMBER_RE.fullmatch(value):
        raise CustodyDataError(f"{where}: field a_number must be 'A' followed by 9 digits")
    return value


def _full_name(raw: Mapping[Any, Any], where: str) -> str:
    value = _field(raw, "full_name", where)
    if not isinstance(value, str) or len(name_words(value)) < 2:
        raise CustodyDataError(f"{where}: field full_name must hold a given name and a surname")
    return " ".join(value.split())


def _birth_date(raw: Mapping[Any, Any], where: str) -> date:
    value = _field(raw, "birth_date", where)
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and ISO_DATE_RE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise CustodyDataError(f"{where}: field birth_date must be a date written YYYY-MM-DD")


def _country(raw: Mapping[Any, Any], where: str) -> str:
    value = raw.get("country_of_birth")
    if isinstance(value, bool):  # YAML 1.1 reads NO, YES, ON, OFF unquoted as booleans
        raise CustodyDataError(
            f'{where}: field country_of_birth was read as a boolean; quote the code ("NO")'
        )
    value = _field(raw, "country_of_birth", where)
    if not isinstance(value, str) or not COUNTRY_RE.fullmatch(value):
        raise CustodyDataError(
            f"{where}: field country_of_birth must be an ISO 3166-1 alpha-2 code in capitals"
        )
    return value


def _status(raw: Mapping[Any, Any], where: str) -> CustodyStatus:
    value = _field(raw, "status", where)
    try:
        return CustodyStatus(value)
    except ValueError:
        allowed = ", ".join(status.value for status in CustodyStatus)
        raise CustodyDataError(f"{where}: field status must be one of {allowed}") from None


def _optional_text(raw: Mapping[Any, Any], name: str, where: str) -> str | None:
    value = raw.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise CustodyDataError(f"{where}: field {name} must be text or null")
    return " ".join(value.split())


def _updated_at(raw: Mapping[Any, Any], where: str) -> datetime:
    value = _field(raw, "updated_at", where)
    parsed: datetime | None = None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:  # Python 3.10's fromisoformat does not read a trailing "Z"
            parsed = datetime.fromisoformat(re.sub(r"[zZ]$", "+00:00", value))
        except ValueError:
            parsed = None
    if parsed is None or parsed.tzinfo is None or parsed.utcoffset() is None:
        raise CustodyDataError(
            f"{where}: field updated_at must be an ISO 8601 date-time with a time zone"
        )
    return parsed.astimezone(timezone.utc)
