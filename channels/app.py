"""The gateway's application factory."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from channels import api, calls, console, handoff_api, health, jobs, sms, voice
from channels.alerts.custody.providers import DEFAULT_SAMPLE_PATH, provider_from_config
from channels.alerts.notifications.service import NotificationService
from channels.alerts.registrations.service import RegistrationService
from channels.assistant.client import RasaClient
from channels.handoff import hours
from channels.handoff.audit import AuditLog
from channels.handoff.models import HandoffView
from channels.handoff.service import HandoffService
from channels.handoff.webhooks.dispatcher import WebhookDispatcher
from channels.jobs import start_sweeping
from channels.outbound.message import Sender
from channels.outbound.routing import RoutingSender, sender_from_config
from channels.settings import Settings
from channels.storage.database import Database
from channels.storage.messages import MessageStore
from channels.storage.privacy import Privacy
from channels.voice_calls import CallStore

# Form posts from Twilio are small; anything much larger is not Twilio.
MAX_REQUEST_BYTES = 64 * 1024
# Calls' assistant turns run in a pool, so that a slow turn can be answered after a filler.
VOICE_THREADS = 32


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
    database.migrate()
    privacy = Privacy(settings.secret_key)
    app.extensions["hotline.db"] = database
    app.extensions["hotline.store"] = MessageStore(database)
    app.extensions["hotline.privacy"] = privacy
    app.extensions["hotline.rasa"] = RasaClient(
        settings.rasa_url, settings.rasa_timeout_seconds, token=settings.rasa_token
    )
    _add_services(app, settings, database, privacy)
    app.extensions["hotline.calls"] = CallStore(database, privacy)
    app.extensions["hotline.voice_pool"] = voice.new_pool(VOICE_THREADS)

    app.register_blueprint(health.bp)
    app.register_blueprint(sms.bp)
    app.register_blueprint(voice.bp)
    app.register_blueprint(calls.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(handoff_api.bp)
    app.register_blueprint(console.bp)
    if settings.dev_mode:
        from channels import simulator

        app.register_blueprint(simulator.bp)
    app.register_error_handler(HTTPException, _json_error)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    return app


def _add_services(app: Flask, settings: Settings, database: Database, privacy: Privacy) -> None:
    """Registrations, custody look-ups, notifications, handoffs and webhooks, with their sender
    and job queue."""
    services = build_services(settings, database, privacy)
    app.extensions["hotline.services"] = services
    app.extensions["hotline.registrations"] = services.registrations
    app.extensions["hotline.sender"] = services.sender
    app.extensions["hotline.notifications"] = services.notifications
    app.extensions["hotline.handoffs"] = services.handoffs
    app.extensions["hotline.webhooks"] = services.webhooks
    app.extensions["hotline.audit"] = AuditLog(database)
    app.extensions["hotline.hours"] = hours.parse(settings.business_hours, settings.timezone)
    app.extensions["hotline.custody"] = provider_from_config(
        settings.custody_provider,
        sample_path=_sample_path(settings),
        feed_url=settings.custody_feed_url,
        feed_token=settings.custody_feed_token,
    )
    if isinstance(services.sender, RoutingSender) and services.sender.outbox is not None:
        app.extensions["hotline.outbox"] = services.sender.outbox
    # With RQ the worker process runs the sweep; in-process, this process does.
    if settings.sweep_seconds and settings.job_queue == "inprocess":
        start_sweeping(services, settings.sweep_seconds)


@dataclass(frozen=True)
class Services:
    """What jobs reach through ``jobs.job_context()``: the app builds one, and an RQ worker
    process builds its own from the same settings."""

    sender: Sender
    queue: jobs.JobQueue
    registrations: RegistrationService
    notifications: NotificationService
    webhooks: WebhookDispatcher
    handoffs: HandoffService

    def sweep(self) -> None:
        self.notifications.sweep()
        self.webhooks.sweep_due()


def build_services(settings: Settings, database: Database, privacy: Privacy) -> Services:
    sender = sender_from_config(
        twilio_account_sid=settings.twilio_account_sid,
        twilio_auth_token=settings.twilio_auth_token,
        twilio_phone_number=settings.twilio_phone_number,
        public_url=settings.public_url,
        smtp_host=settings.smtp_host,
        smtp_port=settings.smtp_port,
        smtp_from=settings.smtp_from,
        smtp_username=settings.smtp_username,
        smtp_password=settings.smtp_password,
        smtp_tls=settings.smtp_tls,
        database=database,
        privacy=privacy,
    )
    registrations = RegistrationService(
        database,
        privacy,
        sender,
        public_url=settings.public_url,
        registration_days=settings.registration_days,
        code_minutes=settings.code_minutes,
    )
    queue = jobs.queue_from_config(settings.job_queue, settings.redis_url, settings.queue_name)
    notifications = NotificationService(
        database,
        privacy,
        sender,
        queue,
        registrations,
        public_url=settings.public_url,
        specialist_phone=settings.specialist_phone,
        voice_retry_minutes=settings.voice_retry_minutes,
        voice_retry_hours=settings.voice_retry_hours,
        reminder_days=settings.reminder_days,
    )
    webhooks = WebhookDispatcher(database, queue, settings.webhook_urls, settings.webhook_secret)
    handoffs = HandoffService(database, privacy, on_change=_publisher(webhooks))
    services = Services(sender, queue, registrations, notifications, webhooks, handoffs)
    jobs.set_job_context(services)
    return services


def _publisher(webhooks: WebhookDispatcher) -> Callable[[str, HandoffView], None]:
    """Handoff changes go out as webhooks, without the victim's data (by contract)."""

    def publish(event: str, view: HandoffView) -> None:
        webhooks.publish(event, view.to_json(personal=False))

    return publish


def build_worker_context() -> Services:
    """What ``python -m channels.worker`` runs jobs with (settings from the environment)."""
    settings = Settings.from_env()
    database = Database(settings.database_url)
    database.migrate()
    services = build_services(settings, database, Privacy(settings.secret_key))
    if settings.sweep_seconds:
        start_sweeping(services, settings.sweep_seconds)
    return services


def _sample_path(settings: Settings) -> Path:
    path = Path(settings.custody_sample_path)
    return path if path.is_absolute() else DEFAULT_SAMPLE_PATH.parents[2] / path


def _json_error(error: HTTPException) -> Any:
    """Clear 4xx/5xx answers in JSON: what was wrong, never a stack trace."""
    response = jsonify(error=error.name, detail=error.description)
    response.status_code = error.code or 500
    return response
