"""The message store on both databases it runs on: SQLite (default) and PostgreSQL (production).

The PostgreSQL run uses the machine's server (127.0.0.1:5432, trust auth) and a database of its
own, created and dropped by the test; it is skipped, loudly, only where no server answers.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from channels.storage.database import Database
from channels.storage.messages import DuplicateMessage, InboundMessage, MessageStore, Status
from tests.channels.conftest import BACKENDS, backend_url, migrated


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path) -> Iterator[MessageStore]:
    database = migrated(backend_url(request, request.param, tmp_path, "store"))
    yield MessageStore(database)
    database.dispose()


def inbound(store: MessageStore, sid: str, conversation: str = "c1") -> tuple[int, bool]:
    recorded = store.record_inbound(
        InboundMessage(
            conversation_id=conversation,
            channel="sms",
            address_encrypted=b"encrypted-address",
            provider_sid=sid,
            body_encrypted=b"encrypted-body",
        )
    )
    return recorded.inbound_id, recorded.opted_out


def test_inbound_then_reply(store):
    message_id, opted_out = inbound(store, "SM1")
    assert not opted_out
    store.record_reply(
        inbound_id=message_id, body_encrypted=b"answer", inbound_status=Status.ANSWERED
    )
    assert store.reply_to(message_id).body_encrypted == b"answer"
    statuses = [(m.direction.value, m.status) for m in store.messages("c1")]
    assert statuses == [("inbound", Status.ANSWERED), ("outbound", Status.SENT)]


def test_a_message_sid_is_stored_once(store):
    first, _ = inbound(store, "SM2")
    with pytest.raises(DuplicateMessage) as duplicate:
        inbound(store, "SM2")
    assert duplicate.value.existing_id == first


def test_the_same_sid_arriving_concurrently_is_stored_once(store):
    def attempt(_: int) -> str:
        try:
            inbound(store, "SM3")
            return "stored"
        except DuplicateMessage:
            return "duplicate"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(attempt, range(8)))
    assert outcomes.count("stored") == 1
    assert len(store.messages("c1")) == 1


def test_unanswered_messages_keep_the_reason(store):
    message_id, _ = inbound(store, "SM4")
    store.record_reply(
        inbound_id=message_id,
        body_encrypted=b"fallback",
        inbound_status=Status.UNANSWERED,
        error="ConnectTimeout",
    )
    (message, _) = store.messages("c1")
    assert (message.status, message.error) == (Status.UNANSWERED, "ConnectTimeout")


def test_opt_out_is_remembered_per_conversation(store):
    inbound(store, "SM5", conversation="c2")
    store.set_opted_out("c2", True)
    assert inbound(store, "SM6", conversation="c2")[1] is True
    assert inbound(store, "SM7", conversation="c3")[1] is False


def test_two_first_messages_from_one_new_number_at_once_are_both_stored(store):
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(
            pool.map(lambda sid: inbound(store, sid, conversation="new"), ["SMa", "SMb"])
        )
    assert len({message_id for message_id, _ in results}) == 2
    assert len(store.messages("new")) == 2


def test_a_forked_process_opens_its_own_connections(tmp_path):
    """RQ's worker forks for each job: the child must not reuse the parent's pooled connections."""
    database = Database(f"sqlite:///{tmp_path}/fork.db")
    database.ping()  # the pool now holds a connection of this process
    assert database.engine.pool.checkedin() == 1
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        os.close(read)
        pooled = database.engine.pool.checkedin()
        database.ping()  # and a connection of its own works
        os.write(write, str(pooled).encode())
        os._exit(0)
    os.close(write)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert os.read(read, 16) == b"0"
    assert database.engine.pool.checkedin() == 1  # the parent's own pool is untouched
    database.dispose()
