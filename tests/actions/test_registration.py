"""registration_form: validators in both languages, the branching, corrections, cancel, the
questions, and how action_finish_registration ends the form. The machinery every guided form
shares is tested in test_forms.py, the read-back's message in test_read_back.py."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import SlotSet

from actions.gateway import GatewayError, GatewayUnavailable, RateLimited
from actions.read_back import AskConfirmed
from actions.registration import (
    FORM_SLOTS,
    PLAIN_QUESTIONS,
    TERMS_VERSION,
    ActionFinishRegistration,
    AskContact,
    ValidateRegistrationForm,
)
from tests.actions.conftest import DOMAIN, FILLED, as_dict, ask, asking, make_tracker, responses

REGISTRATION_SLOTS = DOMAIN["forms"]["registration_form"]["required_slots"]


FORM = ValidateRegistrationForm()


# -- the answers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "1", "victim"),
        ("en", "I'm her mother", "family"),
        ("en", "3", "guardian"),
        ("es", "soy la víctima", "victim"),
        ("es", "soy su hermana", "family"),
        ("es", "tutor legal", "guardian"),
    ],
)
def test_relationship(language, text, expected, dispatcher):
    tracker = asking("reg_relationship", text, language)
    result = FORM.validate_reg_relationship(text, dispatcher, tracker, DOMAIN)
    assert result == {"reg_relationship": expected, "reg_failures": 0}
    assert dispatcher.messages == []


@pytest.mark.parametrize("text", ["4", "none of these", "i'm a friend", "ninguno", "otro"])
def test_none_of_these_ends_the_form_as_not_eligible(text, dispatcher):
    tracker = asking("reg_relationship", text)
    result = FORM.validate_reg_relationship(text, dispatcher, tracker, DOMAIN)
    assert result["reg_outcome"] == "not_eligible"
    assert result["reg_relationship"] is None


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [("en", "yes", True), ("en", "1", True), ("es", "sí, acepto", True), ("es", "acepto", True)],
)
def test_terms_accepted(language, text, expected, dispatcher):
    result = FORM.validate_reg_terms(text, dispatcher, asking("reg_terms", text, language), DOMAIN)
    assert result == {"reg_terms": expected, "reg_failures": 0}


@pytest.mark.parametrize("text", ["no", "2", "no acepto"])
def test_terms_declined_ends_the_form(text, dispatcher):
    result = FORM.validate_reg_terms(text, dispatcher, asking("reg_terms", text), DOMAIN)
    assert result["reg_outcome"] == "declined"


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "May 4, 1985", "1985-05-04"),
        ("en", "05/04/1985", "1985-05-04"),
        ("es", "04/05/1985", "1985-05-04"),
        ("es", "nació el 4 de mayo de 1985", "1985-05-04"),
    ],
)
def test_birth_date_in_the_conversation_language(language, text, expected, dispatcher):
    tracker = asking("reg_birth_date", text, language)
    result = FORM.validate_reg_birth_date(text, dispatcher, tracker, DOMAIN)
    assert result == {"reg_birth_date": expected, "reg_failures": 0}


@pytest.mark.parametrize(
    ("slot", "method"),
    [("reg_birth_date", "validate_reg_birth_date"), ("reg_country", "validate_reg_country")],
)
@pytest.mark.parametrize("text", ["I don't know", "no sé"])
def test_not_knowing_the_birth_date_or_country_goes_to_a_specialist(slot, method, text, dispatcher):
    result = getattr(FORM, method)(text, dispatcher, asking(slot, text), DOMAIN)
    assert result["reg_outcome"] == "gave_up"
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", "sms"), ("text me", "sms"), ("2", "voice"), ("llamada", "voice"), ("correo", "email")],
)
def test_channel(text, expected, dispatcher):
    result = FORM.validate_reg_channel(text, dispatcher, asking("reg_channel", text), DOMAIN)
    assert result["reg_channel"] == expected
    assert result["reg_failures"] == 0


def test_changing_to_email_drops_a_phone_contact_and_the_voicemail_answer(dispatcher):
    tracker = asking("reg_channel", "3", reg_contact="+17135550142", reg_voicemail_ok=True)
    result = FORM.validate_reg_channel("3", dispatcher, tracker, DOMAIN)
    assert result["reg_contact"] is None and result["reg_voicemail_ok"] is None


@pytest.mark.parametrize(
    ("channel", "text", "expected"),
    [
        ("sms", "(713) 555-0142", "+17135550142"),
        ("voice", "my cell is 713 555 0199", "+17135550199"),
        ("sms", "this number", "this_number"),
        ("sms", "THIS", "this_number"),
        ("sms", "1", "this_number"),
        ("voice", "the same", "this_number"),
        ("sms", "este número", "this_number"),
        ("voice", "el mismo de donde escribo", "this_number"),
        ("email", "Maria.Lopez@Example.COM", "Maria.Lopez@example.com"),
        ("email", "mi correo es ana punto perez arroba example punto org", "ana.perez@example.org"),
    ],
)
def test_contact_for_the_channel(channel, text, expected, dispatcher):
    tracker = asking("reg_contact", text, reg_channel=channel)
    result = FORM.validate_reg_contact(text, dispatcher, tracker, DOMAIN)
    assert result == {"reg_contact": expected, "reg_failures": 0}


@pytest.mark.parametrize(
    ("channel", "text", "response"),
    [
        ("email", "this number", "utter_invalid_reg_contact_email"),
        ("sms", "maria@", "utter_invalid_reg_contact_phone"),
        ("voice", "555 01", "utter_invalid_reg_contact_phone"),
        # Numbers the hotline does not text or call (HOTLINE_CONTACT_COUNTRIES): asked again
        # here, rather than refused by the gateway at the end of the sign-up.
        ("sms", "+52 55 1234 5678", "utter_invalid_reg_contact_phone"),
        ("voice", "+44 20 7946 0958", "utter_invalid_reg_contact_phone"),
    ],
)
def test_wrong_contact_is_asked_again_with_the_channel_s_example(
    channel, text, response, dispatcher
):
    tracker = asking("reg_contact", text, reg_channel=channel)
    result = FORM.validate_reg_contact(text, dispatcher, tracker, DOMAIN)
    assert result == {"reg_contact": None, "reg_failures": 1, "reg_prompted": True}
    assert responses(dispatcher) == [response]


@pytest.mark.parametrize(
    ("text", "voicemail", "discreet"),
    [("yes", True, False), ("1", True, False), ("no", False, True), ("sí", True, False)],
)
def test_voicemail_and_neutral_wording(text, voicemail, discreet, dispatcher):
    tracker = asking("reg_voicemail_ok", text)
    assert FORM.validate_reg_voicemail_ok(text, dispatcher, tracker, DOMAIN)[
        "reg_voicemail_ok"
    ] is (voicemail)
    # "Is it safe to name the office?" YES means the messages need not be discreet.
    tracker = asking("reg_discreet", text)
    assert FORM.validate_reg_discreet(text, dispatcher, tracker, DOMAIN)["reg_discreet"] is discreet


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "yes", "en"),
        ("en", "2", "es"),
        ("en", "no", "es"),
        ("en", "Spanish", "es"),
        ("es", "sí", "es"),
        ("es", "1", "en"),
        ("es", "inglés", "en"),
        ("es", "2", "es"),
    ],
)
def test_alert_language_defaults_to_the_conversation_s(language, text, expected, dispatcher):
    tracker = asking("reg_language", text, language)
    result = FORM.validate_reg_language(text, dispatcher, tracker, DOMAIN)
    assert result == {"reg_language": expected, "reg_failures": 0}


@pytest.mark.parametrize(("text", "expected"), [("4821", "4821"), ("mi pin es 4 8 2 1", "4821")])
def test_pin(text, expected, dispatcher):
    assert FORM.validate_reg_pin(text, dispatcher, asking("reg_pin", text), DOMAIN) == {
        "reg_pin": expected,
        "reg_failures": 0,
    }


# -- wrong answers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slot", "method", "text"),
    [
        ("reg_relationship", "validate_reg_relationship", "banana"),
        ("reg_terms", "validate_reg_terms", "maybe later"),
        ("reg_offender_name", "validate_reg_offender_name", "carlos"),
        ("reg_a_number", "validate_reg_a_number", "12345"),
        ("reg_birth_date", "validate_reg_birth_date", "in the spring"),
        ("reg_country", "validate_reg_country", "Narnia"),
        ("reg_channel", "validate_reg_channel", "pigeon"),
        ("reg_voicemail_ok", "validate_reg_voicemail_ok", "whatever"),
        ("reg_discreet", "validate_reg_discreet", "depends"),
        ("reg_language", "validate_reg_language", "french"),
        ("reg_pin", "validate_reg_pin", "12345"),
        ("reg_confirmed", "validate_reg_confirmed", "hmm"),
    ],
)
def test_a_wrong_answer_is_asked_again_with_an_example(slot, method, text, dispatcher):
    result = getattr(FORM, method)(text, dispatcher, asking(slot, text), DOMAIN)
    assert result == {slot: None, "reg_failures": 1, "reg_prompted": True}
    assert responses(dispatcher) == [f"utter_invalid_{slot}"]


def test_the_invalid_responses_carry_an_example():
    for name in ("utter_invalid_reg_a_number", "utter_invalid_reg_birth_date"):
        for variation in DOMAIN["responses"][name]:
            assert "like" in variation["text"] or "por ejemplo" in variation["text"]
    assert "A204555781" in DOMAIN["responses"]["utter_invalid_reg_a_number"][0]["text"]


# -- which questions -----------------------------------------------------------------------------


async def _required(**slots: Any) -> list[str]:
    return await FORM.required_slots(REGISTRATION_SLOTS, None, make_tracker(slots=slots), DOMAIN)


async def test_birth_date_and_country_only_without_an_a_number():
    assert "reg_birth_date" not in await _required(reg_a_number="A204555781")
    assert "reg_country" not in await _required(reg_a_number="A204555781")
    unknown = await _required(reg_a_number="unknown")
    assert (
        unknown.index("reg_birth_date")
        < unknown.index("reg_country")
        < unknown.index("reg_channel")
    )


async def test_voicemail_question_only_for_phone_calls():
    assert "reg_voicemail_ok" in await _required(reg_channel="voice")
    assert "reg_voicemail_ok" not in await _required(reg_channel="sms")
    assert "reg_voicemail_ok" not in await _required(reg_channel="email")


async def test_after_unknown_a_number_the_form_asks_the_birth_date(dispatcher):
    answered: dict[str, Any] = {
        "reg_relationship": "victim",
        "reg_terms": True,
        "reg_offender_name": "Ana Ruiz",
    }
    events = await FORM.run(dispatcher, asking("reg_a_number", "no", "en", **answered), DOMAIN)
    slots = as_dict(events)
    assert slots["reg_a_number"] == "unknown"
    assert slots["requested_slot"] == "reg_birth_date"


async def test_after_the_a_number_the_form_skips_to_the_channel(dispatcher):
    tracker = asking(
        "reg_a_number",
        "A204555781",
        reg_relationship="victim",
        reg_terms=True,
        reg_offender_name="Carlos Mendoza Ruiz",
    )
    events = await FORM.run(dispatcher, tracker, DOMAIN)
    assert as_dict(events)["requested_slot"] == "reg_channel"


# -- cancel --------------------------------------------------------------------------------------


async def test_the_message_that_opens_the_form_is_not_a_cancel(dispatcher):
    tracker = make_tracker(text="never mind, sign me up", intent="register_notifications")
    slots = as_dict(await FORM.run(dispatcher, tracker, DOMAIN))
    assert slots.get("reg_outcome") is None
    assert slots["requested_slot"] == "reg_relationship"


# -- the read-back and corrections ---------------------------------------------------------------


def confirming(text: str, language: str = "en", **slots: Any):
    return asking("reg_confirmed", text, language, **{**FILLED, **slots})


@pytest.mark.parametrize(("language", "text"), [("en", "yes"), ("en", "1"), ("es", "sí")])
def test_yes_submits(language, text, dispatcher):
    result = FORM.validate_reg_confirmed(text, dispatcher, confirming(text, language), DOMAIN)
    assert result == {"reg_confirmed": True, "reg_failures": 0}


@pytest.mark.parametrize("text", ["no", "2", "nope"])
def test_a_bare_no_asks_what_to_change(text, dispatcher):
    result = FORM.validate_reg_confirmed(text, dispatcher, confirming(text), DOMAIN)
    assert result == {"reg_confirmed": None, "reg_prompted": True}
    assert responses(dispatcher) == ["utter_ask_reg_change"]


@pytest.mark.parametrize(
    ("language", "text", "cleared"),
    [
        ("en", "no, the birth date is wrong", "reg_birth_date"),
        ("es", "la fecha está mal", "reg_birth_date"),
        ("en", "the name is spelled wrong", "reg_offender_name"),
        ("es", "el nombre está mal", "reg_offender_name"),
        ("en", "wrong country", "reg_country"),
        ("es", "el país de nacimiento está mal", "reg_country"),
        ("en", "the A-number is wrong", "reg_a_number"),
        ("es", "el número A está mal", "reg_a_number"),
        ("en", "the phone number is wrong", "reg_contact"),
        ("en", "change the PIN", "reg_pin"),
        ("es", "cambie el idioma", "reg_language"),
        ("en", "yes, but the voicemail is wrong", "reg_voicemail_ok"),
    ],
)
def test_a_correction_clears_only_that_answer(language, text, cleared, dispatcher):
    result = FORM.validate_reg_confirmed(text, dispatcher, confirming(text, language), DOMAIN)
    assert result[cleared] is None
    assert result["reg_confirmed"] is None
    untouched = set(FILLED) - {cleared}
    assert not untouched & set(result), result
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("language", "text", "slot", "value"),
    [
        ("en", "the birth date is 4 May 1985", "reg_birth_date", "1985-05-04"),
        ("en", "no, the birth date is May 14 1985", "reg_birth_date", "1985-05-14"),
        ("es", "la fecha es 14/05/1985", "reg_birth_date", "1985-05-14"),
        ("en", "the name should be Jose Luis Garcia", "reg_offender_name", "Jose Luis Garcia"),
        ("es", "el nombre es José Luis García", "reg_offender_name", "José Luis García"),
        ("en", "wrong country, he was born in El Salvador", "reg_country", "SV"),
        ("en", "the A-number is A204555781", "reg_a_number", "A204555781"),
        ("en", "change the pin to 7391", "reg_pin", "7391"),
    ],
)
def test_a_correction_with_the_new_value_takes_it(language, text, slot, value, dispatcher):
    result = FORM.validate_reg_confirmed(text, dispatcher, confirming(text, language), DOMAIN)
    assert result[slot] == value
    assert result["reg_confirmed"] is None


def test_a_new_e_mail_switches_the_alerts_to_e_mail(dispatcher):
    text = "no, use my email ana@example.org"
    result = FORM.validate_reg_confirmed(text, dispatcher, confirming(text), DOMAIN)
    assert result["reg_channel"] == "email"
    assert result["reg_contact"] == "ana@example.org"


def test_asking_for_calls_instead_changes_the_channel_and_asks_the_number_again(dispatcher):
    text = "I'd rather get texts"
    result = FORM.validate_reg_confirmed(text, dispatcher, confirming(text), DOMAIN)
    assert result["reg_channel"] == "sms"
    assert result["reg_voicemail_ok"] is None


async def test_after_a_correction_the_form_asks_that_question_again(dispatcher):
    events = await FORM.run(dispatcher, confirming("la fecha está mal", "es"), DOMAIN)
    slots = as_dict(events)
    assert slots["reg_birth_date"] is None
    assert slots["requested_slot"] == "reg_birth_date"


async def test_after_a_corrected_value_the_form_reads_back_again(dispatcher):
    events = await FORM.run(dispatcher, confirming("the birth date is 4 May 1986"), DOMAIN)
    slots = as_dict(events)
    assert slots["reg_birth_date"] == "1986-05-04"
    assert slots["requested_slot"] == "reg_confirmed"


# -- asking --------------------------------------------------------------------------------------


def ask_action(slot: str) -> Any:
    return next(question for question in PLAIN_QUESTIONS if question.slot == slot)()


def test_every_plain_question_has_its_ask_action_and_response():
    names = {question().name() for question in PLAIN_QUESTIONS}
    assert len(names) == len(PLAIN_QUESTIONS)
    for name in names:
        assert name in DOMAIN["actions"]
        assert name.replace("action_ask_", "utter_ask_") in DOMAIN["responses"]


async def test_a_question_is_asked_unless_it_was_just_asked(dispatcher):
    assert await ask(ask_action("reg_relationship"), dispatcher) == []
    assert responses(dispatcher) == ["utter_ask_reg_relationship"]
    events = await ask(ask_action("reg_pin"), dispatcher, reg_prompted=True)
    assert events == [SlotSet("reg_prompted", None)]
    assert responses(dispatcher) == ["utter_ask_reg_relationship"]


@pytest.mark.parametrize(
    ("channel", "response"),
    [("sms", "utter_ask_reg_contact_phone"), ("voice", "utter_ask_reg_contact_phone"),
     ("email", "utter_ask_reg_contact_email")],
)  # fmt: skip
async def test_the_contact_question_follows_the_channel(channel, response, dispatcher):
    await ask(AskContact(), dispatcher, reg_channel=channel)
    assert responses(dispatcher) == [response]


def test_every_question_has_a_keypad_answer_or_an_example():
    for slot in REGISTRATION_SLOTS:
        if slot in ("reg_contact", "reg_confirmed"):
            continue
        text = DOMAIN["responses"][f"utter_ask_{slot}"][0]["text"]
        markers = ("(1)", "Reply 1", "1 for", "For example", "like A", "4-digit")
        assert any(marker in text for marker in markers), slot


def test_every_registration_question_has_an_ask_action():
    for slot in [*REGISTRATION_SLOTS, "reg_code"]:
        assert f"action_ask_{slot}" in DOMAIN["actions"]


# -- the end -------------------------------------------------------------------------------------


CONFIRMED = {**FILLED, "reg_confirmed": True}


def finishing(**slots: Any):
    return make_tracker(slots={"language": "en", **slots})


@pytest.mark.parametrize(
    ("outcome", "response"),
    [
        ("cancelled", "utter_registration_cancelled"),
        ("gave_up", "utter_registration_gave_up"),
        ("not_eligible", "utter_registration_not_eligible"),
        ("declined", "utter_registration_terms_declined"),
        (None, "utter_registration_cancelled"),
    ],
)
async def test_an_early_end_says_so_and_forgets_everything(
    outcome, response, fake_gateway, dispatcher
):
    slots = {**FILLED, "reg_outcome": outcome}
    events = await ActionFinishRegistration().run(dispatcher, finishing(**slots), DOMAIN)
    assert responses(dispatcher) == [response]
    cleared = as_dict(events)
    assert all(cleared[slot] is None for slot in FORM_SLOTS)
    assert cleared["reg_pin"] is None and cleared["reg_registration_id"] is None
    assert fake_gateway.calls == []


async def test_confirmed_saves_and_sends_a_code(fake_gateway, dispatcher):
    fake_gateway.answers["create_registration"] = {
        "id": "r-17",
        "status": "pending_verification",
        "contact_hint": "***-0142",
        "code_expires_at": "2026-11-29T10:15:00Z",
    }
    events = await ActionFinishRegistration().run(dispatcher, finishing(**CONFIRMED), DOMAIN)
    ((method, (payload,), _),) = fake_gateway.calls
    assert method == "create_registration"
    assert payload == {
        "registrant": "test-conversation",
        "relationship": "family",
        "terms_version": TERMS_VERSION,
        "offender": {
            "name": "Carlos Mendoza Ruiz",
            "a_number": None,
            "birth_date": "1985-05-04",
            "country_of_birth": "MX",
        },
        "contact": {"channel": "voice", "value": "+17135550142"},
        "voicemail_ok": False,
        "discreet": True,
        "language": "es",
        "pin": "4821",
    }
    assert dispatcher.messages == [
        {**dispatcher.messages[0], "response": "utter_registration_code_sent",
         "contact_hint": "***-0142"}
    ]  # fmt: skip
    slots = as_dict(events)
    assert slots["reg_registration_id"] == "r-17"
    assert slots["reg_pin"] is None
    assert "reg_offender_name" not in slots and "reg_channel" not in slots


async def test_with_an_a_number_the_offender_is_sent_without_birth_details(
    fake_gateway, dispatcher
):
    fake_gateway.answers["create_registration"] = {"id": "r-1", "contact_hint": "a***@x.org"}
    slots = {**CONFIRMED, "reg_a_number": "A204555781", "reg_channel": "email",
             "reg_contact": "ana@x.org", "reg_voicemail_ok": None}  # fmt: skip
    await ActionFinishRegistration().run(dispatcher, finishing(**slots), DOMAIN)
    payload = fake_gateway.calls[0][1][0]
    assert payload["offender"]["a_number"] == "A204555781"
    assert payload["offender"]["birth_date"] is None
    assert payload["offender"]["country_of_birth"] is None
    assert payload["voicemail_ok"] is False


@pytest.mark.parametrize(
    ("error", "response"),
    [
        (RateLimited(429, {"error": "rate_limited"}, 125), "utter_registration_rate_limited"),
        (GatewayUnavailable("timeout"), "utter_registration_unavailable"),
        (GatewayError(422, {"error": "invalid", "fields": {"pin": "4 digits"}}),
         "utter_registration_unavailable"),
    ],
)  # fmt: skip
async def test_nothing_saved_when_the_gateway_refuses(error, response, fake_gateway, dispatcher):
    fake_gateway.errors["create_registration"] = error
    events = await ActionFinishRegistration().run(dispatcher, finishing(**CONFIRMED), DOMAIN)
    assert responses(dispatcher) == [response]
    if isinstance(error, RateLimited):
        assert dispatcher.messages[0]["minutes"] == 3
    slots = as_dict(events)
    assert slots["reg_pin"] is None and slots["reg_registration_id"] is None


async def test_an_answer_without_an_id_is_not_a_saved_registration(fake_gateway, dispatcher):
    fake_gateway.answers["create_registration"] = {"status": "pending_verification"}
    events = await ActionFinishRegistration().run(dispatcher, finishing(**CONFIRMED), DOMAIN)
    assert responses(dispatcher) == ["utter_registration_unavailable"]
    assert as_dict(events)["reg_registration_id"] is None


async def test_the_pin_is_never_in_any_message(fake_gateway, dispatcher):
    fake_gateway.answers["create_registration"] = {"id": "r-2", "contact_hint": "***-0142"}
    await ActionFinishRegistration().run(dispatcher, finishing(**CONFIRMED), DOMAIN)
    await ask(AskConfirmed(), dispatcher, "es", **CONFIRMED)
    FORM.validate_reg_pin("48", dispatcher, asking("reg_pin", "48"), DOMAIN)
    assert len(dispatcher.messages) == 3
    assert "4821" not in str(dispatcher.messages)


def test_the_contact_countries_are_the_gateways(monkeypatch, dispatcher):
    from actions import forms

    monkeypatch.setenv("HOTLINE_CONTACT_COUNTRIES", "US,MX")
    forms._contact_countries.cache_clear()
    try:
        tracker = asking("reg_contact", "+52 55 1234 5678", reg_channel="sms")
        result = FORM.validate_reg_contact("+52 55 1234 5678", dispatcher, tracker, DOMAIN)
        assert result["reg_contact"] == "+525512345678"
    finally:
        forms._contact_countries.cache_clear()
