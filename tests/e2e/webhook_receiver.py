"""A local webhook receiver for the end-to-end tests: it verifies each delivery's signature
exactly as a ticketing system would (``channels.handoff.webhooks.signatures.verify``) and keeps
what arrived."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from channels.handoff.webhooks.signatures import SIGNATURE_HEADER, verify


@dataclass(frozen=True)
class Arrival:
    event: str
    data: dict[str, Any]
    signature_valid: bool
    at: float  # time.monotonic() when it arrived


class WebhookReceiver:
    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.arrivals: list[Arrival] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hooks"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                valid = verify(receiver.secret, self.headers.get(SIGNATURE_HEADER, ""), body)
                payload = json.loads(body)
                with receiver._lock:
                    receiver.arrivals.append(
                        Arrival(payload["event"], payload["data"], valid, time.monotonic())
                    )
                self.send_response(204 if valid else 401)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    def wait_for(
        self,
        event: str,
        handoff_id: str | None = None,
        after: float = 0.0,
        timeout: float = 10.0,
    ) -> Arrival:
        """The first ``event`` for that handoff (or any, arriving after ``after``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                for arrival in self.arrivals:
                    ours = handoff_id in (None, arrival.data.get("id"))
                    if arrival.event == event and ours and arrival.at >= after:
                        return arrival
            time.sleep(0.01)
        raise AssertionError(f"no {event} webhook for {handoff_id} within {timeout} s")

    def __enter__(self) -> WebhookReceiver:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
