"""``make bench``: the gateway's cost, measured against Rasa's own REST channel in the same run.

Starts its own stack (on free ports, a fresh SQLite database), then for each concurrency
level runs the same realistic conversations, in English and Spanish, twice each way, alternating:
straight to Rasa's REST channel, as signed Twilio SMS through ``/twilio/sms``, and as calls
through ``/twilio/voice`` (greeting, language key, then each message said as speech; a turn is
timed from the caller's answer to the next question, fillers and redirects included). Reports
latency percentiles, throughput and errors for each, their ratios to Rasa-direct, the slowest
single voice webhook, and the memory of the three processes.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import requests

from channels.config.settings import DEFAULT_SPECIALIST_PHONE
from channels.texts import sms as replies
from channels.twilio.fake_phone import FakeCall, random_number
from scripts.stack import ROOT, Ports, Stack, rss_megabytes

# (language, messages): a caller chooses the language on the keypad first.
CONVERSATIONS = [
    ("en", ["hi", "what is this hotline", "what services do you offer", "is this confidential",
     "can i get help finding a shelter in houston", "thank you", "bye"]),
    ("es", ["hola", "que servicios ofrecen", "no tengo papeles me van a reportar?",
     "necesito un abogado en phoenix", "como funcionan las notificaciones", "gracias"]),
    ("en", ["my brother was killed by a drunk driver last year", "what can you do for me",
     "how does deportation work", "can he come back after he is deported",
     "i want to talk to a real person", "ok thanks"]),
    ("es", ["buenas noches", "a mi hija la asaltaron el año pasado", "sigue detenido el hombre?",
     "quiero registrarme para recibir avisos", "hay consejeria en los angeles", "adios"]),
]  # fmt: skip
# (sender, language, text) -> the turn's own latency in ms when it times itself, else None
Turn = Callable[[str, str, str], float | None]

TARGET_RATIO_P95 = 1.3
TARGET_RATIO_THROUGHPUT = 0.9
TARGET_SINGLE_P50_MS = 100.0
VOICE_CONCURRENCY = 10
TARGET_VOICE_RATIO_P95 = 1.3
TARGET_VOICE_SINGLE_P50_MS = 150.0
TARGET_VOICE_WEBHOOK_MAX_MS = 5000.0
LANGUAGE_KEYS = {"en": "1", "es": "2"}


class TurnFailed(Exception):
    """A turn that got no usable answer; the message says which kind (the report counts them)."""


def error_kind(error: Exception) -> str:
    """What went wrong with a turn, in a few words: "timeout", "HTTP 502", "empty answer"."""
    if isinstance(error, TurnFailed):
        return str(error)
    if isinstance(error, requests.Timeout):
        return "timeout"
    if isinstance(error, requests.HTTPError) and error.response is not None:
        return f"HTTP {error.response.status_code}"
    if isinstance(error, requests.ConnectionError):
        return "connection refused or reset"
    return f"{type(error).__name__}: {str(error)[:80]}"


@dataclass
class PhaseResult:
    path: str
    concurrency: int
    turns: int
    error_kinds: Counter[str]
    seconds: float
    latencies_ms: list[float]

    @property
    def errors(self) -> int:
        return sum(self.error_kinds.values())

    @property
    def throughput(self) -> float:
        return (self.turns - self.errors) / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def rasa_direct_turn(stack: Stack, session: requests.Session) -> Turn:
    url = f"{stack.rasa_url}/webhooks/rest/webhook"

    def turn(sender: str, language: str, text: str) -> None:
        response = session.post(
            url,
            json={"sender": sender, "message": text, "metadata": {"channel": "sms"}},
            timeout=30,
        )
        response.raise_for_status()
        if not response.json():
            raise TurnFailed("empty answer")

    return turn


def gateway_turn(stack: Stack, session: requests.Session) -> Turn:
    fallback = replies.assistant_unavailable(
        stack.environment().get("HOTLINE_SPECIALIST_PHONE", DEFAULT_SPECIALIST_PHONE)
    )

    def turn(sender: str, language: str, text: str) -> None:
        answer = stack.phone(sender, session, timeout_seconds=30.0).text(text)
        if not answer:
            raise TurnFailed("empty answer")
        if answer == [fallback]:
            raise TurnFailed("fallback answer: the assistant did not answer in time")

    return turn


class VoiceCalls:
    """One call per conversation: the greeting and the language key first (not timed: they come
    before the caller's first words), then each message said, timed from the caller's answer to
    the next question (fillers and redirects included). A transfer to the specialists' line is
    left unanswered, so the call goes on with the assistant; that outcome's webhook, which
    Twilio sends when the line stops ringing, is not part of the turn."""

    def __init__(self, stack: Stack, session: requests.Session) -> None:
        self.stack = stack
        self.session = session
        self.calls: dict[str, FakeCall] = {}
        self.lock = threading.Lock()

    def prepare(self, sender: str, language: str) -> None:
        call = self.stack.caller(sender, self.session, timeout_seconds=30.0)
        call.start()
        call.press(LANGUAGE_KEYS[language])
        with self.lock:
            self.calls[sender] = call

    def turn(self, sender: str, language: str, text: str) -> float:
        call = self.calls[sender]
        started = time.perf_counter()
        step = call.say(text)
        elapsed = (time.perf_counter() - started) * 1000
        if step.dial is not None or step.enqueue is not None:
            step = call.transfer_ends("no-answer")
        if step.gather is None and not step.hangup:
            raise TurnFailed("the call neither listens nor ends")
        return elapsed

    def webhook_ms(self) -> list[float]:
        with self.lock:
            return [ms for call in self.calls.values() for ms in call.webhook_ms]


def run_phase(
    path: str,
    turn: Turn,
    concurrency: int,
    rounds: int,
    prepare: Callable[[str, str], None] | None = None,
) -> PhaseResult:
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    lock = threading.Lock()

    def conversation(index: int) -> None:
        sender = random_number()
        language, texts = CONVERSATIONS[index % len(CONVERSATIONS)]
        if prepare is not None:
            prepare(sender, language)
        for text in texts:
            started = time.perf_counter()
            timed: float | None = None
            failure = ""
            try:
                timed = turn(sender, language, text)
            except Exception as error:
                failure = error_kind(error)
            elapsed = timed if timed is not None else (time.perf_counter() - started) * 1000
            with lock:
                if failure:
                    errors[failure] += 1
                else:
                    latencies.append(elapsed)

    count = concurrency * rounds
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(conversation, range(count)))
    seconds = time.perf_counter() - started
    turns = sum(len(CONVERSATIONS[i % len(CONVERSATIONS)][1]) for i in range(count))
    return PhaseResult(path, concurrency, turns, errors, seconds, latencies)


class MemorySampler:
    """Peak RSS of each process while load runs."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.peak = dict.fromkeys(pids, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, pid in self.pids.items():
                self.peak[name] = max(self.peak[name], rss_megabytes(pid))
            self._stop.wait(0.25)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def merge(results: list[PhaseResult]) -> PhaseResult:
    first = results[0]
    return PhaseResult(
        first.path,
        first.concurrency,
        sum(r.turns for r in results),
        sum((r.error_kinds for r in results), Counter()),
        sum(r.seconds for r in results),
        [x for r in results for x in r.latencies_ms],
    )


def row(result: PhaseResult) -> str:
    return (
        f"{result.path:<13} {result.concurrency:>4} {result.turns:>6} {result.errors:>6} "
        + " ".join(f"{result.percentile(q):>8.1f}" for q in (50, 95, 99))
        + f" {result.throughput:>9.1f}"
    )


@dataclass(frozen=True)
class BenchPath:
    turn: Turn
    prepare: Callable[[str, str], None] | None = None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, VOICE_CONCURRENCY, 20])
    parser.add_argument("--repeats", type=int, default=2, help="alternating repeats per path")
    parser.add_argument(
        "--rounds", type=int, default=0, help="conversations per worker (default: 3 at 1, 1 above)"
    )
    parser.add_argument("--out", default=str(ROOT / "results" / "bench.json"))
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
    stack = Stack.throwaway(Ports.free(), workdir, HOTLINE_ENV="production")
    print(f"Starting the stack for the benchmark (logs in {workdir}/log)...", flush=True)
    with stack:
        session = requests.Session()
        session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=64))
        calls = VoiceCalls(stack, session)
        paths = {
            "rasa-direct": BenchPath(rasa_direct_turn(stack, session)),
            "gateway-sms": BenchPath(gateway_turn(stack, session)),
            "gateway-voice": BenchPath(calls.turn, calls.prepare),
        }
        for path in paths.values():  # warm up every path (first-request costs, caches)
            run_phase("warmup", path.turn, 2, 1, path.prepare)
        pids = stack.pids()
        memory_rest = {name: round(rss_megabytes(pid), 1) for name, pid in pids.items()}
        results: list[PhaseResult] = []
        with MemorySampler(pids) as sampler:
            for concurrency in args.concurrency:
                rounds = args.rounds or (3 if concurrency == 1 else 1)
                per_path: dict[str, list[PhaseResult]] = {name: [] for name in paths}
                for _ in range(args.repeats):
                    for name, path in paths.items():
                        print(f"  {name} at {concurrency} concurrent...", flush=True)
                        phase = run_phase(name, path.turn, concurrency, rounds, path.prepare)
                        per_path[name].append(phase)
                results += [merge(r) for r in per_path.values()]
        memory_load = {name: round(mb, 1) for name, mb in sampler.peak.items()}
        webhook_ms = calls.webhook_ms()

    print("\npath          conc  turns errors  p50(ms)  p95(ms)  p99(ms)  turns/s")
    for result in results:
        print(row(result))
    verdicts = [
        compare(results, gateway, concurrency)
        for concurrency in args.concurrency
        for gateway in ("gateway-sms", "gateway-voice")
    ]
    for v in verdicts:
        print(
            f"{v['path']} at {v['concurrency']:>2} concurrent: /direct p95 ratio "
            f"{v['p95_ratio']:.2f}, throughput ratio {v['throughput_ratio']:.2f}, "
            f"p50 {v['gateway_p50_ms']:.1f} ms"
        )
    slowest = max(webhook_ms, default=0.0)
    over = sum(ms > TARGET_VOICE_WEBHOOK_MAX_MS for ms in webhook_ms)
    print(f"voice webhooks: {len(webhook_ms)}, slowest {slowest:.0f} ms, {over} over 5 s")
    print(f"memory (RSS MB) at rest: {memory_rest}")
    print(f"memory (RSS MB) peak under load: {memory_load}")
    print(targets_summary(verdicts, slowest))
    report = {
        "results": [
            {**{k: v for k, v in asdict(r).items() if k != "latencies_ms"},
             "p50_ms": r.percentile(50), "p95_ms": r.percentile(95), "p99_ms": r.percentile(99),
             "throughput": r.throughput, "errors": r.errors}
            for r in results
        ],
        "ratios": verdicts,
        "voice_webhooks": {"count": len(webhook_ms), "max_ms": round(slowest, 1), "over_5s": over},
        "memory_rest_mb": memory_rest,
        "memory_peak_mb": memory_load,
    }  # fmt: skip
    write_report(report, Path(args.out))
    return 0


