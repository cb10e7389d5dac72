"""``python -m channels.worker``: runs the gateway's jobs from Redis (HOTLINE_JOB_QUEUE=redis).

It builds the job context first (jobs get no Flask app), then runs an RQ worker on
HOTLINE_REDIS_URL and HOTLINE_QUEUE_NAME with RQ's scheduler, which moves delayed jobs onto the
queue when they fall due. The default worker forks a child per job (a hung job is killed at its
timeout without taking the worker down); ``--simple`` runs jobs in the worker's own process.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Callable, Sequence
from urllib.parse import urlparse

import redis
from rq import Queue, SimpleWorker, Worker

from channels import logs
from channels.errors import ConfigurationError
from channels.jobs import set_job_context

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
DEFAULT_QUEUE_NAME = "hotline"
DEFAULT_CONTEXT = "channels.services:build_worker_context"

log = logging.getLogger(__name__)

ContextBuilder = Callable[[], object]


def main(argv: Sequence[str] | None = None, build_context: ContextBuilder | None = None) -> int:
    """Runs the worker; ``build_context`` overrides ``--context`` (tests pass their own)."""
    args = _parse_args(argv)
    logs.configure(os.environ.get("HOTLINE_LOG_FORMAT", "text"))
    redis_url = os.environ.get("HOTLINE_REDIS_URL") or DEFAULT_REDIS_URL
    queue_name = os.environ.get("HOTLINE_QUEUE_NAME") or DEFAULT_QUEUE_NAME
    connection = redis.Redis.from_url(redis_url)
    try:
        connection.ping()
    except redis.RedisError as error:
        log.error("cannot reach Redis at %s: %s", _without_password(redis_url), error)
        return 1
    set_job_context((build_context or _import_builder(args.context))())
    worker_class = SimpleWorker if args.simple else Worker
    worker = worker_class([Queue(queue_name, connection=connection)], connection=connection)
    worker.work(burst=args.burst, with_scheduler=True)
    return 0


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m channels.worker", description=__doc__)
    parser.add_argument("--burst", action="store_true", help="exit once the queue is empty")
    parser.add_argument("--simple", action="store_true", help="run jobs in-process (no fork)")
    parser.add_argument(
        "--context",
        default=DEFAULT_CONTEXT,
        metavar="MODULE:FUNCTION",
        help=f"builds the object jobs use (default {DEFAULT_CONTEXT})",
    )
    return parser.parse_args(argv)


def _import_builder(spec: str) -> ContextBuilder:
    """Imported only now: the default module needs the gateway's settings and database."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ConfigurationError(f"--context must be MODULE:FUNCTION, not {spec!r}")
    builder: ContextBuilder = getattr(importlib.import_module(module_name), attribute)
    return builder


def _without_password(url: str) -> str:
    parsed = urlparse(url)
    if parsed.password is None:
        return url
    return parsed._replace(netloc=parsed.netloc.replace(f":{parsed.password}@", ":***@")).geturl()


if __name__ == "__main__":
    sys.exit(main())
