"""The gateway's logs: one line per record, as text or (``HOTLINE_LOG_FORMAT=json``) as JSON for
a log collector, each carrying the id of the request it belongs to (``X-Request-Id``: the
proxy's, when well-formed, else a new one, and sent back on the response).

What is logged is decided where it is logged: ids, statuses, counts and timings, never a
message's text or a phone number (tests/channels/test_logs.py texts the gateway and looks).
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from datetime import datetime, timezone

from flask import Flask, Response, g, has_request_context, request

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"
HANDLER_NAME = "hotline"
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure(log_format: str = "text") -> None:
    """The root logger's handler for the hotline, in ``log_format`` ("text" or "json")."""
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    formatter = JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    handler.setFormatter(formatter)
    handler.set_name(HANDLER_NAME)
    root = logging.getLogger()
    others = [h for h in root.handlers if h.get_name() != HANDLER_NAME]
    root.handlers = [*others, handler]  # replaces only its own: another app's stays
    root.setLevel(logging.INFO)
    # Twilio's client logs every API request at INFO (URLs, query parameters): not here.
    logging.getLogger("twilio").setLevel(logging.WARNING)


def install(app: Flask) -> None:
    """A request id for every request, echoed in ``X-Request-Id``."""

    @app.before_request
    def request_id() -> None:
        given = request.headers.get("X-Request-Id", "")
        g.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex

    @app.after_request
    def echo(response: Response) -> Response:
        if "request_id" in g:
            response.headers["X-Request-Id"] = g.request_id
        return response
