"""The action server as it runs (``python -m actions.server``): on loopback only, and deaf to
anyone without its token, so that a forged tracker cannot run look-ups or sign-ups."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from actions.server import authorised, build_app
from tests.actions.conftest import ROOT

TOKEN = "t" * 32
FORGED_CALL = {
    "next_action": "action_custody_lookup",
    "sender_id": "attacker",
    "tracker": {"sender_id": "attacker", "slots": {}, "latest_message": {}, "events": []},
    "domain": {},
    "version": "3.6.2",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(port: int, token: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "HOTLINE_ACTIONS_TOKEN": token}
    env.pop("HOTLINE_ACTIONS_HOST", None)
    return subprocess.Popen(
        [sys.executable, "-m", "actions.server", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = free_port()
    process = start(port, TOKEN)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/health", timeout=1).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("the action server did not start")
    yield url
    process.terminate()
    process.wait(timeout=20)


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on ``port`` (Linux's /proc/net/tcp*)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.rpartition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def test_it_listens_on_loopback_only(server):
    port = int(server.rsplit(":", 1)[1])
    assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1


def test_a_forged_tracker_without_the_token_is_refused(server):
    answer = requests.post(f"{server}/webhook", json=FORGED_CALL, timeout=10)
    assert answer.status_code == 401
    assert "attacker" not in answer.text


@pytest.mark.parametrize(
    "header", ["", "Bearer", "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x", TOKEN]
)
def test_a_wrong_token_is_refused(server, header):
    answer = requests.get(f"{server}/actions", headers={"Authorization": header}, timeout=10)
    assert answer.status_code == 401


def test_the_token_opens_it(server):
    answer = requests.get(
        f"{server}/actions", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    )
    assert answer.status_code == 200
    assert {"name": "action_custody_lookup"} in answer.json()


def test_health_needs_no_token(server):
    assert requests.get(f"{server}/health", timeout=10).json() == {"status": "ok"}


def test_without_a_token_it_refuses_to_start():
    process = start(free_port(), "")
    _, errors = process.communicate(timeout=60)
    assert process.returncode == 2
    assert b"HOTLINE_ACTIONS_TOKEN" in errors


def test_a_short_token_is_refused():
    with pytest.raises(ValueError, match="at least"):
        build_app("short")


@pytest.mark.parametrize(
    ("header", "expected"),
    [(f"Bearer {TOKEN}", True), (f"bearer {TOKEN}", True), (None, False), ("Bearer ", False)],
)
def test_authorised(header, expected):
    assert authorised(header, TOKEN) is expected
