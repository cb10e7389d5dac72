"""The local outbox, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from channels.outbound.message import Channel
from channels.outbound.outbox import OutboxMessage, OutboxSender
from channels.storage.database import Database
from channels.storage.privacy import Privacy
from tests.channels.conftest import BACKENDS, backend_url, migrated
from tests.channels.outbound.samples import (
    PHONE,
    VOICE_URL,
    call,
    mail,
    sms,
)

# -- the outbox ----------------------------------------------------------------------------------


@pytest.fixture
def privacy() -> Privacy:
    return Privacy("test-secret-key")


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path) -> Iterator[Database]:
    database = migrated(backend_url(request, request.param, tmp_path, "outbox"))
    yield database
    database.dispose()


@pytest.fixture
def outbox(database: Database, privacy: Privacy) -> OutboxSender:
    return OutboxSender(database, privacy)


def test_outbox_stores_personal_fields_encrypted(outbox: OutboxSender, database: Database):
    receipt = outbox.send(mail())

    assert receipt.status == "queued"
    assert receipt.provider_sid.startswith("OB")
    assert len(receipt.provider_sid) == 34
    int(receipt.provider_sid[2:], 16)
    with database.session() as session:
        row = session.execute(select(OutboxMessage)).scalar_one()
    stored = row.to_encrypted + row.body_encrypted + row.subject_encrypted
    for secret in ("maria@example.org", "¿Cómo está?", "Notificación"):
        assert secret.encode() not in stored
    assert "maria" not in row.to_key


def test_outbox_gives_back_what_was_sent(outbox: OutboxSender):
    receipt = outbox.send(call())

    entry = outbox.get(receipt.provider_sid)

    assert entry is not None
    assert entry.sid == receipt.provider_sid
    assert entry.channel is Channel.VOICE
    assert (entry.to, entry.body, entry.subject) == (PHONE, "custody notification call", "")
    assert entry.voice_url == VOICE_URL
    assert entry.reference == "notification:42:attempt:3"
    assert entry.status == "queued"
    assert entry.created_at.tzinfo is not None
    assert entry.to_json() == {
        "sid": receipt.provider_sid,
        "channel": "voice",
        "to": PHONE,
        "body": "custody notification call",
        "subject": "",
        "voice_url": VOICE_URL,
        "reference": "notification:42:attempt:3",
        "status": "queued",
        "created_at": entry.created_at.isoformat(),
    }
    assert outbox.get("OB" + "f" * 32) is None


def test_outbox_lists_newest_first_with_filters(outbox: OutboxSender):
    outbox.send(sms(body="first", reference="1"))
    outbox.send(sms(to="+17135550199", body="other person", reference="2"))
    outbox.send(call())
    outbox.send(mail())
    outbox.send(sms(body="last", reference="5"))

    assert [e.reference for e in outbox.list(limit=2)] == ["5", ""]
    assert len(outbox.list()) == 5
    assert [e.body for e in outbox.list(channel=Channel.SMS)] == ["last", "other person", "first"]
    # The same number however it is written; only that person's messages.
    mine = outbox.list(to="+1 (713) 555-0142")
    assert [e.reference for e in mine] == ["5", "notification:42:attempt:3", "1"]
    assert [e.body for e in outbox.list(to=PHONE, channel=Channel.SMS, limit=1)] == ["last"]
    assert outbox.list(to="+15005550006") == []


def test_outbox_recipient_filter_is_exact_for_email(outbox: OutboxSender):
    # Addresses sharing their digits share a keyed hash; the filter must still tell them apart.
    outbox.send(mail(to="ana1@example.org"))
    outbox.send(mail(to="bob1@example.org"))

    found = outbox.list(to="Ana1@Example.org")

    assert [e.to for e in found] == ["ana1@example.org"]


def test_outbox_status_updates(outbox: OutboxSender):
    sid = outbox.send(sms()).provider_sid

    outbox.set_status(sid, "delivered")

    entry = outbox.get(sid)
    assert entry is not None
    assert entry.status == "delivered"
    with pytest.raises(LookupError):
        outbox.set_status("OB" + "0" * 32, "delivered")
    with pytest.raises(ValueError):
        outbox.set_status(sid, "x" * 17)
