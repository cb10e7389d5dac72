"""Composed responses on each channel (actions/responses.py)."""

import pytest

from actions.responses import response_text, shown_hint, spoken_hint
from tests.actions.conftest import make_tracker

SPANISH = [{"type": "slot", "name": "language", "value": "es"}]
DOMAIN = {
    "responses": {
        "utter_by": [
            {"text": "by text"},
            {"text": "por texto", "condition": SPANISH},
            {"text": "by text message", "channel": "voice"},
            {"text": "por mensaje escrito", "channel": "voice", "condition": SPANISH},
        ],
        "utter_plain": [{"text": "plain"}, {"text": "sencillo", "condition": SPANISH}],
    }
}


@pytest.mark.parametrize(
    ("language", "channel", "expected"),
    [("en", None, "by text"), ("es", "sms", "por texto"), ("en", "voice", "by text message"),
     ("es", "voice", "por mensaje escrito"), (None, "voice", "by text message")],
)  # fmt: skip
def test_the_channels_variation_in_the_language(language, channel, expected):
    assert response_text(DOMAIN, "utter_by", language, channel) == expected


def test_a_response_without_voice_variations_is_the_same_on_calls():
    assert response_text(DOMAIN, "utter_plain", "es", "voice") == "sencillo"


@pytest.mark.parametrize(
    ("hint", "language", "spoken"),
    [("***-0142", "en", "ending in 0142"), ("***-0142", "es", "que termina en 0142"),
     ("a***@example.org", "en", "an e-mail address at example.org"),
     ("a***@example.org", "es", "un correo de example.org"), ("J. D.", "en", "J. D.")],
)  # fmt: skip
def test_masked_contacts_are_said_without_asterisks(hint, language, spoken):
    assert spoken_hint(hint, language) == spoken


def test_the_hint_is_written_in_texts_and_said_on_calls():
    assert shown_hint("***-0142", make_tracker(metadata={"channel": "sms"}), "en") == "***-0142"
    on_call = make_tracker(metadata={"channel": "voice"})
    assert shown_hint("***-0142", on_call, "en") == "ending in 0142"
