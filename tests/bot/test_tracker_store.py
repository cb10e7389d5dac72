"""The encrypted SQL tracker store: conversations survive a new Rasa process, nothing people
typed is stored in clear, keys rotate, and Rasa loads it from ``bot/endpoints.yml``."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from cryptography.fernet import InvalidToken
from rasa.core.tracker_store import create_tracker_store
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from bot.tracker_store import (
    KEYS_SETTING,
    URL_SETTING,
    EncryptedSQLTrackerStore,
    TrackerStoreConfigurationError,
    sealer,
)
from tests.bot.helpers import ROOT

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [inform]
slots:
  pin:
    type: text
    mappings: [{type: custom}]
"""
)
SECRET_TEXT = "my PIN is 4821 and my name is Ana Pérez"
OLD, NEW = "old:an-old-tracker-secret-0123456789", "new:a-new-tracker-secret-0123456789"


def store(database: Path, keys: str = OLD) -> EncryptedSQLTrackerStore:
    environ = {URL_SETTING: f"sqlite:///{database}", KEYS_SETTING: keys}
    return EncryptedSQLTrackerStore(DOMAIN, environ=environ)


def conversation() -> DialogueStateTracker:
    tracker = DialogueStateTracker.from_events(
        "c0ffee",
        [
            ActionExecuted("action_listen"),
            UserUttered(SECRET_TEXT, {"name": "inform", "confidence": 0.99}),
            SlotSet("pin", "4821"),
        ],
        DOMAIN.slots,
    )
    return tracker


async def test_a_new_process_reads_the_conversation_back(tmp_path: Path):
    database = tmp_path / "var" / "tracker.db"  # the directory is created too
    await store(database).save(conversation())
    restored = await store(database).retrieve("c0ffee")
    assert restored is not None
    assert restored.latest_message.text == SECRET_TEXT
    assert restored.get_slot("pin") == "4821"
    assert list(restored.events) == list(conversation().events)


async def test_nothing_typed_is_stored_in_clear(tmp_path: Path):
    database = tmp_path / "tracker.db"
    await store(database).save(conversation())
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT type_name, intent_name, action_name, data FROM events"
        ).fetchall()
    assert [row[0] for row in rows] == ["action", "user", "slot"]
    assert rows[1][1] == "inform"  # what Rasa queries stays readable
    # Each event is one Fernet token (whose letters may spell "PIN" by chance: the secrets are
    # looked for in the columns kept in clear), and only the key opens it.
    sealed = sealer(OLD)
    for type_name, intent_name, action_name, data in rows:
        assert json.loads(sealed.decrypt(data.encode()))["event"] == type_name
        clear = f"{type_name} {intent_name} {action_name}"
        for secret in ("4821", "Ana", "PIN", "Pérez"):
            assert secret not in clear


async def test_keys_rotate_and_a_wrong_key_reads_nothing(tmp_path: Path):
    database = tmp_path / "tracker.db"
    await store(database, OLD).save(conversation())
    rotated = await store(database, f"{NEW},{OLD}").retrieve("c0ffee")
    assert rotated is not None and rotated.get_slot("pin") == "4821"
    with pytest.raises(InvalidToken):
        await store(database, NEW).retrieve("c0ffee")


@pytest.mark.parametrize("keys", ["", "no-id", "id:", ":secret"])
def test_rasa_refuses_to_start_without_a_key(tmp_path: Path, keys: str):
    with pytest.raises(TrackerStoreConfigurationError, match=KEYS_SETTING):
        store(tmp_path / "tracker.db", keys)


def test_rasa_loads_it_from_the_endpoints_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Rasa falls back to memory, with only a warning, when a custom store fails to import."""
    monkeypatch.setenv(URL_SETTING, f"sqlite:///{tmp_path}/tracker.db")
    monkeypatch.setenv(KEYS_SETTING, OLD)
    monkeypatch.setenv("HOTLINE_ACTIONS_URL", "http://127.0.0.1:5055/webhook")
    monkeypatch.setenv("HOTLINE_ACTIONS_TOKEN", "a-token")
    config = read_endpoint_config(str(ROOT / "bot" / "endpoints.yml"), "tracker_store")
    loaded = create_tracker_store(config, DOMAIN)
    assert isinstance(loaded, EncryptedSQLTrackerStore)


async def test_events_older_than_the_retention_period_are_erased(tmp_path: Path):
    database = tmp_path / "tracker.db"
    now = [conversation().events[-1].timestamp + 91 * 86400]
    environ = {URL_SETTING: f"sqlite:///{database}", KEYS_SETTING: OLD}
    old = EncryptedSQLTrackerStore(DOMAIN, environ=environ, clock=lambda: now[0])
    await old.save(conversation())  # saving erases what is due: these are 91 days old
    assert await old.retrieve("c0ffee") is None
    recent = conversation()
    recent.sender_id = "recent"
    for event in recent.events:
        event.timestamp = now[0]
    await old.save(recent)
    now[0] += 2 * 86400  # two days on: due again, and these are two days old
    assert old.erase_if_due() == 0  # recent events are kept
    assert (await old.retrieve("recent")) is not None


def test_the_retention_setting_is_checked(tmp_path: Path):
    environ = {URL_SETTING: f"sqlite:///{tmp_path}/t.db", KEYS_SETTING: OLD}
    for bad in ("0", "-1", "²", "ninety"):
        with pytest.raises(TrackerStoreConfigurationError, match="HOTLINE_RETENTION_DAYS"):
            EncryptedSQLTrackerStore(DOMAIN, environ={**environ, "HOTLINE_RETENTION_DAYS": bad})
