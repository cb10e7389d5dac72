"""Every response speaks both languages, fits SMS, and never asks about immigration status."""

import re

import pytest

from tests.bot.helpers import CANONICAL_INTENTS, domain

RESPONSES = domain()["responses"]
MAX_CHARACTERS = 320


def variations_by_language(variations):
    languages = {}
    for variation in variations:
        conditions = variation.get("condition") or []
        language = next((c["value"] for c in conditions if c.get("name") == "language"), "en")
        languages.setdefault(language, []).append(variation["text"])
    return languages


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_response_has_english_and_spanish(name):
    languages = variations_by_language(RESPONSES[name])
    assert set(languages) == {"en", "es"}, f"{name} has {sorted(languages)}"
    unconditioned = [v for v in RESPONSES[name] if not v.get("condition")]
    assert unconditioned, f"{name} needs a default (English) variation for an unknown language"


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_response_fits_in_two_sms_segments_at_most(name):
    for variation in RESPONSES[name]:
        assert len(variation["text"]) <= MAX_CHARACTERS, f"{name}: {len(variation['text'])} chars"


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_response_variables_match_across_languages(name):
    variables = {
        language: {frozenset(re.findall(r"{(\w+)}", t)) for t in texts}
        for language, texts in variations_by_language(RESPONSES[name]).items()
    }
    assert variables["en"] == variables["es"]


STATUS_QUESTION = re.compile(
    r"(status|papers|documented|citizen|visa|green card|legal|papeles|documentos|ciudadan|estatus"
    r"|estado migratorio)[^.!]*\?",
    re.IGNORECASE,
)


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_no_response_asks_about_immigration_status(name):
    for variation in RESPONSES[name]:
        assert not STATUS_QUESTION.search(variation["text"]), variation["text"]


def test_every_canonical_intent_is_in_the_domain():
    assert set(domain()["intents"]) >= CANONICAL_INTENTS


def test_status_reassurance_says_help_does_not_depend_on_it():
    languages = variations_by_language(RESPONSES["utter_ask_immigration_status"])
    assert "not ask" in languages["en"][0] or "does not ask" in languages["en"][0]
    assert "no pregunta" in languages["es"][0] or "no le pregunta" in languages["es"][0]


def test_tip_line_answer_says_where_tips_go():
    for texts in variations_by_language(RESPONSES["utter_report_tip"]).values():
        assert "1-866-347-2423" in texts[0]


def test_emergency_answer_starts_with_911():
    for texts in variations_by_language(RESPONSES["utter_emergency"]).values():
        assert "911" in texts[0][:60]


YES_NO_QUESTION = re.compile(r"\b(?:YES|SÍ)\b.*\bNO\b")


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_a_written_yes_no_question_offers_the_keypad_too(name):
    for variation in RESPONSES[name]:
        if variation.get("channel") != "voice" and YES_NO_QUESTION.search(variation["text"]):
            assert "(1)" in variation["text"] and "(2)" in variation["text"], variation["text"]
