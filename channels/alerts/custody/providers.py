"""Where custody records come from: the synthetic sample dataset (``data/custody/sample.yml``)
for local use, or a real feed over HTTP, chosen by configuration (``provider_from_config``)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import requests
import yaml
from requests.adapters import HTTPAdapter

from channels.alerts.custody.records import (
    CustodyDataError,
    CustodyProvider,
    CustodyRecord,
    CustodyUnavailable,
    name_keys,
    name_matches,
    name_words,
    parse_record,
)
from channels.config.settings import Settings
from channels.errors import ConfigurationError

DEFAULT_SAMPLE_PATH = Path(__file__).resolve().parents[3] / "data" / "custody" / "sample.yml"

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


def provider_from_settings(settings: Settings) -> CustodyProvider:
    """HOTLINE_CUSTODY_PROVIDER's provider; a relative sample path is the repository's."""
    path = Path(settings.custody_sample_path)
    return provider_from_config(
        settings.custody_provider,
        sample_path=path if path.is_absolute() else DEFAULT_SAMPLE_PATH.parents[2] / path,
        feed_url=settings.custody_feed_url,
        feed_token=settings.custody_feed_token,
    )


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
