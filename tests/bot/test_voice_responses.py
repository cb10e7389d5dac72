"""What callers hear: the domain's ``channel: voice`` variations (bot/voice_channel.py selects
them), and that every response a caller could hear suits being spoken."""

from __future__ import annotations

import re

import pytest
from rasa.core.nlg.generator import ResponseVariationFilter

from tests.bot.helpers import domain

RESPONSES = domain()["responses"]
VOICE = "voice"
# What only makes sense in writing: texting words, SMS keywords, links, emoji, line breaks.
WRITTEN_ONLY = re.compile(
    r"\b(text|texts|texting|texted|reply|replies|write|escrib\w*|respond\w*|envíe|"
    r"mensaje de texto|STOP|HELP|EXIT|SALIR|YES|NO|SÍ|OK|RENEW|RESEND|START|PARAR|AYUDA|"
    r"INICIAR|click|tap)\b|https?://|www\.|\n|[\U0001F300-\U0001FAFF\u2600-\u27BF]"
)
MAX_SPOKEN_CHARACTERS = 350


def spoken(name: str, language: str) -> dict:
    """The variation Rasa picks for a caller speaking ``language``."""
    chosen = ResponseVariationFilter(RESPONSES).responses_for_utter_action(
        name, VOICE, {"language": language}
    )
    return chosen[0]


def voice_languages(name: str) -> list[str]:
    return sorted(
        next((c["value"] for c in v.get("condition") or [] if c["name"] == "language"), "en")
        for v in RESPONSES[name]
        if v.get("channel") == VOICE
    )


VOICED = sorted(name for name in RESPONSES if voice_languages(name))


def test_many_responses_have_spoken_variations():
    assert len(VOICED) >= 80


@pytest.mark.parametrize("name", VOICED)
def test_a_spoken_variation_exists_in_both_languages_exactly_once(name):
    # An English-only one would be chosen over the Spanish text for Spanish callers.
    assert voice_languages(name) == ["en", "es"]


@pytest.mark.parametrize("name", sorted(RESPONSES))
@pytest.mark.parametrize("language", ["en", "es"])
def test_what_a_caller_hears_is_speakable_and_in_their_language(name, language):
    variation = spoken(name, language)
    text = variation["text"]
    assert not WRITTEN_ONLY.search(text), f"{name} ({language}) says {text!r}"
    assert len(text) <= MAX_SPOKEN_CHARACTERS
    conditions = variation.get("condition") or []
    assert (language == "es") == any(c.get("value") == "es" for c in conditions)


@pytest.mark.parametrize("name", VOICED)
def test_spoken_variations_keep_the_written_ones_variables(name):
    written = next(v["text"] for v in RESPONSES[name] if not v.get("channel"))
    for variation in RESPONSES[name]:
        if variation.get("channel") == VOICE:
            assert set(re.findall(r"{\w+}", variation["text"])) == set(
                re.findall(r"{\w+}", written)
            )


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_emergency_answer_starts_with_hang_up_and_dial_911(language):
    first = spoken("utter_emergency", language)["text"].split(".")[0]
    assert "911" in first
    assert ("hang up" in first) if language == "en" else ("cuelgue" in first)


@pytest.mark.parametrize("name", ["utter_ask_reg_pin", "utter_invalid_reg_pin"])
def test_a_caller_is_asked_to_key_the_pin_not_to_say_it(name):
    assert "key" in spoken(name, "en")["text"].lower()
    assert "marque" in spoken(name, "es")["text"].lower()


def test_texts_are_unchanged_for_sms():
    chosen = ResponseVariationFilter(RESPONSES).responses_for_utter_action(
        "utter_emergency", "collector", {"language": "es"}
    )
    assert "envíe un texto al 911" in chosen[0]["text"]
