"""Every request timed, by route template (never the path: it may carry ids), method and
status class, into ``hotline_http_request_seconds``."""

from __future__ import annotations

import time

from flask import Flask, Response, g, request

from channels.metrics import REQUEST_SECONDS


def install(app: Flask) -> None:
    @app.before_request
    def start_clock() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def observe(response: Response) -> Response:
        started = g.get("request_started")
        if started is not None:
            route = request.url_rule.rule if request.url_rule is not None else "unmatched"
            status = f"{response.status_code // 100}xx"
            REQUEST_SECONDS.labels(route, request.method, status).observe(
                time.perf_counter() - started
            )
        return response
