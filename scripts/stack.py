"""Start, watch and stop the three processes: action server, Rasa server, gateway.

Used by ``make run`` (``python -m scripts.stack``), by the end-to-end tests and by the benchmark,
so all three run the hotline the same way.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import requests

from channels.twilio.fake_phone import FakeCall, FakePhone, random_number
from scripts import envfile
from scripts.tf_env import OFFLINE

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
MODEL = ROOT / "models" / "hotline.tar.gz"
# A cold Rasa server (TensorFlow, model load) takes ~30 s on this 2-core machine.
START_TIMEOUT_SECONDS = 180.0


@dataclass(frozen=True)
class Ports:
    gateway: int = 5000
    rasa: int = 5005
    actions: int = 5055
    more_rasa: tuple[int, ...] = ()  # further Rasa replicas

    @classmethod
    def free(cls, rasa_replicas: int = 1) -> Ports:
        """Ports nothing listens on now, chosen by the kernel: a throwaway stack (tests,
        benchmarks) never collides with another one running on the same machine."""
        sockets = [
            socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(2 + rasa_replicas)
        ]
        try:
            for sock in sockets:
                sock.bind(("127.0.0.1", 0))
            gateway, actions, rasa, *more = (sock.getsockname()[1] for sock in sockets)
        finally:
            for sock in sockets:
                sock.close()
        return cls(gateway, rasa, actions, tuple(more))

    @property
    def rasa_replicas(self) -> dict[str, int]:
        """Each Rasa replica's process name and port: "rasa", then "rasa-2", "rasa-3"..."""
        more = {f"rasa-{n}": port for n, port in enumerate(self.more_rasa, start=2)}
        return {"rasa": self.rasa, **more}


