"""The action server's client of the gateway's internal API (docs: notes/registration-api.md).

Registrations and custody look-ups live in the gateway; actions reach them here. Requests and
answers carry personal data (names, contacts, codes), so nothing here logs a body or a query
string: only the method, the route, the status and the time taken.

Actions get the shared client with ``gateway.client()`` (called through the module, so tests can
replace it with ``monkeypatch.setattr(gateway, "client", ...)``). The client is synchronous; an
async action calls it through ``call_gateway``, which runs it in a worker thread so that a slow
gateway does not stall the action server's event loop.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter

log = logging.getLogger(__name__)

DEFAULT_GATEWAY_URL = "http://127.0.0.1:5000"
# When a 429 says neither in its body nor in Retry-After how long to wait.
DEFAULT_RETRY_AFTER = 60
# A contact value: the phone the person is writing from, which only the gateway knows.
THIS_NUMBER = "this_number"

T = TypeVar("T")


class GatewayError(Exception):
    """The gateway refused the request (a 4xx answer); ``payload`` is its JSON error body:
    ``{"error": ..., "detail": ..., "fields": {...}}``."""

    def __init__(self, status: int, payload: dict[str, Any]) -> None:
        super().__init__(f"gateway answered {status} ({payload.get('error', 'no error code')})")
        self.status = status
        self.payload = payload


class RateLimited(GatewayError):
    """Too many codes or attempts for now (429); try again after ``retry_after`` seconds."""

    def __init__(self, status: int, payload: dict[str, Any], retry_after: int) -> None:
        super().__init__(status, payload)
        self.retry_after = retry_after


def minutes_until(error: RateLimited) -> int:
    """The wait a rate limit asks for, in whole minutes to tell the person (at least 1)."""
    return max(1, math.ceil(error.retry_after / 60))


class GatewayUnavailable(Exception):
    """No usable answer: network error, timeout, a 5xx, or a body that is not a JSON object."""


class GatewayClient:
    """One pooled HTTP session to the gateway, shared by all actions."""

    def __init__(self, base_url: str, token: str, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._http = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=16, max_retries=0)
        self._http.mount("http://", adapter)
        self._http.mount("https://", adapter)
        self._http.headers.update(
            {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        )

    @classmethod
    def from_env(cls) -> GatewayClient:
        """From ``HOTLINE_GATEWAY_URL`` (default http://127.0.0.1:5000) and ``HOTLINE_API_TOKEN``.

        A missing token makes every call fail as unavailable, which the actions answer kindly,
        rather than crashing the action server."""
        token = os.environ.get("HOTLINE_API_TOKEN", "")
        if not token:
            raise GatewayUnavailable("HOTLINE_API_TOKEN is not set")
        return cls(os.environ.get("HOTLINE_GATEWAY_URL") or DEFAULT_GATEWAY_URL, token)

    def close(self) -> None:
        self._http.close()

    # -- registrations -------------------------------------------------------------------------

    def create_registration(self, payload: dict[str, Any]) -> dict[str, Any]:
        return self._request("POST", "/api/registrations", json=payload)

    def verify(self, registration_id: str, registrant: str, code: str) -> dict[str, Any]:
        return self._operation(registration_id, "verify", {"registrant": registrant, "code": code})

    def resend(self, registration_id: str, registrant: str) -> dict[str, Any]:
        return self._operation(registration_id, "resend", {"registrant": registrant})

    def list_registrations(self, registrant: str) -> list[dict[str, Any]]:
        answer = self._request("GET", "/api/registrations", params={"registrant": registrant})
        return _list_of_objects(answer, "registrations")

    def withdraw(self, registration_id: str, registrant: str) -> dict[str, Any]:
        return self._operation(registration_id, "withdraw", {"registrant": registrant})

    def change_contact(
        self, registration_id: str, registrant: str, channel: str, value: str
    ) -> dict[str, Any]:
        """``value`` is an E.164 number, an e-mail, or ``THIS_NUMBER`` (the gateway resolves it
        to the phone the person is writing from)."""
        body = {"registrant": registrant, "contact": {"channel": channel, "value": value}}
        return self._operation(registration_id, "contact", body)

    # -- custody -------------------------------------------------------------------------------

    def lookup_custody(
        self, *, country: str, a_number: str | None = None, name: str | None = None
    ) -> list[dict[str, Any]]:
        """Records matching an A-number or a full name (exactly one of them) and a country.

        Sent as a JSON body, never a query string: URLs end up in access logs."""
        if (a_number is None) == (name is None):
            raise ValueError("give exactly one of a_number and name")
        body = {"country": country}
        body.update({"a_number": a_number} if a_number is not None else {"name": str(name)})
        answer = self._request("POST", "/api/custody/search", json=body)
        return _list_of_objects(answer, "records")

    # -- handoff -------------------------------------------------------------------------------

    def availability(self, language: str) -> dict[str, Any]:
        """Whether specialists are working now: {"open", "hours", "next_open"}."""
        return self._request("GET", "/api/availability", params={"language": language})

    def request_handoff(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Asks for a specialist: POST /api/handoffs (one open handoff per conversation)."""
        return self._request("POST", "/api/handoffs", json=payload)

    # -- the review inbox --------------------------------------------------------------------

    def report_review_item(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A turn the assistant may have misunderstood: POST /api/review-items."""
        return self._request("POST", "/api/review-items", json=payload)

    # -- transport -----------------------------------------------------------------------------

    def _operation(
        self, registration_id: str, operation: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        """POST /api/registrations/<id>/<operation>."""
        path = f"/api/registrations/{quote(registration_id, safe='')}/{operation}"
        return self._request("POST", path, json=body, route=f"/api/registrations/<id>/{operation}")

    def _request(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
        route: str | None = None,
    ) -> dict[str, Any]:
        """``route`` is what the log line shows instead of ``path`` (no ids in logs)."""
        shown = route or path
        started = time.monotonic()
        try:
            response = self._http.request(
                method, self.base_url + path, json=json, params=params, timeout=self.timeout
            )
        except requests.RequestException as error:
            log.warning("gateway %s %s failed: %s", method, shown, type(error).__name__)
            raise GatewayUnavailable(type(error).__name__) from error
        elapsed_ms = (time.monotonic() - started) * 1000
        log.info("gateway %s %s -> %s in %.0f ms", method, shown, response.status_code, elapsed_ms)
        return _answer(response)


def _answer(response: requests.Response) -> dict[str, Any]:
    """The JSON object of a 2xx answer; the matching exception for anything else."""
    status = response.status_code
    if status >= 500:
        raise GatewayUnavailable(f"gateway answered {status}")
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise GatewayUnavailable(f"gateway answered {status} without a JSON object")
    if status == 429:
        raise RateLimited(status, payload, _retry_after(response, payload))
    if status >= 400:
        raise GatewayError(status, payload)
    return payload


def _retry_after(response: requests.Response, payload: dict[str, Any]) -> int:
    candidates: list[Any] = [payload.get("retry_after"), response.headers.get("Retry-After")]
    for candidate in candidates:
        try:
            return max(0, int(candidate))
        except (TypeError, ValueError):
            continue
    return DEFAULT_RETRY_AFTER


def _list_of_objects(answer: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = answer.get(key)
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise GatewayUnavailable(f"gateway answer has no list of {key}")
    return items


@lru_cache(maxsize=1)
def client() -> GatewayClient:
    """The action server's shared client, created from the environment on first use."""
    return GatewayClient.from_env()


async def call_gateway(operation: Callable[[GatewayClient], T]) -> T:
    """Runs a blocking call on the shared client in a worker thread (the client is synchronous),
    keeping the action server's event loop free: ``await call_gateway(lambda api: api.x(...))``."""
    return await asyncio.to_thread(lambda: operation(client()))
