"""Backups of the gateway's database, on SQLite and PostgreSQL: what was there when the backup
was taken comes back, readable with the keys it was written under and with no other."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import InvalidToken
from sqlalchemy import select

from channels.storage.backup import BackupError, create, main, restore
from channels.storage.messages import InboundMessage, Message, MessageStore
from channels.storage.privacy import Privacy
from tests.channels.conftest import BACKENDS, backend_url, migrated

KEYS = Privacy(
    hash_keys=[("h", "a-hashing-secret-0123456789abcd")],
    encryption_keys=[("e", "an-encryption-secret-0123456789")],
)


def text(store: MessageStore, body: str, sid: str) -> None:
    keys = KEYS.conversation_keys("+17135550142")
    store.record_inbound(
        InboundMessage(
            conversation_id=keys[0],
            channel="sms",
            address_encrypted=KEYS.encrypt("+17135550142"),
            provider_sid=sid,
            body_encrypted=KEYS.encrypt(body),
            address_keys=keys,
        )
    )


def bodies(url: str) -> list[str]:
    database = migrated(url)
    with database.session() as session:
        rows = session.execute(select(Message.body_encrypted).order_by(Message.id)).scalars()
        found = [KEYS.decrypt(bytes(row)) for row in rows]
    database.dispose()
    return found


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_backup_brings_back_what_was_there(request, backend: str, tmp_path: Path):
    url = backend_url(request, backend, tmp_path, "backed-up")
    database = migrated(url)
    store = MessageStore(database)
    text(store, "before the backup", "SM1")
    backup = create(url, tmp_path / "backups")
    text(store, "after the backup", "SM2")
    database.dispose()
    assert bodies(url) == ["before the backup", "after the backup"]

    restore(url, backup)
    assert bodies(url) == ["before the backup"]
    other = Privacy(hash_keys=[("x", "x" * 32)], encryption_keys=[("x", "y" * 32)])
    database = migrated(url)
    with database.session() as session:
        stored = session.execute(select(Message.body_encrypted)).scalar_one()
    database.dispose()
    with pytest.raises(InvalidToken):  # without its keys, a backup is unreadable
        other.decrypt(bytes(stored))


def test_a_missing_or_broken_backup_is_refused(tmp_path: Path):
    url = f"sqlite:///{tmp_path}/hotline.db"
    migrated(url).dispose()
    with pytest.raises(BackupError, match="no backup file"):
        restore(url, tmp_path / "nothing.db")
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a database at all" * 100)
    with pytest.raises(BackupError):
        restore(url, broken)


def test_the_command(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setenv("HOTLINE_ENV", "development")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "t")
    monkeypatch.setenv("HOTLINE_SECRET_KEY", "s")
    monkeypatch.setenv("HOTLINE_DATABASE_URL", f"sqlite:///{tmp_path}/hotline.db")
    migrated(f"sqlite:///{tmp_path}/hotline.db").dispose()
    assert main(["create", "--directory", str(tmp_path / "b")]) == 0
    (written,) = (tmp_path / "b").iterdir()
    assert main(["restore", str(written)]) == 0
    assert main(["restore", str(tmp_path / "missing.db")]) == 1
    assert "no backup file" in capsys.readouterr().err
