"""The Fallback URLs' TwiML: well-formed, 911 first in both languages, the specialists' number,
and a call put through to their line; nothing promised about a message nobody saved."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from channels.config.settings import Settings
from scripts.fallback_twiml import documents, main

SETTINGS = Settings(twilio_auth_token="t", secret_key="s", specialist_phone="1-855-488-6423")


def test_the_text_gives_911_and_the_number_in_both_languages():
    root = ET.fromstring(documents(SETTINGS)["sms-fallback.xml"])
    (body,) = [element.text or "" for element in root.iter("Message")]
    english, spanish = body.split("\n")
    assert english.startswith("If you are in danger, call 911") and "1-855-488-6423" in english
    assert spanish.startswith("Si está en peligro, llame al 911") and "1-855-488-6423" in spanish
    assert "saved" not in body and "guardamos" not in body


def test_the_call_apologises_in_both_voices_then_dials_the_line():
    root = ET.fromstring(documents(SETTINGS)["voice-fallback.xml"])
    assert [say.get("language") for say in root.iter("Say")] == ["en-US", "es-US"]
    assert root.find("Dial").text == "+18554886423"


def test_the_command_writes_both(tmp_path, monkeypatch):
    monkeypatch.setenv("HOTLINE_ENV", "development")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "t")
    monkeypatch.setenv("HOTLINE_SECRET_KEY", "s")
    assert main(["--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sms-fallback.xml", "voice-fallback.xml"]
