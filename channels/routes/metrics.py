"""``GET /metrics``: Prometheus's text format. What the processes counted (``channels.metrics``,
added up over gunicorn's workers), and what the database says now: messages by status, open
handoffs and the longest wait, notifications by status, jobs waiting.

Behind ``HOTLINE_METRICS_TOKEN`` (a bearer token) when it is set; nothing here is personal.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator
from typing import Protocol

from flask import Blueprint, Response, abort, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from channels.alerts.notifications.service import NOTIFICATIONS, NotificationService
from channels.config.settings import current_settings
from channels.handoff.service import HANDOFFS, HandoffService
from channels.jobs import JobQueue
from channels.storage.messages import STORE, MessageStore

bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
def metrics() -> Response:
    token = current_settings().metrics_token
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and not hmac.compare_digest(given.encode(), token.encode()):
        abort(401, description="a bearer token is required")
    now = CollectorRegistry()
    notifications = NOTIFICATIONS.get()
    now.register(StateNow(STORE.get(), HANDOFFS.get(), notifications, notifications.queue))
    body = generate_latest(counted()) + generate_latest(now)
    return Response(body, content_type=CONTENT_TYPE_LATEST)


def counted() -> CollectorRegistry:
    """This process's registry, or every worker's values when they write them to files."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    return registry


class StateNow(Collector):
    """Gauges read from the database at scrape time (shared by every worker: read once)."""

    def __init__(
        self,
        messages: MessageStore,
        handoffs: HandoffService,
        notifications: NotificationService,
        jobs: JobQueue,
    ) -> None:
        self.messages, self.handoffs = messages, handoffs
        self.notifications, self.jobs = notifications, jobs

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield self._by_status("hotline_messages", "Stored messages by status", self.messages)
        queue = self.handoffs.queue()
        yield GaugeMetricFamily("hotline_handoffs_open", "Open handoffs", value=len(queue))
        yield GaugeMetricFamily(
            "hotline_handoff_oldest_wait_seconds",
            "How long the longest-waiting open handoff has waited",
            value=max((view.waiting_seconds() for view in queue), default=0.0),
        )
        yield self._by_status(
            "hotline_notifications", "Notifications by status", self.notifications
        )
        yield GaugeMetricFamily(
            "hotline_jobs_waiting", "Jobs queued and not started", value=self.jobs.depth()
        )

    @staticmethod
    def _by_status(name: str, documentation: str, counted: CountsByStatus) -> GaugeMetricFamily:
        family = GaugeMetricFamily(name, documentation, labels=["status"])
        for status, count in sorted(counted.counts_by_status().items()):
            family.add_metric([status], count)
        return family


class CountsByStatus(Protocol):
    def counts_by_status(self) -> dict[str, int]: ...
