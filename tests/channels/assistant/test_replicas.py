"""Several Rasa replicas: each conversation has one home replica (stable, balanced), moves only
when its home refuses connections, and is never sent twice when a replica is merely slow."""

from __future__ import annotations

import socket
from collections import Counter

import pytest

from channels.assistant.client import AssistantUnavailable, RasaClient, Replicas
from tests.channels.assistant.test_client import rasa_at  # noqa: F401 - a fixture

A, B, C = "http://rasa-a:5005", "http://rasa-b:5005", "http://rasa-c:5005"
KEYS = [f"conversation-{n}" for n in range(2000)]


def homes(replicas: Replicas) -> dict[str, str]:
    return {key: replicas.for_conversation(key)[0] for key in KEYS}


def test_conversations_are_spread_evenly_and_stay_put():
    two = homes(Replicas([A, B]))
    assert 0.45 < Counter(two.values())[A] / len(KEYS) < 0.55
    assert homes(Replicas([B, A])) == two  # the order of the setting does not matter
    three = homes(Replicas([A, B, C]))
    moved = [key for key in KEYS if three[key] != two[key]]
    assert all(three[key] == C for key in moved)  # a new replica only takes, never shuffles
    assert 0.28 < len(moved) / len(KEYS) < 0.39


def test_a_replica_down_hands_only_its_conversations_to_the_next_choice():
    clock = [0.0]
    replicas = Replicas([A, B, C], down_seconds=10.0, clock=lambda: clock[0])
    before = {key: replicas.for_conversation(key) for key in KEYS}
    replicas.mark_down(A)
    for key in KEYS:
        order = replicas.for_conversation(key)
        expected = [url for url in before[key] if url != A] + [A]
        assert order == expected
    clock[0] += 11.0  # back after its time out
    assert {key: replicas.for_conversation(key) for key in KEYS} == before


def closed_port_url() -> str:
    """A loopback port nobody listens on: connections are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_a_refused_connection_goes_to_the_next_replica(rasa_at):  # noqa: F811
    up, down = rasa_at(body=[{"text": "from the replica that is up"}]), closed_port_url()
    client = RasaClient(f"{down},{up}", timeout_seconds=2.0)
    for n in range(20):  # whichever is each conversation's home, the answer comes
        assert client.send(f"c{n}", "hi", {}) == ["from the replica that is up"]


def test_a_slow_replica_is_not_skipped(rasa_at):  # noqa: F811
    """It may be acting on the message: a second replica would answer it twice."""
    slow, fast = rasa_at(delay=2.0), rasa_at(body=[{"text": "fast"}])
    client = RasaClient([slow, fast], timeout_seconds=0.5)
    on_slow = next(k for k in KEYS if client.replicas.for_conversation(k)[0] == slow)
    with pytest.raises(AssistantUnavailable, match="ReadTimeout"):
        client.send(on_slow, "hi", {})


def test_every_replica_down_is_the_assistant_down():
    client = RasaClient([closed_port_url(), closed_port_url()], timeout_seconds=1.0)
    with pytest.raises(AssistantUnavailable):
        client.send("c1", "hi", {})
    with pytest.raises(AssistantUnavailable):
        client.ping()
