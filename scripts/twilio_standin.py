"""A local stand-in for Twilio's Messages API that, like Twilio, answers 429 Too Many Requests
to what goes over its rate (a sliding one-second window), and remembers what it accepted: for
the pacing tests and ``make bench-notifications TWILIO_RATE=...`` (the gateway points at it with
``HOTLINE_TWILIO_API_URL``)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

ACCOUNT_SID = "AC" + "0" * 32


class TwilioStandIn:
    def __init__(self, per_second: int) -> None:
        self.per_second = per_second
        self.accepted: list[str] = []
        self.refused = 0
        self._recent: deque[float] = deque()
        self._lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                self.rfile.read(length)
                status, body = stand_in.answer()
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self) -> tuple[int, dict[str, Any]]:
        now = time.monotonic()
        with self._lock:
            while self._recent and self._recent[0] <= now - 1.0:
                self._recent.popleft()
            if len(self._recent) >= self.per_second:
                self.refused += 1
                return 429, {"code": 20429, "message": "Too Many Requests", "status": 429}
            self._recent.append(now)
            sid = "SM" + uuid.uuid4().hex
            self.accepted.append(sid)
        return 201, {"sid": sid, "status": "queued", "account_sid": ACCOUNT_SID}

    def client(self) -> Client:
        """A Twilio client whose requests go to the stand-in."""
        url = self.url

        class Forwarding(TwilioHttpClient):
            def request(self, method: str, uri: str, *args: Any, **kwargs: Any) -> Response:
                local = uri.replace("https://api.twilio.com", url)
                return super().request(method, local, *args, **kwargs)

        return Client(ACCOUNT_SID, "token", http_client=Forwarding(timeout=5))

    def close(self) -> None:
        self.server.shutdown()
