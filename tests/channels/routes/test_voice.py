"""The hotline by phone (channels/voice.py): every step's TwiML parsed, in both languages, against
a scripted assistant; whole calls through the signed webhooks with FakeCall."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from channels.handoff.models import HandoffEvent
from channels.handoff.service import HANDOFFS
from channels.handoff.states import Priority, Reason
from channels.storage.database import DATABASE
from channels.storage.messages import Message, Status
from channels.twilio.fake_phone import FakeCall, read_call_step
from channels.twilio.signature import SIGNATURE_HEADER, sign
from tests.channels.conftest import AUTH_TOKEN, PUBLIC_URL
from tests.channels.routes.voice_fixtures import ThroughTestClient, answer, hand_over

CALLER = "+17135550142"
VOICE_ROUTES = (
    "/twilio/voice",
    "/twilio/voice/language",
    "/twilio/voice/turn",
    "/twilio/voice/wait",
    "/twilio/voice/transfer",
    "/twilio/voice/whisper/abc",
    "/twilio/voice/hold",
    "/twilio/voice/status",
)


@pytest.fixture
def call(client) -> FakeCall:
    return FakeCall(
        gateway_url="http://gateway",
        public_url=PUBLIC_URL,
        auth_token=AUTH_TOKEN,
        from_number=CALLER,
        session=ThroughTestClient(client),  # type: ignore[arg-type]
    )


def in_language(call: FakeCall, language: str) -> None:
    call.start()
    call.press("1" if language == "en" else "2")


# -- the greeting and the language -------------------------------------------------------------


def test_the_call_opens_with_911_and_a_language_menu_in_both_voices(call):
    step = call.start()
    (english, en_locale), (spanish, es_locale) = step.said
    assert english.startswith("Thank you for calling") and "hang up and dial 911" in english
    assert "Si está en peligro, cuelgue y marque el 911" in spanish
    assert (en_locale, es_locale) == ("en-US", "es-US")
    assert step.gather["input"] == "dtmf speech" and step.gather["numDigits"] == "1"
    assert 'voice="Polly.Joanna-Neural"' in step.xml and 'voice="Polly.Lupe-Neural"' in step.xml
    assert '<say-as interpret-as="digits">911</say-as>' in step.xml


@pytest.mark.parametrize(
    ("choice", "language", "locale"),
    [
        ("1", "en", "en-US"),
        ("2", "es", "es-US"),
        ("Spanish", "es", "es-US"),
        ("english", "en", "en-US"),
    ],
)
def test_keys_or_the_languages_name_choose_the_language(call, choice, language, locale):
    call.start()
    step = call.press(choice) if choice.isdigit() else call.say(choice)
    gather = step.gather
    assert gather["language"] == locale
    assert "speechModel" not in gather and "enhanced" not in gather  # Twilio's choice
    assert gather["bargeIn"] == "true"
    assert gather["actionOnEmptyResult"] == "true" and "turn=" in gather["action"]
    assert step.languages == {locale}
    assert ("press 0" in step.text) if language == "en" else ("oprima 0" in step.text)


def test_no_language_chosen_three_times_carries_on_in_english_with_the_offer_of_a_person(call):
    call.start()
    again = call.silence()
    assert "For English, press 1" in again.text and again.gather is not None
    call.silence()
    step = call.silence()
    assert "Would you like to talk to a specialist?" in step.text


# -- turns -------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
def test_speech_goes_to_the_assistant_with_the_language_and_its_answer_is_spoken(
    call, assistant, language
):
    in_language(call, language)
    assistant.voice_answer = answer("Call 1-855-488-6423 any time.", language=language)
    step = call.say("what does the office do")
    (sender, text, metadata) = assistant.calls[-1]
    assert text == "what does the office do"
    assert metadata == {"channel": "voice", "language": language, "input": "speech"}
    assert CALLER not in sender and call.call_sid not in sender
    assert step.text == "Call 1-855-488-6423 any time."
    assert '<say-as interpret-as="telephone">1-855-488-6423</say-as>' in step.xml
    assert step.gather["language"] == ("en-US" if language == "en" else "es-US")


def test_the_question_being_asked_shapes_the_keypad(call, assistant):
    in_language(call, "en")
    assistant.voice_answer = answer("Key in a 4-digit PIN.", slot="reg_pin")
    assert call.say("yes")
    assert call.last.gather["numDigits"] == "4"
    assistant.voice_answer = answer("Say the A-number or key it in.", slot="reg_a_number")
    call.press("1234")
    assert "numDigits" not in call.last.gather and call.last.gather["speechTimeout"] == "3"
    call.press("20455578#")
    assert assistant.calls[-1][1] == "A20455578"  # the keypad has no letter A


def test_spoken_digits_become_digits_only_when_a_number_is_asked(call, assistant):
    in_language(call, "en")
    assistant.voice_answer = answer("What is the code?", slot="reg_code")
    call.say("hello")
    call.say("one two three for five six")
    assert assistant.calls[-1][1] == "123456"
    assistant.voice_answer = answer("How can I help?")
    call.say("two things")
    call.say("I want to talk to a person")
    assert assistant.calls[-1][1] == "I want to talk to a person"


@pytest.mark.parametrize(("language", "yes", "no"), [("en", "yes", "no"), ("es", "sí", "no")])
def test_1_and_2_outside_a_form_are_yes_and_no(call, assistant, language, yes, no):
    in_language(call, language)
    assistant.voice_answer = answer("Would you like a specialist?", language=language)
    call.say("somebody hurt me")
    call.press("1")
    assert assistant.calls[-1][1] == yes
    call.press("2")
    assert assistant.calls[-1][1] == no


def test_0_at_any_moment_asks_for_a_specialist(call, assistant):
    in_language(call, "en")
    assistant.voice_answer = answer("Key in a 4-digit PIN.", slot="reg_pin")
    call.say("sign me up")
    call.press("0")
    assert assistant.calls[-1][1] == "/request_human"


@pytest.mark.parametrize("heard", ["/goodbye", "/request_human", "/ transfer_unanswered"])
def test_speech_that_looks_like_a_command_reaches_the_assistant_as_words(call, assistant, heard):
    in_language(call, "en")
    call.say(heard)
    assert not assistant.calls[-1][1].startswith("/")


@pytest.mark.parametrize("how", ["key", "speech", "spanish"])
def test_repeat_says_the_last_question_again_without_the_assistant(call, assistant, how):
    in_language(call, "es" if how == "spanish" else "en")
    assistant.voice_answer = answer("Are you the victim? Press 1.", slot="reg_relationship")
    call.say("alerts please")
    asked = len(assistant.calls)
    step = {"key": lambda: call.press("*"), "speech": lambda: call.say("Repeat that, please."),
            "spanish": lambda: call.say("¿Puede repetir?")}[how]()  # fmt: skip
    assert step.text == "Are you the victim? Press 1."
    assert step.gather["numDigits"] == "1"
    assert len(assistant.calls) == asked


# -- silence -----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
def test_silence_reprompts_twice_then_offers_a_person_then_ends(call, assistant, language):
    in_language(call, language)
    assistant.voice_answer = answer("What is the offender's name?", language=language)
    call.say("alerts")
    first, second = call.silence(), call.silence()
    for step in (first, second):
        assert step.text.endswith("What is the offender's name?")
        assert step.text.startswith("Sorry, I didn't hear" if language == "en" else "Perdón")
        assert step.gather is not None
    offer = call.silence()
    assert ("specialist" if language == "en" else "especialista") in offer.text
    assert offer.gather["numDigits"] == "1"
    goodbye = call.silence()
    assert goodbye.hangup and goodbye.gather is None
    assert "911" in goodbye.text


def test_yes_to_the_offer_after_silence_asks_the_assistant_for_a_person(call, assistant):
    in_language(call, "en")
    for _ in range(3):
        call.silence()
    call.press("1")
    assert assistant.calls[-1][1] == "/request_human"


def test_an_answer_resets_the_silence_count(call, assistant):
    in_language(call, "en")
    call.silence()
    call.silence()
    call.say("hello")
    assert "didn't hear" in call.silence().text


# -- a slow or absent assistant ------------------------------------------------------------------


def test_a_slow_assistant_gets_a_filler_and_a_redirect_then_its_answer(app, client, assistant):
    app.config["HOTLINE_SETTINGS"] = app.config["HOTLINE_SETTINGS"].with_overrides(
        voice_wait_seconds=0.2
    )
    call = FakeCall(
        "http://gateway", PUBLIC_URL, AUTH_TOKEN, CALLER, session=ThroughTestClient(client)
    )  # type: ignore[arg-type]
    in_language(call, "en")
    assistant.voice_delay = 0.7
    assistant.voice_answer = answer("Here is the answer.")
    step = call.say("what happens at a removal hearing")
    filler, *waits, answered = call.heard
    assert filler.text == "One moment, please." and filler.gather is None
    assert "/twilio/voice/wait?turn=" in filler.redirect
    assert all(w.text == "I'm still working on it. Please stay on the line." for w in waits)
    assert answered is step and step.text == "Here is the answer."
    assert len(assistant.calls) == 1


def test_an_assistant_that_is_down_puts_the_caller_through_to_a_person(app, call, assistant):
    in_language(call, "es")
    assistant.voice_answer = None
    step = call.say("necesito ayuda")
    assert "no puedo responder" in step.text and "especialista" in step.text
    assert step.dial["number"] == "+18554886423"
    handoff = HANDOFFS.get(app).queue()[0]
    assert (handoff.channel, handoff.reason, handoff.language) == ("voice", "fallback", "es")
    assert inbound_status(app) == Status.UNANSWERED  # kept, not lost


def inbound_status(app, wait_seconds: float = 2.0) -> Status:
    """The first stored message's status, once the turn's worker has recorded the outcome (it
    answers the waiting webhook first, then stores)."""
    deadline = time.monotonic() + wait_seconds
    while True:
        with DATABASE.get(app).session() as session:
            status = session.execute(select(Message.status)).scalars().first()
        if status != Status.RECEIVED or time.monotonic() > deadline:
            return status
        time.sleep(0.02)


def test_a_retried_turn_is_answered_once(call, assistant):
    in_language(call, "en")
    action = call.last.gather["action"]
    params = call.params(SpeechResult="hello")
    first = call.post(action, params)
    second = call.post(action, params)
    assert len(assistant.calls) == 1
    assert first.text == second.text


# -- reaching a person -------------------------------------------------------------------------


def test_a_handoff_dials_the_specialists_line_with_caller_id_and_a_whisper(app, call, assistant):
    app.config["HOTLINE_SETTINGS"] = app.config["HOTLINE_SETTINGS"].with_overrides(
        twilio_phone_number="+15550100000", specialist_line="+1 202 555 0199"
    )
    in_language(call, "en")
    assistant.voice_answer = hand_over(app)
    step = call.press("0")
    assert step.text == "Please stay on the line."
    assert (step.dial["number"], step.dial["callerId"]) == ("+12025550199", "+15550100000")
    assert "/twilio/voice/transfer?handoff=" in step.dial["action"]
    whisper = call.leg(step.dial["whisper"])
    assert whisper.text.startswith("VOICE hotline call. The caller asked for a specialist.")
    assert CALLER not in whisper.xml


def test_an_answered_transfer_closes_the_handoff_and_ends_the_call(app, call, assistant):
    in_language(call, "en")
    assistant.voice_answer = hand_over(app)
    call.press("0")
    done = call.transfer_ends("completed")
    assert done.hangup
    handoffs = HANDOFFS.get(app)
    assert handoffs.queue() == []
    (closed,) = handoffs.closed(5)
    assert (closed.channel, closed.assignee) == ("voice", "specialist line")


def test_an_unanswered_transfer_offers_a_callback_through_the_assistant(app, call, assistant):
    in_language(call, "es")
    assistant.voice_answer = hand_over(app, language="es")
    call.press("0")
    assistant.voice_answer = answer("¿Quiere que un especialista le llame?", language="es")
    step = call.transfer_ends("no-answer")
    assert assistant.calls[-1][1] == "/transfer_unanswered"
    assert step.text == "¿Quiere que un especialista le llame?"
    assert assistant.tracker_events[-1][1] == "resume"
    call.press("1")
    assert assistant.calls[-1][1] == "sí"
    (waiting,) = HANDOFFS.get(app).queue()
    with DATABASE.get(app).session() as session:
        kinds = session.execute(
            select(HandoffEvent.kind).where(HandoffEvent.handoff_id == waiting.id)
        ).scalars()
        assert list(kinds) == ["created", "call"]


def test_an_emergency_says_911_first_then_offers_the_transfer_made_on_silence(app, call, assistant):
    in_language(call, "en")
    assistant.voice_answer = hand_over(app, Reason.EMERGENCY, Priority.URGENT)
    step = call.say("he has a gun")
    assert step.said[0][0].startswith("If you are in danger, hang up and dial 911")
    assert step.gather["numDigits"] == "1" and step.dial is None
    transfer = call.silence()
    assert transfer.dial is not None
    whisper = call.leg(transfer.dial["whisper"])
    assert "may be in danger" in whisper.text and "urgent" in whisper.text


def test_no_to_the_emergency_transfer_ends_the_call_with_911(app, call, assistant):
    in_language(call, "en")
    assistant.voice_answer = hand_over(app, Reason.EMERGENCY, Priority.URGENT)
    call.say("he is here")
    step = call.say("no")
    assert step.hangup and "911" in step.text


def test_enqueue_mode_waits_in_the_queue_with_a_message(app, call, assistant):
    app.config["HOTLINE_SETTINGS"] = app.config["HOTLINE_SETTINGS"].with_overrides(
        voice_transfer="enqueue", voice_queue="specialists"
    )
    in_language(call, "es")
    assistant.voice_answer = hand_over(app, language="es")
    step = call.press("0")
    assert step.enqueue["queue"] == "specialists"
    hold = call.leg(step.enqueue["waitUrl"])
    assert "Gracias por esperar" in hold.text and "<Pause" in hold.xml


# -- the gate ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", VOICE_ROUTES)
def test_forged_requests_are_refused(client, path):
    params = FakeCall("http://gateway", PUBLIC_URL, AUTH_TOKEN, CALLER).params()
    assert client.post(path, data=params).status_code == 403
    signature = sign(AUTH_TOKEN, PUBLIC_URL + path, params)
    tampered = dict(params, From="+12025550100")
    assert (
        client.post(path, data=tampered, headers={SIGNATURE_HEADER: signature}).status_code == 403
    )
    wrong_key = sign("not-the-auth-token", PUBLIC_URL + path, params)
    assert client.post(path, data=params, headers={SIGNATURE_HEADER: wrong_key}).status_code == 403


def test_a_turn_for_an_unknown_call_is_404_not_a_crash(signed_post):
    params = FakeCall("http://gateway", PUBLIC_URL, AUTH_TOKEN, CALLER).params(SpeechResult="hi")
    assert signed_post("/twilio/voice/turn", params=params).status_code == 404


def test_call_steps_parse(call):
    step = read_call_step(call.start().xml)
    assert step.redirect and step.gather


# -- confirming what was heard ---------------------------------------------------------------


@pytest.mark.parametrize(("language", "heard"), [("en", "I heard: "), ("es", "Entendí: ")])
def test_unsure_speech_is_read_back_before_the_assistant_acts_on_it(
    call, assistant, language, heard
):
    in_language(call, language)
    step = call.say("stop my alerts", confidence="0.31")
    assert step.text.startswith(f"{heard}stop my alerts.")
    assert step.gather["numDigits"] == "1" and assistant.calls == []
    call.press("1")
    assert [text for _, text, _ in assistant.calls] == ["stop my alerts"]


def test_no_to_what_was_heard_asks_again_and_sends_nothing(call, assistant):
    in_language(call, "en")
    step = call.say("top my a lurks", confidence="0.2")
    again = call.say("no")
    assert again.text.startswith("Sorry about that. Please say it again.")
    assert "How can I help you?" in again.text
    assert assistant.calls == []
    call.say("stop my alerts", confidence="0.9")
    assert assistant.calls[-1][1] == "stop my alerts"
    assert step.gather is not None


def test_unsure_speech_that_may_be_an_emergency_is_never_delayed(call, assistant):
    in_language(call, "en")
    assistant.intent_answer = "emergency"
    call.say("he's got a gun", confidence="0.2")
    assert assistant.calls[-1][1] == "he's got a gun"


def test_answers_to_a_forms_question_are_not_read_back(call, assistant):
    in_language(call, "en")
    assistant.voice_answer = answer("What is the code?", slot="reg_code")
    call.say("sign me up")
    call.say("one two three four five six", confidence="0.2")
    assert assistant.calls[-1][1] == "123456"  # never said aloud: the validator checks it


def test_after_an_emergency_anything_but_no_puts_the_caller_through(app, call, assistant):
    in_language(call, "es")
    assistant.voice_answer = hand_over(app, Reason.EMERGENCY, Priority.URGENT, language="es")
    call.say("me quiere matar")
    asked = len(assistant.calls)
    transfer = call.say("está aquí, ayúdenme")
    assert transfer.dial is not None and len(assistant.calls) == asked
