"""The gateway's application factory."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from channels import health, sms
from channels.privacy import Privacy
from channels.rasa_client import RasaClient
from channels.settings import Settings
from channels.storage import Database, MessageStore

# Form posts from Twilio are small; anything much larger is not Twilio.
MAX_REQUEST_BYTES = 64 * 1024


def create_app(config: Settings | None = None) -> Flask:
    """Build the gateway. ``config`` defaults to the environment (read once, here)."""
    settings = config or Settings.from_env()
    app = Flask(__name__)
    app.config.update(
        HOTLINE_SETTINGS=settings,
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
    )
    database = Database(settings.database_url)
    database.create_schema()
    app.extensions["hotline.db"] = database
    app.extensions["hotline.store"] = MessageStore(database)
    app.extensions["hotline.privacy"] = Privacy(settings.secret_key)
    app.extensions["hotline.rasa"] = RasaClient(settings.rasa_url, settings.rasa_timeout_seconds)

    app.register_blueprint(health.bp)
    app.register_blueprint(sms.bp)
    if settings.dev_mode:
        from channels import simulator

        app.register_blueprint(simulator.bp)
    app.register_error_handler(HTTPException, _json_error)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    return app


def _json_error(error: HTTPException) -> Any:
    """Clear 4xx/5xx answers in JSON: what was wrong, never a stack trace."""
    response = jsonify(error=error.name, detail=error.description)
    response.status_code = error.code or 500
    return response
