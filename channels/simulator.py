"""The development-mode simulator: a phone-like page that texts the hotline.

The page posts to ``/simulator/sms``; the server side signs a Twilio-shaped request with the
local auth token and sends it over HTTP to this same gateway's ``/twilio/sms``, the real webhook.
Registered only when ``HOTLINE_ENV=development``.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue

from channels.fake_phone import FakePhone, replies_in, sms_params
from channels.settings import Settings
from channels.twiml import MAX_SMS_CHARACTERS

bp = Blueprint("simulator", __name__, template_folder="templates", static_folder="static")


@bp.get("/simulator")
def page() -> ResponseReturnValue:
    return render_template("simulator.html", max_characters=MAX_SMS_CHARACTERS)


@bp.post("/simulator/sms")
def send() -> ResponseReturnValue:
    payload = request.get_json(silent=True) or {}
    body = payload.get("body")
    from_number = payload.get("from")
    if not isinstance(body, str) or not isinstance(from_number, str) or not from_number.strip():
        abort(400, description='send JSON {"from": "+15550100123", "body": "your message"}')
    settings: Settings = current_app.config["HOTLINE_SETTINGS"]
    phone = FakePhone(
        gateway_url=request.host_url,
        public_url=settings.public_url,
        auth_token=settings.twilio_auth_token,
        from_number=from_number.strip(),
    )
    response = phone.post(sms_params(phone.from_number, body))
    if response.status_code != 200:
        detail = response.text[:500]
        return jsonify(error=f"the webhook answered {response.status_code}", detail=detail), 502
    return jsonify(replies=replies_in(response.text))