def write_report(report: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"written to {out}")


def compare(results: list[PhaseResult], path: str, concurrency: int) -> dict[str, Any]:
    direct = next(r for r in results if r.path == "rasa-direct" and r.concurrency == concurrency)
    gateway = next(r for r in results if r.path == path and r.concurrency == concurrency)
    throughput_ratio = gateway.throughput / direct.throughput if direct.throughput else float("nan")
    return {
        "path": path,
        "concurrency": concurrency,
        "p95_ratio": round(gateway.percentile(95) / direct.percentile(95), 3),
        "throughput_ratio": round(throughput_ratio, 3),
        "gateway_p50_ms": round(gateway.percentile(50), 1),
        "errors": gateway.errors + direct.errors,
        "error_kinds": {
            "gateway": dict(gateway.error_kinds),
            "rasa-direct": dict(direct.error_kinds),
        },
    }


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def targets_summary(verdicts: list[dict[str, Any]], slowest_voice_webhook_ms: float) -> str:
    lines = ["targets (SMS: issue #2; voice: issue #5):"]
    for v in verdicts:
        conc, sms = v["concurrency"], v["path"] == "gateway-sms"
        if conc == 1:
            limit = TARGET_SINGLE_P50_MS if sms else TARGET_VOICE_SINGLE_P50_MS
            ok = v["gateway_p50_ms"] < limit
            lines.append(f"  {v['path']}, 1 conversation: turn p50 < {limit:.0f} ms: {verdict(ok)}")
        elif sms and conc == 20:
            ok_p95 = v["p95_ratio"] <= TARGET_RATIO_P95
            ok_tp = v["throughput_ratio"] >= TARGET_RATIO_THROUGHPUT
            lines.append(
                f"  gateway-sms, 20 conversations: p95 ratio <= {TARGET_RATIO_P95}: "
                f"{verdict(ok_p95)}; "
                f"throughput ratio >= {TARGET_RATIO_THROUGHPUT}: {verdict(ok_tp)}"
            )
        elif not sms and conc == VOICE_CONCURRENCY:
            ok = v["p95_ratio"] <= TARGET_VOICE_RATIO_P95
            lines.append(
                f"  gateway-voice, {conc} calls: "
                f"p95 ratio <= {TARGET_VOICE_RATIO_P95}: {verdict(ok)}"
            )
        kinds = "; ".join(
            f"{side}: {kind} x{count}"
            for side, counted in v["error_kinds"].items()
            for kind, count in counted.items()
        )
        lines.append(
            f"  errors, {v['path']} at {conc}: {v['errors']}" + (f" ({kinds})" if kinds else "")
        )
    ok = slowest_voice_webhook_ms <= TARGET_VOICE_WEBHOOK_MAX_MS
    lines.append(f"  no voice webhook over 5 s: {verdict(ok)}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
