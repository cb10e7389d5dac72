"""Every response carries the security headers, not only the console's pages."""

from __future__ import annotations

import pytest

from channels.twilio.fake_phone import sms_params


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/healthz"), ("GET", "/console/login"), ("GET", "/api/outbox"), ("GET", "/nowhere")],
)
def test_every_response_has_them(client, method, path):
    headers = client.open(path, method=method).headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Strict-Transport-Security"].startswith("max-age=")  # the public URL is https


def test_twiml_answers_have_them_and_are_not_stored(signed_post):
    headers = signed_post(params=sms_params("+17135550142", "hi")).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store"


def test_no_hsts_over_plain_http(app, settings):
    from channels.app import create_app

    plain = create_app(settings.with_overrides(public_url="http://127.0.0.1:5000"))
    assert "Strict-Transport-Security" not in plain.test_client().get("/healthz").headers
