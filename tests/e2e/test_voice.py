"""Whole calls against the three real processes: the gateway's signed voice webhooks, Rasa's
``voice`` channel with its spoken variations, the action server; TwiML parsed at every step."""

from __future__ import annotations

import pytest
import requests

from channels.twilio.fake_phone import FakeCall
from scripts.stack import Stack
from tests.e2e.test_handoff import specialist_api

pytestmark = pytest.mark.e2e


def spanish_caller(stack: Stack) -> FakeCall:
    call = stack.caller()
    call.start()
    call.press("2")
    return call


def test_a_spanish_call_reaches_the_start_of_the_sign_up_by_speech_and_keys(stack):
    call = spanish_caller(stack)
    assert call.last.gather["language"] == "es-US"
    first = call.say("quiero recibir avisos de custodia sobre el agresor")
    assert first.languages == {"es-US"}
    assert "marque 1" in first.text.lower()  # victim / family / guardian by keypad
    assert first.gather["numDigits"] == "1"
    assert "escrib" not in first.text.lower() and "SALIR" not in first.text
    terms = call.press("1")
    assert terms.gather["numDigits"] == "1" and "¿acepta?" in terms.text.lower()
    name = call.press("1")
    assert "nombre" in name.text.lower() and "numDigits" not in name.gather


def test_an_english_call_asks_for_a_person_reaches_the_line_and_takes_a_callback(stack):
    call = stack.caller()
    call.start()
    call.press("1")
    step = call.say("I need to talk to a real person")
    assert step.dial is not None, step.xml
    assert step.dial["number"] == "+18554886423"
    assert "stay on the line" in step.text
    handoffs = specialist_api(stack, "GET", "")["handoffs"]
    mine = [h for h in handoffs if h["channel"] == "voice" and h["reason"] == "request_human"]
    assert mine, handoffs
    whisper = call.leg(step.dial["whisper"])
    assert whisper.text.startswith("VOICE hotline call. The caller asked for a specialist.")

    offer = call.transfer_ends("no-answer")
    assert "call you back" in offer.text
    window = call.press("1")
    assert "safe to call you" in window.text, window.xml
    voicemail = call.say("tomorrow after 5 pm")
    assert voicemail.gather["numDigits"] == "1" and "voicemail" in voicemail.text
    done = call.press("2")
    assert "tomorrow after 5 pm" in done.text and done.gather is not None
    handoff_id = mine[0]["id"]
    handoff = specialist_api(stack, "GET", f"/{handoff_id}")
    history = handoff["history"]
    kinds = [event["kind"] for event in history]
    assert kinds[:3] == ["created", "call", "callback"], kinds
    assert history[2]["detail"]["window"] == "tomorrow after 5 pm"
    spoken = [line["body"] for line in handoff["transcript"]]
    assert "I need to talk to a real person" in spoken  # the call's words, in the transcript


def test_an_emergency_call_hears_hang_up_and_dial_911_first_then_the_transfer(stack):
    call = stack.caller()
    call.start()
    call.press("1")
    step = call.say("he has a gun and he is outside my house right now")
    assert step.said[0][0].startswith("If you are in danger, hang up and dial 911"), step.text
    assert step.gather["numDigits"] == "1" and step.dial is None
    transfer = call.silence()
    assert transfer.dial is not None
    handoffs = specialist_api(stack, "GET", "")["handoffs"]
    assert any(h["channel"] == "voice" and h["priority"] == "urgent" for h in handoffs)


def test_silence_on_a_real_call_reprompts_twice_offers_a_person_then_hangs_up(stack):
    call = stack.caller()
    call.start()
    call.press("1")
    assert "didn't hear" in call.silence().text
    assert "didn't hear" in call.silence().text
    assert "specialist" in call.silence().text
    assert call.silence().hangup


def test_a_forged_call_is_refused(stack):
    call = stack.caller()
    response = requests.post(f"{stack.gateway_url}/twilio/voice", data=call.params(), timeout=5)
    assert response.status_code == 403
