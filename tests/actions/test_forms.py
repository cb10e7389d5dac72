"""The machinery every guided form shares (actions/forms.py): the offender's questions, wrong
answers counted, early endings, cancel, interruptions, asking without repeating a question, and
the readers of messages. Run on ``OffenderForm``, the smallest form built on it; each form's own
questions are tested with the form (test_registration.py, test_custody.py, ...)."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from rasa_sdk import Action
from rasa_sdk.events import SlotSet

from actions.forms import (
    CONTROL_SLOTS,
    UNKNOWN,
    AskSlot,
    GuidedForm,
    OffenderQuestions,
    as_a_number,
    as_country,
    conversation_language,
    doesnt_know,
    fold,
    has_phrase,
    known_a_number,
    wants_to_stop,
    words,
)
from actions.slots import REG_A_NUMBER, REG_COUNTRY, REG_OFFENDER_NAME
from tests.actions import conftest
from tests.actions.conftest import as_dict, asking, make_tracker, responses


class OffenderForm(OffenderQuestions):
    """A guided form that asks only who the offender is."""

    def name(self) -> str:
        return "validate_offender_form"


class AskSample(AskSlot):
    slot = "sample_slot"  # no real slot: the action server must not see it as one of its own


FORM = OffenderForm()
OFFENDER_SLOTS = [REG_OFFENDER_NAME, REG_A_NUMBER, REG_COUNTRY]
# The domain Rasa would send if it declared offender_form.
DOMAIN: dict[str, Any] = {
    **conftest.DOMAIN,
    "forms": {**conftest.DOMAIN["forms"], "offender_form": {"required_slots": OFFENDER_SLOTS}},
}


async def _required(**slots: Any) -> list[str]:
    return await FORM.required_slots(OFFENDER_SLOTS, None, make_tracker(slots=slots), DOMAIN)


# -- the offender's questions ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "his name is carlos mendoza ruiz", "Carlos Mendoza Ruiz"),
        ("en", "Jose Luis Garcia", "Jose Luis Garcia"),
        ("es", "se llama José Pérez de la Cruz", "José Pérez de la Cruz"),
        ("es", "MARCO ANTONIO FLORES", "Marco Antonio Flores"),
    ],
)
def test_offender_name(language, text, expected, dispatcher):
    tracker = asking("reg_offender_name", text, language)
    result = FORM.validate_reg_offender_name(text, dispatcher, tracker, DOMAIN)
    assert result == {"reg_offender_name": expected, "reg_failures": 0}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a 204-555-781", "A204555781"),
        ("his A number is 201 334 987", "A201334987"),
        ("A-12345678", "A012345678"),
        ("I don't know", "unknown"),
        ("no", "unknown"),
        ("no sé", "unknown"),
        ("no lo tengo", "unknown"),
        ("su número A es A 206 554 321", "A206554321"),
    ],
)
def test_a_number_or_unknown(text, expected, dispatcher):
    tracker = asking("reg_a_number", text)
    result = FORM.validate_reg_a_number(text, dispatcher, tracker, DOMAIN)
    assert result == {"reg_a_number": expected, "reg_failures": 0}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("he's from Honduras", "HN"), ("México", "MX"), ("es salvadoreño", "SV"), ("MX", "MX")],
)
def test_country(text, expected, dispatcher):
    result = FORM.validate_reg_country(text, dispatcher, asking("reg_country", text), DOMAIN)
    assert result == {"reg_country": expected, "reg_failures": 0}


async def test_an_a_number_in_the_opening_message_is_kept(dispatcher):
    tracker = make_tracker(
        text="sign me up for alerts on A 098-765-432", intent="register_notifications"
    )
    assert await FORM.extract_reg_a_number(dispatcher, tracker, DOMAIN) == {
        "reg_a_number": "A098765432"
    }
    answering = make_tracker(
        text="A098765432", intent="inform", slots={"requested_slot": "reg_country"}
    )
    assert await FORM.extract_reg_a_number(dispatcher, answering, DOMAIN) == {}


async def test_an_a_number_is_taken_only_from_a_message_that_opens_the_form(dispatcher):
    tracker = make_tracker(text="my A-number is A098765432", intent="inform")
    assert await FORM.extract_reg_a_number(dispatcher, tracker, DOMAIN) == {}


# -- wrong answers -----------------------------------------------------------------------------


def test_the_third_wrong_answer_in_a_row_ends_the_form_for_a_specialist(dispatcher):
    tracker = asking("reg_a_number", "12345", reg_failures=2)
    result = FORM.validate_reg_a_number("12345", dispatcher, tracker, DOMAIN)
    assert result == {"reg_a_number": None, "reg_failures": 0, "reg_outcome": "gave_up"}
    assert dispatcher.messages == []


def test_a_right_answer_resets_the_count(dispatcher):
    tracker = asking("reg_a_number", "A204555781", reg_failures=2)
    result = FORM.validate_reg_a_number("A204555781", dispatcher, tracker, DOMAIN)
    assert result["reg_failures"] == 0


def test_a_bad_value_for_a_slot_not_asked_is_dropped_silently(dispatcher):
    tracker = asking("reg_terms", "yes", reg_failures=1)
    result = FORM.validate_reg_a_number("nonsense", dispatcher, tracker, DOMAIN)
    assert result == {"reg_a_number": None}
    assert dispatcher.messages == []


def test_a_form_may_ask_again_with_its_own_example(dispatcher):
    tracker = asking("reg_code", "12")
    result = FORM.reject("reg_code", dispatcher, tracker, "utter_verification_invalid")
    assert result == {"reg_code": None, "reg_failures": 1, "reg_prompted": True}
    assert responses(dispatcher) == ["utter_verification_invalid"]


def test_a_stop_ends_the_form_with_its_outcome():
    assert GuidedForm.stop("reg_country", "gave_up") == {
        "reg_country": None,
        "reg_failures": 0,
        "reg_outcome": "gave_up",
    }


# -- which questions ---------------------------------------------------------------------------


async def test_an_outcome_ends_the_form():
    assert await _required(reg_outcome="cancelled") == []


async def test_every_slot_of_the_form_applies_unless_the_form_says_otherwise():
    assert await _required() == OFFENDER_SLOTS


async def test_the_next_question_is_the_first_unanswered_one_and_none_ends_the_form(dispatcher):
    tracker = make_tracker(slots={"reg_offender_name": "Ana Ruiz"})
    assert await FORM.next_requested_slot(dispatcher, tracker, DOMAIN) == SlotSet(
        "requested_slot", "reg_a_number"
    )
    answered = make_tracker(slots={slot: "x" for slot in OFFENDER_SLOTS})
    assert await FORM.next_requested_slot(dispatcher, answered, DOMAIN) == SlotSet(
        "requested_slot", None
    )
    ended = make_tracker(slots={"reg_outcome": "gave_up"})
    assert await FORM.next_requested_slot(dispatcher, ended, DOMAIN) == SlotSet(
        "requested_slot", None
    )


# -- cancel and interruptions ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("cancel the registration", "cancel"),
        ("olvídalo", "cancel"),
        ("remove my registration", "unsubscribe"),
        ("EXIT", "inform"),
        ("Salir", "nlu_fallback"),
        ("never mind", "deny"),
    ],
)
async def test_cancel_ends_the_form(text, intent, dispatcher):
    tracker = make_tracker(
        text=text,
        intent=intent,
        slots={"requested_slot": "reg_pin", "reg_pin": text},
        events=[{"event": "slot", "name": "reg_pin", "value": text}],
    )
    slots = as_dict(await FORM.run(dispatcher, tracker, DOMAIN))
    assert slots == {"reg_pin": None, "reg_outcome": "cancelled", "requested_slot": None}
    assert dispatcher.messages == []


async def test_an_interruption_fills_nothing_so_the_form_yields_to_the_rules(dispatcher):
    tracker = make_tracker(
        text="why do you need this", intent="ask_privacy", slots={"requested_slot": "reg_pin"}
    )
    events = await FORM.run(dispatcher, tracker, DOMAIN)
    assert all(event["name"] == "requested_slot" for event in events)


def test_interruptions_are_never_taken_as_answers():
    for slot, definition in DOMAIN["slots"].items():
        for mapping in definition.get("mappings", []):
            if mapping.get("type") == "from_text" and slot.startswith("reg_"):
                assert {"cancel", "emergency", "ask_privacy", "ask_immigration_status"} <= set(
                    mapping["not_intent"]
                ), slot


@pytest.mark.parametrize(
    ("text", "intent", "requested", "stops"),
    [
        ("EXIT", "inform", "reg_pin", True),
        ("¡Olvídalo!", "inform", "reg_pin", True),
        ("how do I exit the building", "inform", "reg_pin", False),
        ("cancel", "cancel", None, False),  # the message that opened the form
    ],
)
def test_a_stop_is_an_exit_word_alone_or_a_cancel_while_a_question_is_pending(
    text, intent, requested, stops
):
    tracker = make_tracker(text=text, intent=intent, slots={"requested_slot": requested})
    assert wants_to_stop(tracker) is stops


# -- asking ------------------------------------------------------------------------------------


async def test_a_question_is_asked_by_its_own_ask_action_unless_just_asked(dispatcher):
    ask = AskSample()
    assert ask.name() == "action_ask_sample_slot"
    assert await ask.run(dispatcher, make_tracker(), DOMAIN) == []
    assert responses(dispatcher) == ["utter_ask_sample_slot"]
    prompted = make_tracker(slots={"reg_prompted": True})
    assert await ask.run(dispatcher, prompted, DOMAIN) == [SlotSet("reg_prompted", None)]
    assert responses(dispatcher) == ["utter_ask_sample_slot"]


def test_the_shared_bases_are_not_actions_the_server_registers():
    """rasa-sdk registers every concrete Action subclass; the bases are abstract."""
    for base in (GuidedForm, OffenderQuestions, AskSlot):
        assert issubclass(base, Action)
        assert inspect.isabstract(base), base


def test_the_control_slots_are_declared():
    assert set(CONTROL_SLOTS) <= set(DOMAIN["slots"])


# -- reading messages --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("¡Olvídalo!", "olvidalo"),
        ("I DON'T know", "i dont know"),
        ("don\u2019t", "dont"),
        ("  Número   A: 204_555 ", "numero a 204 555"),
    ],
)
def test_words_are_folded_and_single_spaced(text, folded):
    assert words(text) == folded


def test_folding_keeps_positions():
    assert fold("Número A") == "numero a"


def test_phrases_match_whole_words_only():
    assert has_phrase("pues no sé", ("no se",))
    assert not has_phrase("casino se", ("no se",))


@pytest.mark.parametrize(
    ("text", "unknown"), [("no idea", True), ("no", True), ("A204555781", False), ("yes", False)]
)
def test_not_knowing_includes_a_plain_no(text, unknown):
    assert doesnt_know(text) is unknown


def test_only_a_capital_pair_is_read_as_a_country_code():
    assert as_country("IN") == "IN"
    assert as_country("in") is None


def test_an_unknown_a_number_stays_unknown_and_is_not_a_known_one():
    assert as_a_number(UNKNOWN) == UNKNOWN
    assert as_a_number(None) is None
    assert known_a_number(make_tracker(slots={"reg_a_number": UNKNOWN})) is None
    assert known_a_number(make_tracker(slots={"reg_a_number": "A204555781"})) == "A204555781"


@pytest.mark.parametrize(("language", "expected"), [("es", "es"), ("en", "en"), (None, "en")])
def test_the_conversation_language_is_english_unless_spanish(language, expected):
    assert conversation_language(make_tracker(slots={"language": language})) == expected
