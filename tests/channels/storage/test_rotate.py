"""A full key rotation on a database with data in it: everything re-encrypted under the new key,
readable without the old one, and conversations (and their opt-outs) keep their identity."""

from __future__ import annotations

import dataclasses

import pytest
from cryptography.fernet import InvalidToken
from sqlalchemy import LargeBinary, select

from channels.app import create_app
from channels.assistant.client import RASA
from channels.config.settings import Settings
from channels.handoff.service import HANDOFFS
from channels.handoff.states import Priority, Reason
from channels.storage.database import DATABASE, Base
from channels.storage.privacy import PRIVACY, Privacy
from channels.storage.rotate import encrypted_columns, rotate
from channels.twilio.fake_phone import replies_in, sms_params
from tests.channels.conftest import ScriptedAssistant

PHONE, STOPPED = "+17135550142", "+17135550143"
NEW_KEY = ("2027-01", "a-new-random-encryption-secret-0123456789")


def test_every_binary_column_is_an_encrypted_one():
    """The rotation finds encrypted columns by name: no binary column may escape it."""
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, LargeBinary):
                assert column.name.endswith("_encrypted"), f"{table.name}.{column.name}"


def all_encrypted_values(database) -> list[bytes]:
    values = []
    with database.session() as session:
        for _table, columns in encrypted_columns():
            for row in session.execute(select(*columns)).all():
                values += [bytes(v) for v in row if v is not None]
    return values


def test_a_full_rotation(app, settings: Settings, signed_post, assistant):
    signed_post(params=sms_params(PHONE, "I need to talk to a person"))
    signed_post(params=sms_params(STOPPED, "STOP"))
    HANDOFFS.get(app).request(
        PRIVACY.get(app).conversation_key(PHONE),
        channel="sms",
        language="en",
        reason=Reason.REQUEST_HUMAN,
        priority=Priority.NORMAL,
        summary={"asked": ["request_human"]},
    )
    database = DATABASE.get(app)
    before = all_encrypted_values(database)
    assert len(before) >= 6

    # Step 1: the new key first, the old secret kept as the hashing key and a legacy key.
    old = settings.secret_key
    both = Privacy(hash_keys=[("legacy", old)], encryption_keys=[NEW_KEY, ("legacy", old)])
    done = rotate(database, both, report=lambda line: None)
    assert sum(done.values()) == len(before)

    # Step 2: the old key removed; everything still reads, and nothing reads without the new key.
    rotated = dataclasses.replace(
        settings,
        secret_key="",
        session_key="a-new-session-key-0123456789abcdef",
        hash_keys=(("legacy", old),),
        encryption_keys=(NEW_KEY,),
    )
    new_only = Privacy.from_settings(rotated)
    for value in all_encrypted_values(database):
        new_only.decrypt(value)
        with pytest.raises(InvalidToken):
            Privacy(old).decrypt(value)

    # The gateway on the rotated keys: the same conversations, the STOP still honoured.
    after = create_app(rotated)
    RASA.set(after, ScriptedAssistant())
    client = after.test_client()
    from channels.twilio.signature import SIGNATURE_HEADER, sign

    def text(phone: str, body: str) -> list[str]:
        params = sms_params(phone, body)
        signature = sign(settings.twilio_auth_token, settings.public_url + "/twilio/sms", params)
        response = client.post("/twilio/sms", data=params, headers={SIGNATURE_HEADER: signature})
        return replies_in(response.get_data(as_text=True))

    assert text(STOPPED, "hello?") == []  # opted out before the rotation: still opted out
    assert PRIVACY.get(after).conversation_key(PHONE) == PRIVACY.get(app).conversation_key(PHONE)
    handoff = HANDOFFS.get(after).open_for(PRIVACY.get(after).conversation_key(PHONE))
    assert handoff is not None  # the open handoff is found: the person's specialist sees them
    (waiting,) = text(PHONE, "are you there")  # handed off: the specialists', not the assistant's
    assert "specialists" in waiting
    DATABASE.get(after).dispose()


def test_a_value_no_key_reads_stops_the_rotation(app, signed_post):
    signed_post(params=sms_params(PHONE, "hi"))
    other = ("other", "a-key-that-never-wrote-anything-here")
    stranger = Privacy(hash_keys=[other], encryption_keys=[other])
    with pytest.raises(InvalidToken):
        rotate(DATABASE.get(app), stranger, report=lambda line: None)


def test_the_settings_read_the_key_list():
    env = {
        "HOTLINE_ENV": "development",
        "TWILIO_AUTH_TOKEN": "t",
        "HOTLINE_SESSION_KEY": "s",
        "HOTLINE_HASH_KEYS": "1:h",
        "HOTLINE_ENCRYPTION_KEYS": "2027-01:new, 2026-12:old",
    }
    settings = Settings.from_env(env)
    assert settings.encryption_keys == (("2027-01", "new"), ("2026-12", "old"))
    assert Privacy.from_settings(settings).encryption_key_ids == ("2027-01", "2026-12")
    from channels.errors import ConfigurationError

    for bad in ("no-id-here", "a:1,a:2", ":secret"):
        with pytest.raises(ConfigurationError):
            Settings.from_env({**env, "HOTLINE_ENCRYPTION_KEYS": bad})


def test_the_settings_read_the_hashing_key_list():
    from channels.errors import ConfigurationError

    env = {
        "HOTLINE_ENV": "development",
        "TWILIO_AUTH_TOKEN": "t",
        "HOTLINE_SESSION_KEY": "s",
        "HOTLINE_HASH_KEYS": "2027-01:new, 2026-12:old",
        "HOTLINE_ENCRYPTION_KEYS": "e:1",
    }
    settings = Settings.from_env(env)
    assert Privacy.from_settings(settings).hash_key_ids == ("2027-01", "2026-12")
    new, old = (
        Privacy(hash_keys=[("id", key)], encryption_keys=[("e", "1")]) for key in ("new", "old")
    )
    both = Privacy.from_settings(settings)
    assert both.conversation_keys(PHONE) == (
        new.conversation_key(PHONE),
        old.conversation_key(PHONE),
    )
    with pytest.raises(ConfigurationError, match="HOTLINE_HASH_KEYS"):
        Settings.from_env({**env, "HOTLINE_HASH_KEY": "the-old-single-key"})
