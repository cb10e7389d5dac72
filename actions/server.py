"""Run the action server: ``python -m actions.server --port 5055``.

rasa-sdk's own command line listens on every interface (``0.0.0.0``) and answers anyone: a
forged tracker posted to ``/webhook`` would run look-ups or create registrations that text or
call any number, with the gateway API token the actions hold. This entry point serves the same
rasa-sdk application with three differences:

* it listens on loopback unless told otherwise (``--host`` or ``HOTLINE_ACTIONS_HOST``);
* every request but ``/health`` must carry ``Authorization: Bearer <HOTLINE_ACTIONS_TOKEN>``,
  which Rasa sends from ``bot/endpoints.yml`` (a header, never in a URL); without a token set
  it refuses to start;
* an error answers ``{"error": "internal error"}``, not rasa-sdk's echo of the request (the
  whole tracker: what people typed) and the exception text.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys

from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

log = logging.getLogger(__name__)

TOKEN_VARIABLE = "HOTLINE_ACTIONS_TOKEN"  # noqa: S105 (the variable's name, not a secret)
OPEN_PATHS = frozenset({"/health"})
MIN_TOKEN_LENGTH = 16
# A tracker of a long conversation is tens of kilobytes; Sanic's default is 100 MB.
MAX_REQUEST_BYTES = 4 * 1024 * 1024


def authorised(header: str | None, token: str) -> bool:
    """Whether an ``Authorization`` header carries the token (compared in constant time)."""
    scheme, _, given = (header or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), token.encode())


def build_app(token: str, package: str = "actions") -> Sanic:
    """rasa-sdk's application for ``package``, behind the token."""
    if len(token) < MIN_TOKEN_LENGTH:
        raise ValueError(f"{TOKEN_VARIABLE} must be at least {MIN_TOKEN_LENGTH} characters")
    app = create_app(package, cors_origins=None)
    app.config.REQUEST_MAX_SIZE = MAX_REQUEST_BYTES

    @app.middleware("request")
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS or authorised(request.headers.get("authorization"), token):
            return None
        return response.json({"error": "unauthorised"}, status=401)

    @app.exception(Exception)
    async def internal_error(request: Request, error: Exception) -> HTTPResponse:
        log.error("action server error on %s", request.path, exc_info=error)
        return response.json({"error": "internal error"}, status=500)

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The hotline's action server (rasa-sdk).")
    parser.add_argument("--host", default=os.environ.get("HOTLINE_ACTIONS_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=5055)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        app = build_app(os.environ.get(TOKEN_VARIABLE, ""))
    except ValueError as error:
        print(f"action server: {error} (make env adds one to .env)", file=sys.stderr)
        return 2
    log.info("action server on http://%s:%d", args.host, args.port)
    app.run(args.host, args.port, workers=1, access_log=False, motd=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
