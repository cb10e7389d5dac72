"""What callers say or key, made into what the assistant reads (channels/voice_input.py)."""

import pytest

from channels.call_flow.caller_input import (
    FREE_SPEECH,
    Kind,
    classify,
    expectation,
    normalise_speech,
    yes_or_no,
)


def test_keys_come_first_and_0_and_star_are_the_calls_own():
    pin = expectation("reg_pin")
    assert classify("anything", "0", pin).kind is Kind.SPECIALIST
    assert classify("", "*", pin).kind is Kind.REPEAT
    keyed = classify("", "4821#", pin)
    assert (keyed.kind, keyed.text, keyed.keyed) == (Kind.TEXT, "4821", True)
    assert classify("  ", "", pin).kind is Kind.SILENCE


@pytest.mark.parametrize(
    "said", ["Repeat.", "repeat that please", "Can you repeat that?", "¿Puede repetir?", "Repita"]
)
def test_asking_to_hear_it_again_repeats(said):
    assert classify(said, "", FREE_SPEECH).kind is Kind.REPEAT


def test_repeat_inside_a_sentence_is_a_message():
    caller = classify("he said he would repeat it", "", FREE_SPEECH)
    assert (caller.kind, caller.text) == (Kind.TEXT, "he said he would repeat it")


def test_number_words_become_digits_only_when_a_number_is_asked():
    code = expectation("reg_code")
    assert normalise_speech("one two three for five six", code) == "123456"
    assert normalise_speech("to oh four, five five five", expectation("reg_a_number")) == "204 555"
    assert normalise_speech("I want to go for a walk", FREE_SPEECH) == "I want to go for a walk"


def test_each_question_shapes_the_keypad():
    assert expectation("reg_pin").num_digits == 4
    assert expectation("reg_code").num_digits == 6
    assert expectation("reg_relationship").num_digits == 1
    assert expectation("reg_a_number").num_digits is None  # 8 or 9 digits, then #
    assert expectation(None) is FREE_SPEECH and expectation("unknown_slot") is FREE_SPEECH


@pytest.mark.parametrize(
    ("speech", "digits", "expected"),
    [("", "1", True), ("", "2#", False), ("yes please", "", True), ("no", "", False),
     ("sí", "", True), ("", "", None), ("maybe later", "", None)],
)  # fmt: skip
def test_yes_or_no(speech, digits, expected):
    assert yes_or_no(speech, digits) is expected
