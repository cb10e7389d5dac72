"""``make bench-scaling``: what more Rasa replicas and the SQL tracker store cost or give.

Signed SMS through the gateway (``scripts/bench.py``'s conversations), each configuration on a
stack of its own, one after the other in the same run:

* one Rasa replica and two, at 40 concurrent conversations, both on a PostgreSQL tracker store
  with the Redis lock store (the production topology): the throughput ratio;
* Rasa's in-memory tracker store against the encrypted SQL one on PostgreSQL, one replica, at 20
  concurrent conversations: the p95 cost of keeping conversations.

Also the memory of every process at rest and under load (what deploy/'s requests are sized on),
and the CPU each process (and the machine's PostgreSQL and Redis, and the load generator) spends
per turn: on two cores, that sum bounds what another replica can give.
Uses the machine's PostgreSQL (a throwaway database each) and Redis.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import yaml

from scripts.bench import (
    BenchPath,
    MemorySampler,
    PhaseResult,
    gateway_turn,
    merge,
    row,
    run_phase,
    write_report,
)
from scripts.stack import ROOT, Ports, Stack, cpu_seconds, cpu_seconds_of_command, rss_megabytes
from scripts.throwaway_postgres import throwaway_postgres

REDIS_URL = "redis://127.0.0.1:6379/0"


@dataclass(frozen=True)
class Setup:
    name: str
    replicas: int
    tracker: str  # "postgresql" or "memory"
    concurrency: int


SETUPS = [
    Setup("1 replica, PostgreSQL", 1, "postgresql", 40),
    Setup("2 replicas, PostgreSQL", 2, "postgresql", 40),
    Setup("1 replica, in-memory", 1, "memory", 20),
    Setup("1 replica, PostgreSQL", 1, "postgresql", 20),
]


@contextmanager
def running(setup: Setup, workdir: Path) -> Iterator[Stack]:
    with throwaway_postgres() as database:
        env = {"HOTLINE_ENV": "production", "HOTLINE_LOCK_STORE_URL": REDIS_URL}
        if setup.tracker == "postgresql":
            env["HOTLINE_TRACKER_STORE_URL"] = database
        stack = Stack.throwaway(Ports.free(rasa_replicas=setup.replicas), workdir, **env)
        if setup.tracker == "memory":
            stack.endpoints = in_memory_endpoints(workdir)
        with stack:
            yield stack


def in_memory_endpoints(workdir: Path) -> Path:
    """bot/endpoints.yml without its tracker store: Rasa's in-memory one."""
    endpoints = yaml.safe_load((ROOT / "bot" / "endpoints.yml").read_text())
    endpoints.pop("tracker_store")
    path = workdir / "endpoints-in-memory.yml"
    path.write_text(yaml.safe_dump(endpoints))
    return path


def measure(setup: Setup, repeats: int) -> tuple[PhaseResult, dict[str, Any]]:
    workdir = Path(tempfile.mkdtemp(prefix="hotline-scaling-"))
    with running(setup, workdir) as stack:
        session = requests.Session()
        session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=64))
        path = BenchPath(gateway_turn(stack, session))
        run_phase("warmup", path.turn, 4, 1)
        pids = stack.pids()
        rest = {name: round(rss_megabytes(pid), 1) for name, pid in pids.items()}
        cpu_before = cpu_by_process(pids)
        with MemorySampler(pids) as sampler:
            phases = [
                run_phase(setup.name, path.turn, setup.concurrency, 1) for _ in range(repeats)
            ]
        cpu_after = cpu_by_process(pids)
        peak = {name: round(mb, 1) for name, mb in sampler.peak.items()}
    result = merge(phases)
    turns = max(result.turns, 1)
    cpu = {
        name: round(1000 * (cpu_after[name] - before) / turns, 1)
        for name, before in cpu_before.items()
    }
    return result, {"rest_mb": rest, "peak_mb": peak, "cpu_ms_per_turn": cpu}


def cpu_by_process(pids: dict[str, int]) -> dict[str, float]:
    """CPU seconds used so far by each process of the stack, the machine's PostgreSQL and
    Redis, and this load generator: where a turn's CPU goes (two cores bound the whole)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return {
        **{name: cpu_seconds(pid) for name, pid in pids.items()},
        "postgresql": cpu_seconds_of_command("postgres"),
        "redis": cpu_seconds_of_command("redis-server"),
        "load generator": own.ru_utime + own.ru_stime,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="phases per configuration")
    parser.add_argument("--out", default=str(ROOT / "results" / "bench-scaling.json"))
    parser.add_argument(
        "--only", choices=["replicas", "tracker"], help="only the replica or the tracker comparison"
    )
    args = parser.parse_args(argv)
    setups = {"replicas": SETUPS[:2], "tracker": SETUPS[2:], None: SETUPS}[args.only]
    results, memory = [], []
    for setup in setups:
        print(f"{setup.name} at {setup.concurrency} concurrent...", flush=True)
        result, used = measure(setup, args.repeats)
        results.append(result)
        memory.append(used)
    print("\nconfiguration              conc  turns errors  p50(ms)  p95(ms)  p99(ms)  turns/s")
    for result in results:
        print(row(result).replace(result.path, f"{result.path:<24}", 1))
    figures: dict[str, float] = {"errors": sum(result.errors for result in results)}
    named = dict(zip([id(s) for s in setups], results, strict=True))
    if args.only != "tracker":
        one, two = (named[id(s)] for s in SETUPS[:2])
        figures["replicas_throughput_ratio"] = round(two.throughput / one.throughput, 2)
        print(f"two replicas / one, throughput at 40: {figures['replicas_throughput_ratio']:.2f}x")
    if args.only != "replicas":
        in_memory, on_postgres = (named[id(s)] for s in SETUPS[2:])
        cost = round(on_postgres.percentile(95) / in_memory.percentile(95), 2)
        figures["postgresql_p95_cost"] = cost
        print(f"PostgreSQL / in-memory tracker store, p95 at 20: {cost:.2f}x")
    print(f"errors: {figures['errors']}")
    for setup, used in zip(setups, memory, strict=True):
        print(f"memory (RSS MB), {setup.name} at {setup.concurrency}: at rest {used['rest_mb']}, "
              f"peak {used['peak_mb']}")  # fmt: skip
        print(f"CPU ms per turn, {setup.name} at {setup.concurrency}: {used['cpu_ms_per_turn']}")
    report = {
        "setups": [
            {"name": r.path, "concurrency": r.concurrency, "turns": r.turns, "errors": r.errors,
             "p50_ms": r.percentile(50), "p95_ms": r.percentile(95), "throughput": r.throughput}
            for r in results
        ],
        "figures": figures,
        "memory": memory,
    }  # fmt: skip
    write_report(report, Path(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
