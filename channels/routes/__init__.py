"""HTTP: one blueprint per surface. Each route reads its request, calls a service or a flow,
and renders the answer (TwiML, JSON or a page).

``sms`` and ``voice`` (Twilio's webhooks for the hotline's texts and calls), ``alert_calls``
(the TwiML of the notification exchange's calls, and ``/twilio/status``), ``api`` (the system
JSON API: registrations, custody look-ups and events, the outbox), ``handoff_api`` (handoffs for
integrations, the audit log, availability), ``console`` (the specialists' pages), ``health``,
``metrics`` (with ``timing``, which times every request), ``review_api`` (the action server's
reports of turns worth a maintainer's look) and, in development, ``simulator``.
``console_review`` adds the review inbox's pages to the console's blueprint (imported before
the blueprint is registered).
"""

from __future__ import annotations

from flask import Flask

from channels.config.settings import Settings
from channels.routes import (
    alert_calls,
    api,
    console_review,
    handoff_api,
    health,
    metrics,
    review_api,
    sms,
    voice,
)


def register(app: Flask, settings: Settings) -> None:
    app.register_blueprint(health.bp)
    app.register_blueprint(metrics.bp)
    app.register_blueprint(sms.bp)
    app.register_blueprint(voice.bp)
    app.register_blueprint(alert_calls.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(handoff_api.bp)
    app.register_blueprint(review_api.bp)
    app.register_blueprint(console_review.bp)  # the console's, with the review pages
    if settings.dev_mode:
        from channels.routes import simulator

        app.register_blueprint(simulator.bp)
