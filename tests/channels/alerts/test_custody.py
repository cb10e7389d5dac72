"""Custody look-up: the sample dataset, the matching rules, and the HTTP feed against a real
local server (slow, failing, malformed, and fine)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from channels.alerts.custody.lookup import lookup, record_to_json
from channels.alerts.custody.providers import (
    DEFAULT_SAMPLE_PATH,
    HttpCustodyProvider,
    SampleCustodyProvider,
    provider_from_config,
)
from channels.alerts.custody.records import (
    CustodyDataError,
    CustodyRecord,
    CustodyStatus,
    CustodyUnavailable,
)
from channels.errors import ConfigurationError

GOOD = {
    "a_number": "A111222333",
    "full_name": "Ana Sofía Ruiz Peña",
    "birth_date": "1990-01-02",
    "country_of_birth": "MX",
    "status": "in_custody",
    "facility": "Sample Processing Center",
    "city": "Houston",
    "state": "TX",
    "updated_at": "2026-11-20T14:05:00Z",
}


def write_sample(path: Path, records: list[Any], sample: object = True) -> Path:
    path.write_text(yaml.safe_dump({"sample": sample, "records": records}, allow_unicode=True))
    return path


@pytest.fixture(scope="module")
def sample() -> SampleCustodyProvider:
    return SampleCustodyProvider(DEFAULT_SAMPLE_PATH)


def a_numbers(records: list[CustodyRecord]) -> list[str]:
    return [record.a_number for record in records]


# --- the sample dataset -----------------------------------------------------------------------


def test_sample_file_is_marked_synthetic_and_every_record_validates(sample):
    text = DEFAULT_SAMPLE_PATH.read_text(encoding="utf-8")
    assert "SYNTHETIC" in text.splitlines()[0]
    assert yaml.safe_load(text)["sample"] is True
    records = sample.records()
    assert 35 <= len(records) <= 50
    assert len({r.a_number for r in records}) == len(records)
    assert {r.status for r in records} == set(CustodyStatus)
    assert {"MX", "GT", "HN", "SV", "CU", "DO", "VE", "CN", "IN", "PH"} <= {
        r.country_of_birth for r in records
    }
    for record in records:
        if record.status in (CustodyStatus.IN_CUSTODY, CustodyStatus.TRANSFERRED):
            assert record.facility and record.facility.startswith("Sample ")


def test_stable_records(sample):
    [juan] = sample.find_by_a_number("A204555781", "MX")
    assert juan == CustodyRecord(
        a_number="A204555781",
        full_name="Juan Carlos Pérez Gómez",
        birth_date=date(1985, 3, 3),
        country_of_birth="MX",
        status=CustodyStatus.IN_CUSTODY,
        facility="Sample Processing Center",
        city="Houston",
        state="TX",
        updated_at=juan.updated_at,
    )
    [mary] = sample.find_by_a_number("A012345678", "JM")
    assert (mary.full_name, mary.birth_date, mary.status) == (
        "Mary Ann Smith",
        date(1979, 11, 20),
        CustodyStatus.RELEASED,
    )
    assert mary.facility is None


def test_nothing_is_read_before_first_use(tmp_path):
    provider = SampleCustodyProvider(tmp_path / "missing.yml")  # no error yet
    with pytest.raises(CustodyDataError, match="not found"):
        provider.find_by_a_number("A204555781", "MX")


def test_file_is_read_once(tmp_path):
    path = write_sample(tmp_path / "s.yml", [GOOD])
    provider = SampleCustodyProvider(path)
    assert a_numbers(provider.find_by_a_number("A111222333", "MX")) == ["A111222333"]
    path.unlink()
    assert a_numbers(provider.find_by_name("Ana Sofia Ruiz Pena", "MX")) == ["A111222333"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"a_number": "A12345"}, r"record 1 \(A12345\): field a_number"),
        ({"a_number": None}, "record 1: field a_number is missing"),
        ({"full_name": "Ana"}, "field full_name"),
        ({"birth_date": "1985-13-03"}, "field birth_date"),
        ({"birth_date": "03/03/1985"}, "field birth_date"),
        ({"country_of_birth": "Mexico"}, "field country_of_birth"),
        ({"country_of_birth": False}, "quote the code"),
        ({"status": "detained"}, "field status must be one of in_custody"),
        ({"facility": None}, "field facility is required when in_custody"),
        ({"state": "Texas"}, "field state"),
        ({"updated_at": "2026-11-20T14:05:00"}, "field updated_at"),
        ({"updated_at": "yesterday"}, "field updated_at"),
        ({"facilty": "typo"}, "unknown field"),
    ],
)
def test_invalid_records_are_named_with_their_field(tmp_path, change, expected):
    record = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    provider = SampleCustodyProvider(write_sample(tmp_path / "bad.yml", [record]))
    with pytest.raises(CustodyDataError, match=expected):
        provider.records()


def test_the_second_bad_record_is_the_one_named(tmp_path):
    second = {**GOOD, "a_number": "A999888777", "status": "lost"}
    provider = SampleCustodyProvider(write_sample(tmp_path / "bad.yml", [GOOD, second]))
    with pytest.raises(CustodyDataError, match=r"record 2 \(A999888777\): field status"):
        provider.records()


def test_repeated_a_number_is_an_error(tmp_path):
    provider = SampleCustodyProvider(write_sample(tmp_path / "dup.yml", [GOOD, GOOD]))
    with pytest.raises(CustodyDataError, match=r"record 2 \(A111222333\).*repeats"):
        provider.records()


@pytest.mark.parametrize("sample_flag", [False, "yes", None])
def test_file_must_be_marked_sample(tmp_path, sample_flag):
    provider = SampleCustodyProvider(write_sample(tmp_path / "s.yml", [GOOD], sample_flag))
    with pytest.raises(CustodyDataError, match="sample: true"):
        provider.records()


def test_broken_yaml_and_missing_records(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("sample: true\nrecords: [\n")
    with pytest.raises(CustodyDataError, match="not valid YAML"):
        SampleCustodyProvider(broken).records()
    with pytest.raises(CustodyDataError, match="records"):
        SampleCustodyProvider(write_sample(tmp_path / "empty.yml", [])).records()


def test_released_record_needs_no_facility(tmp_path):
    released = {**GOOD, "status": "released", "facility": None, "city": None, "state": None}
    [record] = SampleCustodyProvider(write_sample(tmp_path / "s.yml", [released])).records()
    assert (record.status, record.facility, record.city) == (CustodyStatus.RELEASED, None, None)
    assert record.updated_at == datetime(2026, 11, 20, 14, 5, tzinfo=timezone.utc)


# --- matching ---------------------------------------------------------------------------------


def test_a_number_needs_the_right_country(sample):
    assert a_numbers(sample.find_by_a_number("A204555781", "MX")) == ["A204555781"]
    assert sample.find_by_a_number("A204555781", "GT") == []
    assert sample.find_by_a_number("A204555782", "MX") == []


@pytest.mark.parametrize(
    "query",
    [
        "Juan Carlos Pérez Gómez",
        "juan carlos perez gomez",
        "JUAN CARLOS PÉREZ GÓMEZ",
        "  Juan   Carlos, Pérez-Gómez. ",
        "Juan Carlos Pérez",  # second surname left out
        "juan carlos perez",
    ],
)
def test_name_matches_ignoring_accents_case_punctuation_and_second_surname(sample, query):
    assert a_numbers(sample.find_by_name(query, "MX")) == ["A204555781"]


@pytest.mark.parametrize(
    "query",
    [
        "Juan Carlos",  # given names only
        "Carlos Pérez Gómez",  # a given name missing
        "Juan Carlos Gómez",  # paternal surname missing
        "Pérez Gómez Juan Carlos",  # other order
        "Juan Carlos Perez Gomes",  # misspelt: no fuzzy matching
        "Juan Carlos Pérez Gómez Ruiz",  # an extra word
        "Juan Carlos Pérez Gómez Gómez",
        "Pérez",
    ],
)
def test_no_partial_or_fuzzy_name_matches(sample, query):
    assert "A204555781" not in a_numbers(sample.find_by_name(query, "MX"))


def test_similar_names_stay_apart(sample):
    # "Juan Pérez" is "Juan Pérez Gómez" without his second surname, never Juan Carlos.
    assert a_numbers(sample.find_by_name("Juan Pérez", "MX")) == ["A212734906"]
    assert a_numbers(sample.find_by_name("Juan Pérez Gómez", "MX")) == ["A212734906"]


def test_name_needs_the_right_country(sample):
    assert sample.find_by_name("Juan Carlos Pérez Gómez", "GT") == []
    assert a_numbers(sample.find_by_name("Jose Luis Martinez Ramirez", "MX")) == ["A208311406"]
    assert a_numbers(sample.find_by_name("José Luis Martínez Ramírez", "gt")) == ["A213907352"]


def test_same_name_in_the_same_country_returns_both(sample):
    found = sample.find_by_name("maria guadalupe lopez garcia", "MX")
    assert sorted(a_numbers(found)) == ["A209476130", "A215630984"]
    assert len(sample.find_by_name("María Guadalupe López", "MX")) == 2


@pytest.mark.parametrize(
    ("query", "country"),
    [
        ("Mary Ann", "JM"),  # the only surname left out
        ("Maria Cristina Reyes", "PH"),  # Filipino: the last word is the surname
        ("João Pedro Souza", "BR"),  # Brazilian: the last surname is the main one
    ],
)
def test_last_word_is_only_optional_where_two_surnames_are_the_norm(sample, query, country):
    assert sample.find_by_name(query, country) == []


def test_apostrophes_hyphens_and_particles(sample):
    for query in ("Sean Patrick O'Connor", "Seán Patrick O\u2019Connor", "sean patrick oconnor"):
        assert a_numbers(sample.find_by_name(query, "IE")) == ["A218126743"]
    assert a_numbers(sample.find_by_name("Jean Pierre Baptiste", "HT")) == ["A202317864"]
    found = sample.find_by_name("Yanelis de la Caridad Pérez", "CU")
    assert a_numbers(found) == ["A217840623"]


# --- lookup: the identification rule ----------------------------------------------------------


def test_lookup_by_a_number_or_name(sample):
    assert a_numbers(lookup(sample, a_number="A204555781", full_name=None, country="MX")) == [
        "A204555781"
    ]
    by_name = lookup(sample, a_number="", full_name="Juan Carlos Pérez", country=" mx ")
    assert a_numbers(by_name) == ["A204555781"]
    assert lookup(sample, a_number=None, full_name="Nadie Existe Nunca", country="MX") == []


def test_lookup_normalises_a_numbers(sample):
    for typed in ("a204555781", "A 204-555-781", "204555781"):
        found = lookup(sample, a_number=typed, full_name=None, country="MX")
        assert a_numbers(found) == ["A204555781"]
    # An 8-digit A-number is the 9-digit one with a leading 0, as the public locator says.
    assert a_numbers(lookup(sample, a_number="A12345678", full_name=None, country="JM")) == [
        "A012345678"
    ]


@pytest.mark.parametrize(
    ("a_number", "full_name", "country", "message"),
    [
        ("A204555781", None, "", "country of birth is required"),
        ("A204555781", None, "Mexico", "country of birth is required"),
        (None, "Juan Carlos Pérez Gómez", None, "country of birth is required"),
        ("A204555781", "Juan Carlos Pérez Gómez", "MX", "not both"),
        (None, None, "MX", "A-number or a full name is required"),
        ("", "   ", "MX", "A-number or a full name is required"),
        ("A2045", None, "MX", "8 or 9 digits"),
        ("B204555781", None, "MX", "8 or 9 digits"),
        (None, "Juan", "MX", "given name and a surname"),
    ],
)
def test_lookup_enforces_the_identification_rule(sample, a_number, full_name, country, message):
    with pytest.raises(ValueError, match=message):
        lookup(sample, a_number=a_number, full_name=full_name, country=country)


def test_record_to_json_hides_identity(sample):
    [juan] = sample.find_by_a_number("A204555781", "MX")
    assert record_to_json(juan) == {
        "status": "in_custody",
        "facility": "Sample Processing Center",
        "city": "Houston",
        "state": "TX",
        "updated_at": "2026-11-24T15:30:00+00:00",
    }
    [mary] = sample.find_by_a_number("A012345678", "JM")
    assert record_to_json(mary)["facility"] is None
    assert json.dumps(record_to_json(mary))


# --- provider_from_config ---------------------------------------------------------------------


def test_provider_from_config(tmp_path):
    kwargs: dict[str, Any] = {"sample_path": tmp_path / "s.yml", "feed_url": "", "feed_token": ""}
    for kind in ("", "sample", " Sample "):
        provider = provider_from_config(kind, **kwargs)
        assert isinstance(provider, SampleCustodyProvider)
        assert provider.path == tmp_path / "s.yml"
    feed = provider_from_config(
        "http", sample_path=tmp_path, feed_url="https://feed.example.org/v1/", feed_token="t"
    )
    assert isinstance(feed, HttpCustodyProvider)
    assert feed.base_url == "https://feed.example.org/v1"


@pytest.mark.parametrize(
    ("kind", "url", "token", "message"),
    [
        ("http", "", "t", "HOTLINE_CUSTODY_FEED_URL"),
        ("http", "feed.example.org", "t", "HOTLINE_CUSTODY_FEED_URL"),
        ("http", "https://feed.example.org", "", "HOTLINE_CUSTODY_FEED_TOKEN"),
        ("ftp", "", "", "must be sample or http"),
    ],
)
def test_provider_from_config_errors(tmp_path, kind, url, token, message):
    with pytest.raises(ConfigurationError, match=message):
        provider_from_config(kind, sample_path=tmp_path, feed_url=url, feed_token=token)


# --- the HTTP feed, against a real local server -----------------------------------------------


class Feed:
    """What the local feed server answers, and what it was asked."""

    def __init__(self) -> None:
        self.status = 200
        self.body: bytes = b'{"records": []}'
        self.delay = 0.0
        self.requests: list[tuple[str, dict[str, list[str]], str | None]] = []
        self.released = threading.Event()

    def answer(self, records: list[dict[str, Any]]) -> None:
        self.body = json.dumps({"records": records}).encode()


def serve(feed: Feed) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            feed.requests.append((url.path, parse_qs(url.query), self.headers["Authorization"]))
            if feed.delay:
                feed.released.wait(feed.delay)
            try:
                self.send_response(feed.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(feed.body)))
                self.end_headers()
                self.wfile.write(feed.body)
            except OSError:  # the client gave up (timeout test)
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server


@pytest.fixture
def feed() -> Iterator[tuple[Feed, Callable[..., HttpCustodyProvider]]]:
    state = Feed()
    server = serve(state)
    base = f"http://127.0.0.1:{server.server_address[1]}/v1"

    def provider(timeout: float = 2.0) -> HttpCustodyProvider:
        return HttpCustodyProvider(base, "feed-token", timeout=timeout)

    yield state, provider
    state.released.set()
    server.shutdown()
    server.server_close()


def test_feed_by_a_number_sends_token_and_query(feed):
    state, provider = feed
    state.answer([GOOD])
    [record] = provider().find_by_a_number("A111222333", "MX")
    assert record.full_name == "Ana Sofía Ruiz Peña"
    assert record.status is CustodyStatus.IN_CUSTODY
    assert state.requests == [
        ("/v1/records", {"a_number": ["A111222333"], "country": ["MX"]}, "Bearer feed-token")
    ]


def test_feed_by_name_sends_the_name(feed):
    state, provider = feed
    state.answer([GOOD])
    found = provider().find_by_name("Ana Sofía Ruiz", "mx")
    assert a_numbers(found) == ["A111222333"]
    assert state.requests[0][1] == {"name": ["Ana Sofía Ruiz"], "country": ["MX"]}


def test_feed_answers_are_held_to_the_same_matching_rules(feed):
    state, provider = feed
    other_country = {**GOOD, "a_number": "A444555666", "country_of_birth": "GT"}
    loose_name = {**GOOD, "a_number": "A777888999", "full_name": "Ana Ruiz"}
    state.answer([GOOD, other_country, loose_name])
    assert a_numbers(provider().find_by_name("Ana Sofia Ruiz Pena", "MX")) == ["A111222333"]
    assert provider().find_by_a_number("A000000001", "MX") == []


def test_feed_extra_fields_are_ignored(feed):
    state, provider = feed
    state.answer([{**GOOD, "booking_id": "X1"}])
    assert len(provider().find_by_a_number("A111222333", "MX")) == 1


def test_feed_slower_than_the_timeout_is_unavailable(feed):
    state, provider = feed
    state.delay = 3.0
    started = time.monotonic()
    with pytest.raises(CustodyUnavailable):
        provider(timeout=0.3).find_by_a_number("A111222333", "MX")
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, b'{"error": "boom"}'),
        (401, b'{"error": "unauthorized"}'),
        (200, b"<html>not json</html>"),
        (200, b'{"records": "none"}'),
        (200, b"[]"),
        (200, json.dumps({"records": [{**GOOD, "status": "lost"}]}).encode()),
        (200, json.dumps({"records": [{**GOOD, "updated_at": None}]}).encode()),
    ],
)
def test_feed_errors_and_nonsense_are_unavailable(feed, status, body):
    state, provider = feed
    state.status, state.body = status, body
    with pytest.raises(CustodyUnavailable):
        provider().find_by_name("Ana Sofía Ruiz Peña", "MX")


def test_feed_malformed_record_error_does_not_quote_it(feed):
    state, provider = feed
    state.answer([{**GOOD, "birth_date": "1990-02-31"}])
    with pytest.raises(CustodyUnavailable, match="feed record 1: field birth_date") as caught:
        provider().find_by_a_number("A111222333", "MX")
    assert "1990-02-31" not in str(caught.value)
    assert "A111222333" not in str(caught.value)


def test_feed_unreachable_is_unavailable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    provider = HttpCustodyProvider(f"http://127.0.0.1:{port}", "t", timeout=1.0)
    with pytest.raises(CustodyUnavailable):
        provider.find_by_a_number("A111222333", "MX")
