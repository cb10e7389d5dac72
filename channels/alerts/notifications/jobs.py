"""The exchange's jobs (module-level, so that RQ can import them by name): they reach the
service through ``channels.jobs.job_context()``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from channels import jobs


@runtime_checkable
class _Exchange(Protocol):
    def fan_out(self, event_pk: int) -> int: ...

    def send_batch(self, ids: Sequence[int]) -> int: ...


def _service() -> _Exchange:
    service = getattr(jobs.job_context(), "notifications", None)
    assert isinstance(service, _Exchange)
    return service


def job_fan_out(event_pk: int) -> None:
    _service().fan_out(event_pk)


def job_send_batch(ids: list[int]) -> None:
    _service().send_batch(ids)
