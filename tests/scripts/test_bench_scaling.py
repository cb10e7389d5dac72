"""The scaling benchmark's in-memory configuration: the same endpoints, no tracker store."""

from __future__ import annotations

import yaml

from scripts.bench_scaling import SETUPS, in_memory_endpoints
from scripts.stack import ROOT


def test_the_in_memory_endpoints_keep_everything_but_the_tracker_store(tmp_path):
    ours = yaml.safe_load((ROOT / "bot" / "endpoints.yml").read_text())
    written = yaml.safe_load(in_memory_endpoints(tmp_path).read_text())
    assert "tracker_store" in ours and "tracker_store" not in written
    assert {k: v for k, v in ours.items() if k != "tracker_store"} == written


def test_replicas_and_tracker_stores_are_compared_at_the_same_concurrency():
    one, two, in_memory, on_postgres = SETUPS
    assert (one.replicas, two.replicas, one.concurrency, two.concurrency) == (1, 2, 40, 40)
    assert (in_memory.tracker, on_postgres.tracker) == ("memory", "postgresql")
    assert in_memory.concurrency == on_postgres.concurrency
