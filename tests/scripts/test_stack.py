import socket
import sys

import pytest

from scripts.stack import Ports, Stack


def test_free_ports_are_distinct_and_bindable():
    ports = Ports.free()
    assert len({ports.gateway, ports.rasa, ports.actions}) == 3
    for port in (ports.gateway, ports.rasa, ports.actions):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", port))


class TwoProcesses(Stack):
    """One process that would run for a minute and one that dies at once."""

    def commands(self) -> dict[str, list[str]]:
        return {
            "sleeper": [sys.executable, "-c", "import time; time.sleep(60)"],
            "crasher": [sys.executable, "-c", "raise SystemExit(3)"],
        }

    def readiness_urls(self) -> dict[str, str]:
        return {}


def test_a_stack_that_fails_to_start_leaves_no_process_behind(tmp_path):
    stack = TwoProcesses(ports=Ports.free(), env={}, log_dir=tmp_path)
    started = {}
    original_stop = stack.stop

    def stop(*names):
        started.update(stack.processes)
        original_stop(*names)

    stack.stop = stop
    with pytest.raises(RuntimeError, match="crasher exited"):
        stack.start("sleeper", "crasher")
    assert started["sleeper"].poll() is not None
    assert stack.processes == {}


def test_every_process_of_a_stack_runs_with_rasas_telemetry_off(tmp_path, monkeypatch):
    monkeypatch.setenv("RASA_TELEMETRY_ENABLED", "true")
    stack = Stack.throwaway(Ports.free(), tmp_path)
    assert stack.environment()["RASA_TELEMETRY_ENABLED"] == "false"
