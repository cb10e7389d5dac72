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
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Any, Protocol

import requests
import yaml
from requests.adapters import HTTPAdapter

from channels.errors import ConfigurationError

DEFAULT_SAMPLE_PATH = Path(__file__).resolve().parent.parent / "data" / "custody" / "sample.yml"

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


def name_words(name: str) -> tuple[str, ...]:
    """A name as folded words: "José  HERNÁNDEZ-Núñez" -> ("jose", "hernandez", "nunez")."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return tuple(_NON_WORD.sub(" ", stripped.translate(_APOSTROPHES)).split())


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


# --- the sample dataset -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Index:
    records: tuple[CustodyRecord, ...]
    by_a_number: dict[str, CustodyRecord]
    by_name: dict[tuple[str, ...], list[CustodyRecord]]


class SampleCustodyProvider:
    """Custody records from the synthetic sample YAML, read and validated on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._index: _Index | None = None
        self._lock = threading.Lock()

    def records(self) -> tuple[CustodyRecord, ...]:
        """Every record in the file, in file order (loads the file if not done yet)."""
        return self._data().records

    def find_by_a_number(self, a_number: str, country: str) -> list[CustodyRecord]:
        record = self._data().by_a_number.get(a_number)
        if record is None or record.country_of_birth != country.strip().upper():
            return []
        return [record]

    def find_by_name(self, full_name: str, country: str) -> list[CustodyRecord]:
        query = name_words(full_name)
        if len(query) < 2:
            return []
        wanted = country.strip().upper()
        found = self._data().by_name.get(query, [])
        return [record for record in found if record.country_of_birth == wanted]

    def _data(self) -> _Index:
        with self._lock:
            if self._index is None:
                self._index = self._load()
            return self._index

    def _load(self) -> _Index:
        try:
            raw = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CustodyDataError(f"{self.path}: custody sample file not found") from None
        except yaml.YAMLError as error:
            raise CustodyDataError(f"{self.path}: not valid YAML: {error}") from None
        if not isinstance(raw, dict) or raw.get("sample") is not True:
            raise CustodyDataError(
                f"{self.path}: not marked `sample: true`; the sample provider only serves "
                "synthetic data (use the http provider for a real custody feed)"
            )
        items = raw.get("records")
        if not isinstance(items, list) or not items:
            raise CustodyDataError(f"{self.path}: `records` must be a non-empty list")
        records = tuple(
            parse_record(item, self._where(index, item), strict=True)
            for index, item in enumerate(items, start=1)
        )
        return _Index(records, self._by_a_number(records), _by_name(records))

    def _where(self, index: int, item: object) -> str:
        # Sample records are synthetic, so naming the A-number in errors is fine.
        a_number = item.get("a_number") if isinstance(item, Mapping) else None
        label = f" ({a_number})" if isinstance(a_number, str) else ""
        return f"{self.path}: record {index}{label}"

    def _by_a_number(self, records: Iterable[CustodyRecord]) -> dict[str, CustodyRecord]:
        index: dict[str, CustodyRecord] = {}
        for number, record in enumerate(records, start=1):
            if record.a_number in index:
                raise CustodyDataError(
                    f"{self.path}: record {number} ({record.a_number}): field a_number "
                    "repeats an earlier record's"
                )
            index[record.a_number] = record
        return index


def _by_name(records: Iterable[CustodyRecord]) -> dict[tuple[str, ...], list[CustodyRecord]]:
    index: dict[tuple[str, ...], list[CustodyRecord]] = {}
    for record in records:
        for key in name_keys(record):
            index.setdefault(key, []).append(record)
    return index


# --- a real feed over HTTP --------------------------------------------------------------------


class HttpCustodyProvider:
    """A custody feed: ``GET {base_url}/records?a_number=..&country=..`` (or ``name=``), with a
    bearer token, answering ``{"records": [...]}`` with the record fields.

    The feed's answers are validated and filtered again with this module's matching rules, so
    a feed that matches more loosely can never make the hotline name the wrong person.
    """

    def __init__(self, base_url: str, token: str, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._http = requests.Session()
        self._http.headers.update(
            {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        )
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=16, max_retries=0)
        self._http.mount("http://", adapter)
        self._http.mount("https://", adapter)

    def find_by_a_number(self, a_number: str, country: str) -> list[CustodyRecord]:
        wanted = country.strip().upper()
        records = self._get({"a_number": a_number, "country": wanted})
        return [r for r in records if r.a_number == a_number and r.country_of_birth == wanted]

    def find_by_name(self, full_name: str, country: str) -> list[CustodyRecord]:
        wanted = country.strip().upper()
        records = self._get({"name": full_name, "country": wanted})
        return [r for r in records if r.country_of_birth == wanted and name_matches(full_name, r)]

    def _get(self, params: dict[str, str]) -> list[CustodyRecord]:
        try:
            response = self._http.get(
                f"{self.base_url}/records", params=params, timeout=self.timeout
            )
            response.raise_for_status()
            body = response.json()
        except (requests.RequestException, ValueError) as error:
            raise CustodyUnavailable(type(error).__name__) from error
        items = body.get("records") if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise CustodyUnavailable("malformed answer: no records list")
        try:
            return [
                parse_record(item, f"feed record {index}", strict=False)
                for index, item in enumerate(items, start=1)
            ]
        except CustodyDataError as error:
            raise CustodyUnavailable(f"malformed answer: {error}") from error


# --- configuration and the look-up itself -----------------------------------------------------


def provider_from_config(
    kind: str, *, sample_path: Path, feed_url: str, feed_token: str
) -> CustodyProvider:
    """The provider named by ``kind``: "sample" (the default when empty) or "http"."""
    chosen = (kind or "sample").strip().lower()
    if chosen == "sample":
        return SampleCustodyProvider(sample_path)
    if chosen == "http":
        if not feed_url.startswith(("http://", "https://")):
            raise ConfigurationError(
                "the http custody provider needs the feed's base URL (http:// or https://): "
                "set HOTLINE_CUSTODY_FEED_URL, or use HOTLINE_CUSTODY_PROVIDER=sample"
            )
        if not feed_token:
            raise ConfigurationError(
                "the http custody provider needs the feed's bearer token: "
                "set HOTLINE_CUSTODY_FEED_TOKEN"
            )
        return HttpCustodyProvider(feed_url, feed_token)
    raise ConfigurationError(
        f"unknown custody provider {kind!r}: HOTLINE_CUSTODY_PROVIDER must be sample or http"
    )


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
