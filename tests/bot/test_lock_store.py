"""The lock store: in memory by default, Redis (really) when HOTLINE_LOCK_STORE_URL says so, and
Rasa loads it from bot/endpoints.yml."""

from __future__ import annotations

import uuid

from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.utils.endpoints import read_endpoint_config

from bot.lock_store import URL_SETTING, HotlineLockStore
from tests.bot.helpers import ROOT


def test_in_memory_by_default():
    assert isinstance(HotlineLockStore(environ={}), InMemoryLockStore)


async def test_redis_when_a_url_is_set():
    store = HotlineLockStore(environ={URL_SETTING: "redis://127.0.0.1:6379/3"})
    assert isinstance(store, RedisLockStore)
    conversation = f"lock-test-{uuid.uuid4().hex}"
    async with store.lock(conversation):  # a real lock in the machine's Redis
        held = store.get_lock(conversation)
        assert held is not None and held.tickets  # another replica would wait for it
    released = store.get_lock(conversation)
    assert released is None or not released.tickets


def test_rasa_loads_it_from_the_endpoints_file(monkeypatch):
    monkeypatch.setenv("HOTLINE_ACTIONS_URL", "http://127.0.0.1:5055/webhook")
    monkeypatch.setenv("HOTLINE_ACTIONS_TOKEN", "a-token")
    monkeypatch.setenv(URL_SETTING, "redis://127.0.0.1:6379/3")
    config = read_endpoint_config(str(ROOT / "bot" / "endpoints.yml"), "lock_store")
    assert isinstance(LockStore.create(config), RedisLockStore)
