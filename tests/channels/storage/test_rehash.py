"""A hashing-key rotation on a database with data in it, on SQLite and PostgreSQL.

While the new key is first and the old one still configured, everything is found (look-ups try
both keys); after ``rehash`` every stored keyed hash is under the new key, and with the old key
removed the same phones, registrations, alerts and outbox entries are still found, opt-outs
still honoured, and conversations keep their ids."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from channels.alerts.notifications.models import CustodyEvent, EventType, dump_details
from channels.alerts.registrations.models import Registration, VerificationCode
from channels.outbound.outbox import OutboxSender
from channels.review.models import ReviewReason
from channels.review.service import NewItem, ReviewInbox
from channels.storage.database import Database
from channels.storage.messages import Conversation, InboundMessage, MessageStore
from channels.storage.privacy import Privacy
from channels.storage.rotate import keyed_columns, rehash
from tests.channels.alerts.test_notifications import (
    build_exchange,
    deliver,
    notifications_of,
    post_event,
    register,
)
from tests.channels.alerts.test_registrations import A_NUMBER, EMAIL, PHONE, START
from tests.channels.alerts.test_registrations import clock as clock_fixture
from tests.channels.alerts.test_registrations import fast_pin_hash as fast_pin_hash_fixture
from tests.channels.conftest import BACKENDS, backend_url, migrated

# The registration tests' fixtures, shared by import.
clock = clock_fixture
fast_pin_hash = fast_pin_hash_fixture
pytestmark = pytest.mark.usefixtures("fast_pin_hash")

STOPPED = "+17135550143"
ENCRYPTION = [("e1", "an-encryption-secret-for-these-tests-0123")]
OLD = ("2026-12", "the-old-hashing-secret-0123456789abcdef")
NEW = ("2027-01", "the-new-hashing-secret-0123456789abcdef")


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path):
    database = migrated(backend_url(request, request.param, tmp_path, "rehash"))
    yield database
    database.dispose()


def privacy(*hash_keys: tuple[str, str]) -> Privacy:
    return Privacy(hash_keys=hash_keys, encryption_keys=ENCRYPTION)


def text(database: Database, keys: Privacy, phone: str, sid: str, opt_out: bool = False) -> Any:
    store = MessageStore(database)
    address_keys = keys.conversation_keys(phone)
    recorded = store.record_inbound(
        InboundMessage(
            conversation_id=address_keys[0],
            channel="sms",
            address_encrypted=keys.encrypt(phone),
            provider_sid=sid,
            body_encrypted=keys.encrypt("STOP" if opt_out else "hi"),
            address_keys=address_keys,
        )
    )
    if opt_out:
        store.set_opted_out(recorded.conversation_id, True)
    return recorded


def stored_keyed_values(database: Database) -> set[str]:
    values: set[str] = set()
    with database.session() as session:
        for _table, columns in keyed_columns():
            for row in session.execute(select(*columns)).all():
                values |= {value for value in row if value}
    return values


def test_a_full_hashing_key_rotation(database: Database, clock):
    old = privacy(OLD)
    before = build_exchange(database, old, _outbox(database, old), clock)
    by_phone = register(before)
    by_email = register(before, contact={"channel": "email", "value": EMAIL})
    first, stopped = text(database, old, PHONE, "SM1"), text(database, old, STOPPED, "SM2", True)
    post_event(before)
    deliver(before)
    _an_event_stored_before_details_held_the_identity(database, old)
    old_values = stored_keyed_values(database)
    assert len(old_values) >= 6

    # The new key first, the old one kept: everything is still found, before any re-hash.
    both = privacy(NEW, OLD)
    window = build_exchange(database, both, _outbox(database, both), clock)
    assert text(database, both, PHONE, "SM3").conversation_id == first.conversation_id
    assert window.registrations.renew(both.conversation_keys(PHONE)) == 1
    assert len(window.outbox.list(to=PHONE)) >= 1

    rehashed = rehash(database, both, report=lambda line: None)
    assert rehashed.left == 0
    assert sum(rehashed.changed.values()) >= len(old_values)
    assert not stored_keyed_values(database) & old_values  # nothing left under the old key
    assert sum(rehash(database, both, report=lambda line: None).changed.values()) == 0

    # The old key removed: the same people, conversations, alerts and opt-outs.
    new = privacy(NEW)
    after = build_exchange(database, new, _outbox(database, new), clock)
    assert text(database, new, PHONE, "SM4").conversation_id == first.conversation_id
    again = text(database, new, STOPPED, "SM5")
    assert (again.conversation_id, again.opted_out) == (stopped.conversation_id, True)
    assert after.registrations.renew(new.conversation_keys(PHONE)) == 1
    assert after.registrations.renew(new.keyed_all("email", EMAIL.casefold())) == 1
    assert after.notifications.confirm_by_reply(new.conversation_keys(PHONE)) == 1
    assert len(after.outbox.list(to=PHONE)) >= 1
    clock.advance(seconds=61)
    event = post_event(after, event_id="feed-0002")
    assert {n.registration_id for n in notifications_of(after, event)} == {by_phone, by_email}
    with database.session() as session:
        codes = set(session.execute(select(VerificationCode.contact_key)).scalars())
        keys = set(session.execute(select(Registration.key_a_number)).scalars())
    assert codes <= {new.conversation_key(PHONE), new.keyed("email", EMAIL.casefold())}
    assert keys == {new.keyed("a-number", A_NUMBER)}


def test_a_conversation_found_under_the_old_key_is_rekeyed_at_once(database: Database):
    old, both = privacy(OLD), privacy(NEW, OLD)
    first = text(database, old, PHONE, "SM1")
    assert text(database, both, PHONE, "SM2").conversation_id == first.conversation_id
    with database.session() as session:
        conversation = session.get(Conversation, first.conversation_id)
        assert conversation is not None
        assert conversation.address_key == both.conversation_key(PHONE)


def test_an_old_event_without_the_identity_takes_its_registrations_new_key(database, clock):
    old = privacy(OLD)
    register(build_exchange(database, old, _outbox(database, old), clock))
    event_pk = _an_event_stored_before_details_held_the_identity(database, old)
    both = privacy(NEW, OLD)
    rehash(database, both, report=lambda line: None)
    with database.session() as session:
        event = session.get(CustodyEvent, event_pk)
        assert event is not None
        assert event.key_a_number == both.keyed("a-number", A_NUMBER)


def _an_event_stored_before_details_held_the_identity(database: Database, keys: Privacy) -> int:
    with database.session() as session:
        event = CustodyEvent(
            event_id="feed-old",
            type=EventType.TRANSFER,
            key_a_number=keys.keyed("a-number", A_NUMBER),
            details_encrypted=keys.encrypt(dump_details({"name": "", "facility": {}})),
            occurred_at=START - timedelta(days=1),
            matched=1,
        )
        session.add(event)
        session.flush()
        return int(event.id)


def _outbox(database: Database, keys: Privacy) -> OutboxSender:
    return OutboxSender(database, keys)


def test_a_review_item_is_found_again_after_a_rotation(database: Database):
    # A turn repeated after the rotation is the same inbox item, not a second one: its keyed
    # hashes (of the conversation id, of the de-identified text) were re-computed.
    old, both, new = privacy(OLD), privacy(NEW, OLD), privacy(NEW)
    conversation = text(database, old, PHONE, "SM1").conversation_id
    turn = NewItem(conversation, ReviewReason.UNSURE, "en", "where is the man who hurt me")
    item, created = ReviewInbox(database, old, ["check_custody_status"]).record(turn)
    assert created
    old_values = stored_keyed_values(database)

    assert rehash(database, both, report=lambda line: None).left == 0
    assert not stored_keyed_values(database) & old_values

    again = ReviewInbox(database, new, ["check_custody_status"]).record(turn)
    assert again == (item, False)
    other = NewItem("another-conversation", ReviewReason.UNSURE, "en", turn.text)
    assert ReviewInbox(database, new, ["check_custody_status"]).record(other)[1]
