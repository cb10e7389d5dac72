"""The gateway's application factory: it configures, installs the services and registers the
routes; each of those says how it is built."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from channels import logs, routes, services
from channels.config.settings import CONFIG_KEY, Settings
from channels.routes import failures, headers, timing

# Form posts from Twilio are small; anything much larger is not Twilio.
MAX_REQUEST_BYTES = 64 * 1024


def create_app(config: Settings | None = None) -> Flask:
    """Build the gateway. ``config`` defaults to the environment (read once, here)."""
    settings = config or Settings.from_env()
    app = Flask(__name__)
    app.config.update(
        {CONFIG_KEY: settings},
        SECRET_KEY=settings.flask_secret_key,
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
    )
    services.init_app(app, settings)
    routes.register(app, settings)
    app.register_error_handler(HTTPException, _json_error)
    failures.register(app)
    headers.install(app)
    timing.install(app)
    logs.install(app)
    logs.configure(settings.log_format)
    return app


def _json_error(error: HTTPException) -> Any:
    """Clear 4xx/5xx answers in JSON: what was wrong, never a stack trace."""
    response = jsonify(error=error.name, detail=error.description)
    response.status_code = error.code or 500
    return response
