"""The gateway's services, built from the settings and installed in the app.

Each service knows how it is built from the settings (its ``from_settings``) and declares, next
to its class, the typed ``Extension`` routes reach it by (``HANDOFFS.get()``). This module only
puts them together, in the order they need each other; ``channels.app`` calls ``init_app`` and
an RQ worker (``python -m channels.worker``) calls ``build_worker_context``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import Flask

from channels import jobs
from channels.alerts.custody.providers import provider_from_settings
from channels.alerts.custody.records import CUSTODY
from channels.alerts.notifications.service import NOTIFICATIONS, NotificationService
from channels.alerts.registrations.service import REGISTRATIONS, RegistrationService
from channels.assistant.client import RASA, RasaClient
from channels.call_flow.context import VOICE_POOL, new_pool
from channels.call_flow.store import CALLS, CallStore
from channels.config import hours
from channels.config.hours import HOURS
from channels.config.settings import Settings
from channels.extension import Extension
from channels.handoff.audit import AUDIT, AuditLog
from channels.handoff.service import HANDOFFS, HandoffService
from channels.handoff.view import HandoffView
from channels.handoff.webhooks.dispatcher import WEBHOOKS, WebhookDispatcher
from channels.jobs import start_sweeping
from channels.outbound.message import SENDER, Sender
from channels.outbound.outbox import OUTBOX
from channels.outbound.routing import RoutingSender, sender_from_settings
from channels.review.intents import domain_intents
from channels.review.service import REVIEW, ReviewInbox
from channels.sms_flow.follow_up import FollowUp
from channels.storage.database import DATABASE, Database
from channels.storage.messages import STORE, MessageStore
from channels.storage.privacy import PRIVACY, Privacy
from channels.storage.retention import Retention
from channels.storage.spool import SPOOL, Spool, SpoolReplay


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
    follow_up: FollowUp
    retention: Retention

    def sweep(self) -> None:
        self.follow_up.sweep()  # first: people are waiting for these answers
        self.notifications.sweep()
        self.webhooks.sweep_due()
        self.retention.sweep()  # at most hourly


SERVICES: Extension[Services] = Extension("services")


def init_app(app: Flask, settings: Settings) -> None:
    """Every service of the gateway, in ``app`` (and the job context of this process)."""
    database = prepared_database(settings)
    privacy = Privacy.from_settings(settings)
    DATABASE.set(app, database)
    STORE.set(app, MessageStore(database))
    PRIVACY.set(app, privacy)
    services = SERVICES.set(app, build_services(settings, database, privacy))
    RASA.set(app, services.follow_up.rasa)
    SPOOL.set(app, services.follow_up.spool)
    REGISTRATIONS.set(app, services.registrations)
    SENDER.set(app, services.sender)
    NOTIFICATIONS.set(app, services.notifications)
    HANDOFFS.set(app, services.handoffs)
    WEBHOOKS.set(app, services.webhooks)
    AUDIT.set(app, AuditLog(database))
    REVIEW.set(app, ReviewInbox(database, privacy, domain_intents()))
    HOURS.set(app, hours.parse(settings.business_hours, settings.timezone))
    CUSTODY.set(app, provider_from_settings(settings))
    if isinstance(services.sender, RoutingSender) and services.sender.outbox is not None:
        OUTBOX.set(app, services.sender.outbox)
    # With RQ the worker process runs the sweep; in-process, this process does.
    if settings.sweep_seconds and settings.job_queue == "inprocess":
        start_sweeping(services, settings.sweep_seconds)
    elif settings.sweep_seconds:  # the worker sweeps the rest; this host's spool is swept here
        start_sweeping(
            SpoolReplay(services.follow_up.spool, services.follow_up.store), settings.sweep_seconds
        )
    CALLS.set(app, CallStore(database, privacy))
    VOICE_POOL.set(app, new_pool())


def prepared_database(settings: Settings) -> Database:
    """The database, migrated now or (``HOTLINE_MIGRATE_AT_START=false``) checked current."""
    database = Database(settings.database_url)
    if settings.migrate_at_start:
        database.migrate()
    else:
        database.require_current_schema()
    return database


def build_services(settings: Settings, database: Database, privacy: Privacy) -> Services:
    sender = sender_from_settings(settings, database, privacy)
    registrations = RegistrationService.from_settings(settings, database, privacy, sender)
    queue = jobs.queue_from_settings(settings)
    notifications = NotificationService.from_settings(
        settings, database, privacy, sender, queue, registrations
    )
    webhooks = WebhookDispatcher.from_settings(settings, database, queue)
    handoffs = HandoffService(database, privacy, on_change=_publisher(webhooks))
    follow_up = FollowUp(
        store=MessageStore(database),
        privacy=privacy,
        rasa=RasaClient.from_settings(settings),
        sender=sender,
        handoffs=handoffs,
        registrations=registrations,
        spool=Spool(Path(settings.spool_dir)),
        give_to_person_after=timedelta(minutes=settings.follow_up_minutes),
    )
    retention = Retention(database, privacy, days=settings.retention_days)
    services = Services(
        sender, queue, registrations, notifications, webhooks, handoffs, follow_up, retention
    )
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
    database = prepared_database(settings)
    services = build_services(settings, database, Privacy.from_settings(settings))
    if settings.sweep_seconds:
        start_sweeping(services, settings.sweep_seconds)
    return services
