"""What the gateway says: every sentence in both languages, the one language list."""

from __future__ import annotations

import pytest

from channels.texts import alerts, calls, console, sms
from channels.texts.languages import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, supported

SIDE_BY_SIDE = {
    "calls.PROMPTS": calls.PROMPTS,
    "alerts.CALL_TEXT": alerts.CALL_TEXT,
    "alerts.EVENT_TEXT": alerts.EVENT_TEXT,
    "alerts.SUBJECTS": alerts.SUBJECTS,
}
BY_LANGUAGE = {
    name: getattr(alerts, name)
    for name in (
        "UNKNOWN_PLACE",
        "QUESTIONS",
        "DISCREET",
        "SAFETY",
        "REPLY_TO_CONFIRM",
        "VOICEMAIL",
        "REMINDER_EMAIL",
        "REMINDER",
        "MONTHS",
    )
}


def test_one_language_list() -> None:
    assert LANGUAGES == ("en", "es")
    assert set(LANGUAGE_NAMES) == set(LANGUAGES)
    assert DEFAULT_LANGUAGE in LANGUAGES
    assert [supported(code) for code in ("en", "es", "fr", None)] == ["en", "es", "en", "en"]


@pytest.mark.parametrize("name", sorted(SIDE_BY_SIDE))
def test_every_sentence_is_written_in_both_languages_side_by_side(name: str) -> None:
    for key, versions in SIDE_BY_SIDE[name].items():
        assert set(versions) == set(LANGUAGES), (name, key)
        assert all(text.strip() for text in versions.values()), (name, key)
        english, spanish = versions["en"], versions["es"]
        assert english.count("{") == spanish.count("{"), (name, key)


@pytest.mark.parametrize("name", sorted(BY_LANGUAGE))
def test_every_alert_wording_has_both_languages(name: str) -> None:
    assert set(BY_LANGUAGE[name]) == set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_gateways_own_lines_exist_in_each_language(language: str) -> None:
    other = next(code for code in LANGUAGES if code != language)
    for key, versions in calls.PROMPTS.items():
        said = calls.prompt(language, key, text="x", phone="1")
        assert said == versions[language].format(text="x", phone="1")
    for key in alerts.CALL_TEXT:
        assert alerts.call_text(language, key) == alerts.CALL_TEXT[key][language]
    for keyword in ("opt_out", "opt_in", "help"):
        said = sms.keyword_reply(keyword, language, "1-855-488-6423")
        assert said and said != sms.keyword_reply(keyword, other, "1-855-488-6423")
    assert "911" in sms.keyword_reply("help", language, "1-855-488-6423")
    assert alerts.code_message("123456", 15, language).count("123456") == 1


def test_an_unknown_language_falls_back_to_english() -> None:
    assert calls.prompt("fr", "goodbye") == calls.PROMPTS["goodbye"]["en"]
    assert alerts.call_text("fr", "confirmed") == alerts.CALL_TEXT["confirmed"]["en"]
    assert alerts.subject("reminder", "en") == "Reminder"
    assert alerts.subject("reminder", "es") == "Recordatorio"


def test_the_consoles_history_lines() -> None:
    assert console.event_text({"kind": "reassigned", "detail": {"to": "ana"}}) == "to ana"
    assert console.event_text({"kind": "call", "detail": {"outcome": "busy"}}) == (
        "the line was busy"
    )
    assert console.duration(30) == "under a minute"
    assert console.duration(3 * 3600 + 120) == "3 h 2 min"