@dataclass
class Stack:
    ports: Ports = field(default_factory=Ports)
    env: Mapping[str, str] = field(default_factory=dict)
    log_dir: Path = ROOT / "var" / "log"
    model: Path = MODEL
    endpoints: Path = ROOT / "bot" / "endpoints.yml"
    gateway_workers: int = 1
    gateway_threads: int = 64
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.gateway}"

    @property
    def rasa_url(self) -> str:
        """The first Rasa replica (the only one unless ``Ports.more_rasa``)."""
        return f"http://127.0.0.1:{self.ports.rasa}"

    @property
    def rasa_urls(self) -> dict[str, str]:
        return {name: f"http://127.0.0.1:{port}" for name, port in self.ports.rasa_replicas.items()}

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.actions}"

    def environment(self) -> dict[str, str]:
        merged = {**os.environ, **envfile.load(), **self.env}
        merged.update(
            HOTLINE_RASA_URL=",".join(self.rasa_urls.values()),
            HOTLINE_ACTIONS_URL=f"{self.actions_url}/webhook",
            HOTLINE_GATEWAY_URL=self.gateway_url,
            HOTLINE_GATEWAY_THREADS=str(self.gateway_threads),  # the client's turn slots too
            PYTHONUNBUFFERED="1",
            TF_CPP_MIN_LOG_LEVEL="2",
            **OFFLINE,
        )
        merged.setdefault("HOTLINE_PUBLIC_URL", self.gateway_url)
        return merged

    def commands(self) -> dict[str, list[str]]:
        env = self.environment()
        return {
            "actions": [str(VENV_BIN / "python"), "-m", "actions.server",
                        "--host", "127.0.0.1", "--port", str(self.ports.actions)],
            **{
                name: [str(VENV_BIN / "python"), "-m", "bot.server", "run", "--enable-api",
                       "--jwt-secret", env.get("HOTLINE_RASA_TOKEN", ""), "--jwt-method", "HS256",
                       "--model", str(self.model), "--endpoints", str(self.endpoints),
                       "--credentials", "bot/credentials.yml",
                       "--interface", "127.0.0.1", "--port", str(port)]
                for name, port in self.ports.rasa_replicas.items()
            },
            "gateway": [str(VENV_BIN / "gunicorn"), "--config", "gunicorn.conf.py",
                        "channels:create_app()", "--bind", f"127.0.0.1:{self.ports.gateway}",
                        "--workers", str(self.gateway_workers),
                        "--threads", str(self.gateway_threads)],
            "worker": [str(VENV_BIN / "python"), "-m", "channels.worker"],
        }  # fmt: skip

    def default_processes(self) -> tuple[str, ...]:
        """The three servers (Rasa's replicas), and the job worker when jobs go through Redis."""
        servers = ("actions", *self.ports.rasa_replicas, "gateway")
        redis_jobs = self.environment().get("HOTLINE_JOB_QUEUE", "inprocess") == "redis"
        return (*servers, "worker") if redis_jobs else servers

    def readiness_urls(self) -> dict[str, str]:
        return {
            "actions": f"{self.actions_url}/health",
            # Rasa's root answers once the model is loaded; it needs no token.
            **{name: f"{url}/" for name, url in self.rasa_urls.items()},
            "gateway": f"{self.gateway_url}/healthz",
        }

    @classmethod
    def throwaway(cls, ports: Ports, workdir: Path, **env: str) -> Stack:
        """A stack with fresh random secrets and its own SQLite file and logs under ``workdir``,
        answering on its own gateway port (tests, benchmark, transcripts); ``env`` adds to it."""
        return cls(
            ports=ports,
            env={
                "TWILIO_AUTH_TOKEN": secrets.token_hex(16),
                "HOTLINE_SECRET_KEY": secrets.token_hex(16),
                "HOTLINE_RASA_TOKEN": secrets.token_hex(16),
                "HOTLINE_ACTIONS_TOKEN": secrets.token_hex(16),
                "HOTLINE_API_TOKEN": secrets.token_hex(16),
                "HOTLINE_EVENTS_TOKEN": secrets.token_hex(16),
                "HOTLINE_INTEGRATIONS_TOKEN": secrets.token_hex(16),
                "HOTLINE_WEBHOOK_SECRET": secrets.token_hex(16),
                "HOTLINE_DATABASE_URL": f"sqlite:///{workdir}/hotline.db",
                "HOTLINE_TRACKER_STORE_URL": f"sqlite:///{workdir}/rasa-tracker.db",
                "HOTLINE_TRACKER_KEYS": f"1:{secrets.token_hex(16)}",
                "HOTLINE_SPOOL_DIR": str(workdir / "spool"),
                "HOTLINE_SENDER": "outbox",  # a throwaway stack never texts real phones
                "HOTLINE_PUBLIC_URL": f"http://127.0.0.1:{ports.gateway}",
                **env,
            },
            log_dir=workdir / "log",
        )

    def phone(
        self,
        from_number: str = "",
        session: requests.Session | None = None,
        timeout_seconds: float = 20.0,
    ) -> FakePhone:
        """A phone texting this stack's gateway, signing like Twilio with its auth token."""
        env = self.environment()
        return FakePhone(
            gateway_url=self.gateway_url,
            public_url=env["HOTLINE_PUBLIC_URL"],
            auth_token=env["TWILIO_AUTH_TOKEN"],
            from_number=from_number or random_number(),
            timeout_seconds=timeout_seconds,
            session=session,
        )

    def caller(
        self,
        from_number: str = "",
        session: requests.Session | None = None,
        timeout_seconds: float = 20.0,
    ) -> FakeCall:
        """A phone calling this stack's gateway (/twilio/voice), signing like Twilio."""
        env = self.environment()
        return FakeCall(
            gateway_url=self.gateway_url,
            public_url=env["HOTLINE_PUBLIC_URL"],
            auth_token=env["TWILIO_AUTH_TOKEN"],
            from_number=from_number or random_number(),
            session=session,
            timeout_seconds=timeout_seconds,
        )

    def start(self, *names: str) -> None:
        """Start the named processes (all by default) and wait until each answers."""
        names = names or self.default_processes()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        commands, env = self.commands(), self.environment()
        for name in names:
            log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - owned by the child
            self.processes[name] = subprocess.Popen(
                commands[name],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            for name in names:
                self._wait_ready(name)
            for name in names:
                if name in self.rasa_urls:
                    self._warm_up_rasa(self.rasa_urls[name])
        except BaseException:
            self.stop()  # a stack that failed to start leaves no process behind
            raise

    def _warm_up_rasa(self, url: str) -> None:
        """One throwaway turn: TensorFlow's first inference after a model load takes seconds,
        and that cost must not fall on the first person who texts."""
        requests.post(
            f"{url}/webhooks/rest/webhook",
            json={"sender": f"warm-up-{time.time_ns()}", "message": "hello"},
            timeout=START_TIMEOUT_SECONDS,
        ).raise_for_status()

    def _wait_ready(self, name: str) -> None:
        url = self.readiness_urls().get(name)
        if url is None:  # the worker serves no HTTP: alive after a moment is ready
            time.sleep(1.0)
            if self.processes[name].poll() is not None:
                raise RuntimeError(f"{name} exited; see {self.log_path(name)}")
            return
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            process = self.processes[name]
            if process.poll() is not None:
                raise RuntimeError(
                    f"{name} exited with {process.returncode}; see {self.log_path(name)}"
                )
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise TimeoutError(
            f"{name} not ready after {START_TIMEOUT_SECONDS:.0f}s; see {self.log_path(name)}"
        )

    def log_path(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def stop(self, *names: str) -> None:
        """Stop the named processes (all by default): SIGTERM, then SIGKILL after 15 s."""
        for name in names or list(self.processes):
            process = self.processes.pop(name, None)
            if process is None or process.poll() is not None:
                continue
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def pids(self) -> dict[str, int]:
        return {name: p.pid for name, p in self.processes.items()}

    def __enter__(self) -> Stack:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def rss_megabytes(pid: int) -> float:
    """Resident memory of a process and all its descendants (gunicorn's worker, for one)."""
    total_kb = 0
    for child in [pid, *_descendants(pid)]:
        try:
            status = Path(f"/proc/{child}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total_kb += int(line.split()[1])
    return total_kb / 1024


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and all its live descendants."""
    return sum(_own_cpu_seconds(child) for child in [pid, *_descendants(pid)])


def cpu_seconds_of_command(name: str) -> float:
    """CPU time used so far by every process of the machine with this command name (the
    machine's PostgreSQL backends and Redis, which are not this stack's children)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _command(entry) == name:
            total += _own_cpu_seconds(int(entry.name))
    return total


def _command(proc: Path) -> str:
    try:
        return (proc / "comm").read_text().strip()
    except OSError:
        return ""


def _own_cpu_seconds(pid: int) -> float:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    # The command name (field 2) may hold spaces: the fields after it follow its ")".
    fields = stat.rsplit(")", 1)[1].split()
    user, system = int(fields[11]), int(fields[12])  # utime, stime: fields 14 and 15
    return (user + system) / os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> list[int]:
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found = [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
        for child in found:
            children += [child, *_descendants(child)]
    return children


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Run the hotline: actions, Rasa and the gateway.")
    parser.parse_args(argv)
    stack = Stack()
    print("Starting the action server, the Rasa server (about 30 s) and the gateway...")
    try:
        stack.start()
    except (RuntimeError, TimeoutError) as error:
        print(f"could not start: {error}", file=sys.stderr)
        stack.stop()
        return 1
    env = stack.environment()
    dev = env.get("HOTLINE_ENV", "").lower() == "development"
    print(
        "\nThe VOICE Hotline is running.\n"
        f"  gateway       {stack.gateway_url}\n"
        f"  SMS webhook   {env['HOTLINE_PUBLIC_URL']}/twilio/sms   (point Twilio here)\n"
        + (
            f"  simulator     {stack.gateway_url}/simulator   <- try it in a browser\n"
            if dev
            else ""
        )
        + f"  readiness     {stack.gateway_url}/readyz\n"
        f"  API           {stack.gateway_url}/api/   (docs/openapi.yml; tokens in .env)\n"
        f"  Rasa          {stack.rasa_url}   (loopback only, token-protected API)\n"
        f"  action server {stack.actions_url}\n"
        + ("  job worker    RQ on Redis\n" if "worker" in stack.processes else "")
        + f"  logs          {stack.log_dir}/\n"
        "In another terminal, `make chat` texts the hotline from the terminal.\n"
        "Ctrl-C stops them all."
    )
    try:
        while all(p.poll() is None for p in stack.processes.values()):
            time.sleep(1)
        failed = [n for n, p in stack.processes.items() if p.poll() is not None]
        print(f"{', '.join(failed)} stopped unexpectedly; see {stack.log_dir}/", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping...")
        return 0
    finally:
        stack.stop()
        print("Stopped.")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
