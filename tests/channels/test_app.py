"""The application factory: it configures Flask, installs every service under its typed
accessor, registers one blueprint per surface (the simulator only in development) and answers
errors in JSON."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask

from channels import create_app
from channels.alerts.custody.records import CUSTODY
from channels.alerts.notifications.service import NOTIFICATIONS, NotificationService
from channels.alerts.registrations.service import REGISTRATIONS, RegistrationService
from channels.app import MAX_REQUEST_BYTES
from channels.assistant.client import RASA, RasaClient
from channels.call_flow.context import VOICE_POOL, Parts
from channels.call_flow.store import CALLS, CallStore
from channels.config.hours import HOURS, BusinessHours
from channels.config.settings import CONFIG_KEY, Settings, current_settings
from channels.handoff.audit import AUDIT, AuditLog
from channels.handoff.service import HANDOFFS, HandoffService
from channels.handoff.webhooks.dispatcher import WEBHOOKS, WebhookDispatcher
from channels.jobs import job_context
from channels.outbound.message import SENDER
from channels.outbound.outbox import OUTBOX, OutboxSender
from channels.outbound.routing import RoutingSender
from channels.routes.console_session import CONSOLE, Console
from channels.services import SERVICES, Services
from channels.storage.database import DATABASE, Database
from channels.storage.messages import STORE, MessageStore
from channels.storage.privacy import PRIVACY, Privacy

BLUEPRINTS = {
    "health",
    "metrics",
    "sms",
    "voice",
    "calls",
    "api",
    "handoff_api",
    "review_api",
    "console",
}


@pytest.fixture
def built(settings: Settings) -> Flask:
    """The app as the factory makes it (no stand-in for the assistant)."""
    app = create_app(settings)
    yield app
    DATABASE.get(app).dispose()


def test_the_factory_configures_flask_from_the_settings(built: Flask, settings: Settings) -> None:
    assert built.config[CONFIG_KEY] is settings
    assert built.config["SECRET_KEY"] == settings.secret_key
    assert built.config["MAX_CONTENT_LENGTH"] == MAX_REQUEST_BYTES
    with built.app_context():
        assert current_settings() is settings
    assert current_settings(built) is settings


def test_every_service_is_installed_under_its_typed_accessor(built: Flask) -> None:
    expected = [
        (DATABASE, Database),
        (STORE, MessageStore),
        (PRIVACY, Privacy),
        (RASA, RasaClient),
        (SERVICES, Services),
        (REGISTRATIONS, RegistrationService),
        (SENDER, RoutingSender),
        (NOTIFICATIONS, NotificationService),
        (HANDOFFS, HandoffService),
        (WEBHOOKS, WebhookDispatcher),
        (AUDIT, AuditLog),
        (HOURS, BusinessHours),
        (OUTBOX, OutboxSender),
        (CALLS, CallStore),
        (VOICE_POOL, ThreadPoolExecutor),
        (CONSOLE, Console),
    ]
    for accessor, kind in expected:
        assert isinstance(accessor.get(built), kind), accessor
    assert CUSTODY.get(built) is not None
    with built.app_context():
        assert HANDOFFS.get() is HANDOFFS.get(built)


def test_the_services_share_one_database_sender_and_queue(built: Flask) -> None:
    services = SERVICES.get(built)
    assert services.registrations is REGISTRATIONS.get(built)
    assert services.notifications is NOTIFICATIONS.get(built)
    assert services.handoffs is HANDOFFS.get(built)
    assert services.webhooks is WEBHOOKS.get(built)
    assert services.sender is SENDER.get(built)
    assert services.notifications.queue is services.queue is services.webhooks.queue
    assert services.registrations.database is DATABASE.get(built)
    # Jobs of this process reach the same services.
    assert job_context() is services


def test_a_call_webhook_reaches_the_same_services(built: Flask) -> None:
    parts = Parts.of(built)
    assert parts.calls is CALLS.get(built)
    assert parts.handoffs is HANDOFFS.get(built)
    assert parts.pool is VOICE_POOL.get(built)
    assert parts.settings is current_settings(built)


def test_a_stand_in_replaces_a_service(built: Flask) -> None:
    stand_in = object()
    RASA.set(built, stand_in)  # type: ignore[arg-type]
    assert RASA.get(built) is stand_in
    assert RASA.find(built) is stand_in


def test_one_blueprint_per_surface_and_the_simulator_only_in_development(
    settings: Settings,
) -> None:
    development = create_app(settings)
    production = create_app(settings.with_overrides(dev_mode=False))
    try:
        assert set(development.blueprints) == BLUEPRINTS | {"simulator"}
        assert set(production.blueprints) == BLUEPRINTS
        assert production.test_client().get("/simulator").status_code == 404
        assert development.test_client().get("/simulator").status_code == 200
    finally:
        DATABASE.get(development).dispose()
        DATABASE.get(production).dispose()


def test_errors_are_answered_in_json_without_a_stack_trace(built: Flask) -> None:
    answer = built.test_client().get("/no-such-page")
    assert answer.status_code == 404
    assert answer.get_json() == {
        "error": "Not Found",
        "detail": answer.get_json()["detail"],
    }
    assert "Traceback" not in answer.get_data(as_text=True)


def test_the_console_is_wired_to_the_apps_database(built: Flask) -> None:
    console = CONSOLE.get(built)
    assert console.users.database is DATABASE.get(built)
    assert set(console.canned) == {"en", "es"}
