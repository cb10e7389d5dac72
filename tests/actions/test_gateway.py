"""The gateway client against a real local HTTP server that checks the token and the paths."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from actions import gateway
from actions.gateway import GatewayClient, GatewayError, GatewayUnavailable, RateLimited

TOKEN = "test-api-token"


@dataclass
class Canned:
    status: int = 200
    body: Any = field(default_factory=dict)
    delay: float = 0.0
    raw: bytes | None = None  # sent as is instead of ``body`` (a non-JSON answer)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    content_type: str | None


class FakeGateway:
    """Answers (method, path) with canned answers; 401 without the token, 404 for other paths."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Canned] = {}
        self.seen: list[Seen] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._answer("GET")

            def do_POST(self) -> None:
                self._answer("POST")

            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, method: str) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                content_type = self.headers.get("Content-Type")
                fake.seen.append(Seen(method, url.path, parse_qs(url.query), body, content_type))
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    canned = Canned(401, {"error": "unauthorized", "detail": "token"})
                else:
                    canned = fake.routes.get((method, url.path), Canned(404, {"error": "nf"}))
                time.sleep(canned.delay)
                data = canned.raw if canned.raw is not None else json.dumps(canned.body).encode()
                try:
                    self.send_response(canned.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in canned.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (the timeout test)

        return Handler


@pytest.fixture
def fake() -> Iterator[FakeGateway]:
    fake = FakeGateway()
    thread = threading.Thread(target=fake.server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture
def api(fake: FakeGateway) -> Iterator[GatewayClient]:
    api = GatewayClient(fake.url + "/", TOKEN, timeout=2.0)
    yield api
    api.close()


SUMMARY = {
    "id": "r-1",
    "status": "active",
    "offender_hint": "J. D.",
    "channel": "sms",
    "contact_hint": "***-0142",
    "expires_at": "2027-01-01T00:00:00+00:00",
    "created_at": "2026-01-01T00:00:00+00:00",
}


def test_create_registration_posts_the_payload(fake, api):
    created = {"id": "r-1", "status": "pending_verification", "contact_hint": "***-0142"}
    fake.routes[("POST", "/api/registrations")] = Canned(201, created)
    payload = {"registrant": "conv-1", "contact": {"channel": "sms", "value": "+17135550142"}}
    assert api.create_registration(payload) == created
    assert fake.seen[-1].body == payload


def test_verify_resend_withdraw_and_contact_use_the_registration_path(fake, api):
    fake.routes[("POST", "/api/registrations/r-1/verify")] = Canned(
        200, {"result": "verified", "attempts_left": 2, "status": "active"}
    )
    fake.routes[("POST", "/api/registrations/r-1/resend")] = Canned(200, {"result": "sent"})
    fake.routes[("POST", "/api/registrations/r-1/withdraw")] = Canned(200, {"status": "withdrawn"})
    fake.routes[("POST", "/api/registrations/r-1/contact")] = Canned(
        200, {"status": "active", "pending_contact_hint": "a***@example.org"}
    )
    assert api.verify("r-1", "conv-1", "123456")["result"] == "verified"
    assert fake.seen[-1].body == {"registrant": "conv-1", "code": "123456"}
    assert api.resend("r-1", "conv-1") == {"result": "sent"}
    assert fake.seen[-1].body == {"registrant": "conv-1"}
    assert api.withdraw("r-1", "conv-1") == {"status": "withdrawn"}
    answer = api.change_contact("r-1", "conv-1", "email", "ana@example.org")
    assert answer["pending_contact_hint"] == "a***@example.org"
    assert fake.seen[-1].body == {
        "registrant": "conv-1",
        "contact": {"channel": "email", "value": "ana@example.org"},
    }


def test_registration_ids_are_quoted_into_the_path(fake, api):
    with pytest.raises(GatewayError) as raised:
        api.withdraw("../x y", "conv-1")
    assert raised.value.status == 404
    assert fake.seen[-1].path == "/api/registrations/..%2Fx%20y/withdraw"


def test_list_registrations_sends_the_registrant(fake, api):
    fake.routes[("GET", "/api/registrations")] = Canned(200, {"registrations": [SUMMARY]})
    assert api.list_registrations("conv-1") == [SUMMARY]
    assert fake.seen[-1].query == {"registrant": ["conv-1"]}


def test_custody_lookup_posts_json_by_a_number_or_by_name(fake, api):
    record = {"status": "in_custody", "facility": "X", "city": "Y", "state": "TX"}
    # Only POST /api/custody/search answers: a GET or a query string would get a 404.
    fake.routes[("POST", "/api/custody/search")] = Canned(200, {"records": [record]})
    assert api.lookup_custody(country="MX", a_number="A123456789") == [record]
    seen = fake.seen[-1]
    assert (seen.method, seen.path, seen.query) == ("POST", "/api/custody/search", {})
    assert seen.content_type == "application/json"
    assert seen.body == {"country": "MX", "a_number": "A123456789"}
    assert api.lookup_custody(country="MX", name="Juan Pérez") == [record]
    seen = fake.seen[-1]
    assert (seen.method, seen.path, seen.query) == ("POST", "/api/custody/search", {})
    assert seen.body == {"country": "MX", "name": "Juan Pérez"}


def test_custody_lookup_needs_exactly_one_key(api):
    with pytest.raises(ValueError):
        api.lookup_custody(country="MX")
    with pytest.raises(ValueError):
        api.lookup_custody(country="MX", a_number="A123456789", name="Juan Perez")


def test_invalid_fields_raise_gateway_error_with_the_payload(fake, api):
    error = {"error": "invalid", "detail": "bad", "fields": {"contact.value": "a phone number"}}
    fake.routes[("POST", "/api/registrations/r-1/contact")] = Canned(422, error)
    with pytest.raises(GatewayError) as raised:
        api.change_contact("r-1", "conv-1", "sms", "12")
    assert not isinstance(raised.value, RateLimited)
    assert raised.value.status == 422
    assert raised.value.payload == error


def test_rate_limit_says_when_to_try_again(fake, api):
    fake.routes[("POST", "/api/registrations/r-1/resend")] = Canned(
        429, {"error": "rate_limited", "retry_after": 120}
    )
    with pytest.raises(RateLimited) as raised:
        api.resend("r-1", "conv-1")
    assert raised.value.retry_after == 120
    assert raised.value.status == 429


def test_rate_limit_falls_back_to_the_retry_after_header(fake, api):
    fake.routes[("POST", "/api/registrations/r-1/resend")] = Canned(
        429, {"error": "rate_limited"}, headers={"Retry-After": "30"}
    )
    with pytest.raises(RateLimited) as raised:
        api.resend("r-1", "conv-1")
    assert raised.value.retry_after == 30


def test_a_wrong_token_is_a_gateway_error(fake):
    wrong = GatewayClient(fake.url, "wrong-token", timeout=2.0)
    with pytest.raises(GatewayError) as raised:
        wrong.list_registrations("conv-1")
    assert raised.value.status == 401
    wrong.close()


def test_server_error_is_unavailable(fake, api):
    fake.routes[("GET", "/api/registrations")] = Canned(500, {"error": "boom"})
    with pytest.raises(GatewayUnavailable):
        api.list_registrations("conv-1")


def test_non_json_answer_is_unavailable(fake, api):
    fake.routes[("GET", "/api/registrations")] = Canned(200, raw=b"<html>oops</html>")
    with pytest.raises(GatewayUnavailable):
        api.list_registrations("conv-1")


def test_answer_without_the_expected_list_is_unavailable(fake, api):
    fake.routes[("GET", "/api/registrations")] = Canned(200, {"registrations": "nope"})
    with pytest.raises(GatewayUnavailable):
        api.list_registrations("conv-1")


def test_closed_port_is_unavailable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    closed = GatewayClient(f"http://127.0.0.1:{port}", TOKEN, timeout=1.0)
    with pytest.raises(GatewayUnavailable):
        closed.list_registrations("conv-1")


def test_slow_server_times_out_as_unavailable(fake):
    fake.routes[("GET", "/api/registrations")] = Canned(200, {"registrations": []}, delay=1.0)
    impatient = GatewayClient(fake.url, TOKEN, timeout=0.2)
    started = time.monotonic()
    with pytest.raises(GatewayUnavailable):
        impatient.list_registrations("conv-1")
    assert time.monotonic() - started < 0.9
    impatient.close()


def test_bodies_and_queries_never_reach_the_log(fake, api, caplog):
    fake.routes[("POST", "/api/custody/search")] = Canned(200, {"records": []})
    fake.routes[("POST", "/api/registrations/r-1/verify")] = Canned(200, {"result": "verified"})
    with caplog.at_level("DEBUG", logger="actions.gateway"):
        api.lookup_custody(country="MX", name="Juan Perez")
        api.verify("r-1", "conv-1", "654321")
    logged = caplog.text
    assert "POST /api/custody/search" in logged and "/api/registrations/<id>/verify" in logged
    for secret in ("Juan", "654321", "conv-1", "r-1"):
        assert secret not in logged


def test_from_env_and_the_shared_client(monkeypatch):
    monkeypatch.setenv("HOTLINE_API_TOKEN", "env-token")
    monkeypatch.delenv("HOTLINE_GATEWAY_URL", raising=False)
    gateway.client.cache_clear()
    try:
        shared = gateway.client()
        assert shared is gateway.client()
        assert shared.base_url == "http://127.0.0.1:5000"
        monkeypatch.setenv("HOTLINE_GATEWAY_URL", "http://gw.internal:8000/")
        assert GatewayClient.from_env().base_url == "http://gw.internal:8000"
    finally:
        gateway.client.cache_clear()


def test_from_env_without_a_token_is_unavailable(monkeypatch):
    monkeypatch.delenv("HOTLINE_API_TOKEN", raising=False)
    with pytest.raises(GatewayUnavailable):
        GatewayClient.from_env()


# -- from an async action ----------------------------------------------------------------------


async def test_call_gateway_runs_the_call_on_the_shared_client_off_the_event_loop(monkeypatch):
    shared = object()
    seen: list[tuple[object, int]] = []

    def operation(api: object) -> str:
        seen.append((api, threading.get_ident()))
        return "answer"

    monkeypatch.setattr(gateway, "client", lambda: shared)
    assert await gateway.call_gateway(operation) == "answer"
    assert seen == [(shared, seen[0][1])]
    assert seen[0][1] != threading.get_ident()


async def test_call_gateway_raises_what_the_call_raises(monkeypatch):
    def refuse(api: object) -> None:
        raise RateLimited(429, {"error": "rate_limited"}, 61)

    monkeypatch.setattr(gateway, "client", lambda: object())
    with pytest.raises(RateLimited):
        await gateway.call_gateway(refuse)


@pytest.mark.parametrize(("seconds", "minutes"), [(0, 1), (59, 1), (60, 1), (61, 2), (125, 3)])
def test_a_rate_limit_is_told_in_whole_minutes_at_least_one(seconds, minutes):
    assert gateway.minutes_until(RateLimited(429, {}, seconds)) == minutes
