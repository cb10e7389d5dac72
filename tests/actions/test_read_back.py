"""The read-back at the end of registration_form (actions/read_back.py): what it says, the PIN
hidden, and how a correction is read: which answer it names, and the value it may carry. How
validate_reg_confirmed uses them is tested with the form, in test_registration.py."""

from __future__ import annotations

from typing import Any

import pytest

from actions.read_back import (
    AskConfirmed,
    after_channel_change,
    compatible,
    corrected_name,
    mentioned_field,
    sounds_negative,
)
from tests.actions.conftest import DOMAIN, FILLED, ask, make_tracker

# -- what is read back -------------------------------------------------------------------------


async def test_read_back_without_a_number_in_spanish(dispatcher):
    await ask(AskConfirmed(), dispatcher, "es", **FILLED)
    (message,) = dispatcher.messages
    assert message["response"] == "utter_ask_reg_confirmed"
    assert message["offender"] == "Carlos Mendoza Ruiz, nacimiento: 4 de mayo de 1985, México"
    assert message["contact"] == "llamada al (713) 555-0142"
    assert message["language_name"] == "español"
    assert message["options"] == "Palabras neutras. Sin mensajes de voz."


async def test_read_back_with_a_number_and_this_phone_in_english(dispatcher):
    slots = {
        **FILLED,
        "reg_a_number": "A204555781",
        "reg_channel": "sms",
        "reg_contact": "this_number",
        "reg_discreet": False,
        "reg_language": "en",
    }
    await ask(AskConfirmed(), dispatcher, "en", **slots)
    (message,) = dispatcher.messages
    assert message["offender"] == "Carlos Mendoza Ruiz, A-number A204555781"
    assert message["contact"] == "text to this phone"
    assert message["language_name"] == "English"
    assert message["options"] == "Messages may name the office and the offender."


async def test_the_pin_is_never_read_back(dispatcher):
    await ask(AskConfirmed(), dispatcher, "en", **FILLED)
    assert "4821" not in str(dispatcher.messages)
    for variation in DOMAIN["responses"]["utter_ask_reg_confirmed"]:
        # Written as **** in texts; on a call the voice says it won't be read.
        assert "****" in variation["text"] or variation.get("channel") == "voice"
        assert "{pin}" not in variation["text"]


async def test_a_phone_abroad_is_read_back_in_international_form(dispatcher):
    slots = {**FILLED, "reg_channel": "sms", "reg_contact": "+525512345678"}
    await ask(AskConfirmed(), dispatcher, "en", **slots)
    assert "+52 55 1234 5678" in dispatcher.messages[0]["contact"]


def test_the_read_back_is_the_confirmation_s_question():
    assert AskConfirmed().name() == "action_ask_reg_confirmed"
    assert "action_ask_reg_confirmed" in DOMAIN["actions"]


# -- reading a correction ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field", "after"),
    [
        # The earliest mention wins ...
        (
            "the phone number and the name are wrong",
            "reg_contact",
            " number and the name are wrong",
        ),
        ("no, la fecha de nacimiento", "reg_birth_date", " de nacimiento"),
        # ... on a tie, the first pattern: "numero A" is the A-number, not the phone number.
        ("el numero A esta mal", "reg_a_number", " esta mal"),
        # Found in the folded text, cut from the original: accents stay in what follows.
        ("el país es México", "reg_country", " es México"),
    ],
)
def test_the_answer_a_correction_names_and_what_follows(text, field, after):
    assert mentioned_field(text) == (field, after)


def test_a_message_naming_no_answer_is_no_correction():
    assert mentioned_field("nothing here") is None


@pytest.mark.parametrize(
    ("after", "name"),
    [(" should be Jose Luis Garcia", "Jose Luis Garcia"), (" is spelled wrong", None)],
)
def test_a_corrected_name_is_taken_only_when_one_is_given(after, name):
    assert corrected_name(after) == name


@pytest.mark.parametrize(
    ("text", "negative"),
    [
        ("yes, but the voicemail is wrong", True),
        ("sí, pero el país", True),
        ("yes the pin is 4821", False),
    ],
)
def test_a_yes_with_a_but_is_a_correction(text, negative):
    assert sounds_negative(text) is negative


@pytest.mark.parametrize(
    ("channel", "contact", "fits"),
    [
        ("email", "+17135550142", False),
        ("voice", "a@b.org", False),
        ("sms", "+17135550142", True),
        (None, "a@b.org", True),
        ("email", None, True),
    ],
)
def test_a_contact_given_earlier_suits_the_channel_or_not(channel, contact, fits):
    assert compatible(channel, contact) is fits


@pytest.mark.parametrize(
    ("channel", "slots", "changes"),
    [
        ("voice", {"reg_contact": "+17135550142"}, {}),
        ("sms", {"reg_contact": "+17135550142"}, {"reg_voicemail_ok": None}),
        ("email", {"reg_contact": "+17135550142"}, {"reg_contact": None, "reg_voicemail_ok": None}),
        (None, {"reg_contact": "a@b.org"}, {"reg_contact": None, "reg_voicemail_ok": None}),
    ],
)
def test_a_new_channel_drops_what_no_longer_suits_it(channel, slots: dict[str, Any], changes):
    assert after_channel_change(channel, make_tracker(slots=slots)) == changes


def test_a_letter_that_folds_longer_does_not_shift_the_correction():
    # "ß" case-folds to "ss": the text after the named answer must still start where it does.
    assert mentioned_field("Weiß: the birth date is wrong") == ("reg_birth_date", " is wrong")
