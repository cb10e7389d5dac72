"""The one gate in front of every Twilio route: ``X-Twilio-Signature`` must be valid; and the
URLs and responses those routes share.

Twilio signs the URL it called plus the POST parameters. Behind a proxy or a tunnel the URL
Flask sees (http://127.0.0.1:5000/...) is not the one Twilio called, so the signature is checked
against ``HOTLINE_PUBLIC_URL`` + the request path and query. There is no bypass, in any mode:
the local simulator signs its requests with the same auth token instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Response, abort, g, request, url_for
from twilio.request_validator import RequestValidator

from channels.config.settings import current_settings

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])
SIGNATURE_HEADER = "X-Twilio-Signature"
FORM_MIMETYPE = "application/x-www-form-urlencoded"


def public_url_for_request(public_url: str) -> str:
    """The URL Twilio called: the public base URL, this request's path and query string."""
    query = request.query_string.decode("latin-1")
    return f"{public_url.rstrip('/')}{request.path}" + (f"?{query}" if query else "")


def public_url_for(endpoint: str, **values: Any) -> str:
    """A route's absolute URL on ``HOTLINE_PUBLIC_URL``, for TwiML that sends Twilio back here
    (a ``<Gather>`` action, a ``<Redirect>``): Twilio signs that URL, the decorator checks it."""
    return current_settings().public_url + url_for(endpoint, **values)


def twiml_response(xml: str) -> Response:
    """What every Twilio route answers: TwiML."""
    return Response(xml, mimetype="text/xml")


def sign(auth_token: str, url: str, params: dict[str, str]) -> str:
    """The signature Twilio would send for ``params`` POSTed to ``url``."""
    return cast(str, RequestValidator(auth_token).compute_signature(url, params))


def twilio_signed(view: F) -> F:
    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        settings = current_settings()
        if request.mimetype != FORM_MIMETYPE:
            abort(415, description=f"Twilio webhooks are posted as {FORM_MIMETYPE}")
        form = request.form  # parsed first: an oversized body is refused here with 413
        signature = request.headers.get(SIGNATURE_HEADER, "")
        url = public_url_for_request(settings.public_url)
        validator = RequestValidator(settings.twilio_auth_token)
        if not signature or not validator.validate(url, form, signature):
            log.warning(
                "rejected a Twilio request with a %s signature", "bad" if signature else "missing"
            )
            abort(403, description="invalid or missing X-Twilio-Signature")
        g.twilio_signed = True  # the catch-all answers in TwiML only to Twilio (routes.failures)
        return view(*args, **kwargs)

    return cast(F, checked)
