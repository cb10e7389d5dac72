"""The security headers every response carries: console pages, the simulator, JSON and TwiML.

A strict content policy (scripts, styles and requests only from this server; no frames; no
plugins), no MIME sniffing, no referrer, nothing stored by the browser (personal data), and,
when the public URL is https, HSTS so that a browser never tries plain HTTP again.
"""

from __future__ import annotations

from flask import Flask, Response

from channels.config.settings import current_settings

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
HSTS = "max-age=31536000; includeSubDomains"


def install(app: Flask) -> None:
    https = current_settings(app).public_url.startswith("https://")

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.update(SECURITY_HEADERS)
        # Personal data is not kept by the browser nor shown after logout; static files
        # (which set their own Cache-Control) may be.
        response.headers.setdefault("Cache-Control", "no-store")
        if https:
            response.headers["Strict-Transport-Security"] = HSTS
        return response
