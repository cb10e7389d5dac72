"""The local .env: created from the example with random secrets; an older one gains new secrets."""

from __future__ import annotations

from scripts import envfile


def example(tmp_path):
    path = tmp_path / ".env.example"
    path.write_text("# comment\nHOTLINE_SECRET_KEY=change-me\nHOTLINE_ENV=development\n")
    return path


def test_a_new_env_gets_random_secrets(tmp_path):
    target = tmp_path / ".env"
    assert envfile.create_local_env(target, example(tmp_path))
    values = envfile.load(target)
    assert values["HOTLINE_ENV"] == "development"
    assert len(values["HOTLINE_SECRET_KEY"]) == 48 and values["HOTLINE_SECRET_KEY"] != "change-me"
    assert not envfile.create_local_env(target, example(tmp_path))


def test_an_older_env_gains_only_the_missing_secrets(tmp_path):
    target = tmp_path / ".env"
    target.write_text("HOTLINE_SECRET_KEY=kept\nHOTLINE_API_TOKEN=\n")
    added = envfile.add_missing_secrets(target)
    assert "HOTLINE_SECRET_KEY" not in added
    assert {"HOTLINE_API_TOKEN", "HOTLINE_EVENTS_TOKEN"} <= set(added)
    values = envfile.load(target)
    assert values["HOTLINE_SECRET_KEY"] == "kept"
    assert len(values["HOTLINE_EVENTS_TOKEN"]) == 48
    assert envfile.add_missing_secrets(target) == []


def test_a_key_list_gets_one_key_with_an_id(tmp_path):
    """Rasa's tracker store reads ``id:secret`` pairs: a bare secret would stop it starting."""
    target = tmp_path / ".env"
    target.write_text("HOTLINE_SECRET_KEY=kept\n")
    assert "HOTLINE_TRACKER_KEYS" in envfile.add_missing_secrets(target)
    key_id, _, secret = envfile.load(target)["HOTLINE_TRACKER_KEYS"].partition(":")
    assert key_id == "1" and len(secret) == 48
