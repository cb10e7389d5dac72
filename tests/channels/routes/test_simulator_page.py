"""The simulator page's call mode in headless Chromium (Debian's, driven by Playwright; never a
download).

A real gateway (``create_app`` with development settings and a temporary SQLite file) serves on
a free port under werkzeug, so the page's ``/simulator/call`` posts, signed, to the gateway's own
``/twilio/voice`` webhooks over HTTP. Rasa's URL points at a closed port; the assistant is
``tests.channels.conftest.ScriptedAssistant``, scripted per test: what it says to speech, and a
handoff (as the assistant's action does it) when the caller presses 0.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from channels.assistant.client import RASA, TurnResult
from tests.channels.conftest import ScriptedAssistant
from tests.channels.routes.browser import (
    free_port,
    launch_chromium,
    local_settings,
    serving,
    unlabelled_fields,
    watched_page,
)
from tests.channels.routes.voice_fixtures import answer, hand_over

pytestmark = pytest.mark.browser

WAIT = 10_000  # milliseconds
SPECIALIST_LINE = "+12025550199"
OFFICE_ANSWER = "The office helps victims of crimes, in English or Spanish."
CALLBACK_OFFER = "Nobody could answer. Would you like a specialist to call you back?"
# Where the call mode's screenshot goes (besides the test's temporary directory).
SCREENSHOT_ENV = "SIMULATOR_SCREENSHOT"


@dataclass
class Gateway:
    app: Flask
    url: str
    assistant: ScriptedAssistant


def scripted(app: Flask) -> Callable[[str, str], TurnResult]:
    """0 (``/request_human``): the assistant hands the call over; an unanswered transfer: the
    callback offer; anything else: the office's answer."""
    handing_over = hand_over(app)

    def turn(sender: str, text: str) -> TurnResult:
        if text == "/request_human":
            return handing_over(sender, text)
        if text == "/transfer_unanswered":
            return answer(CALLBACK_OFFER)
        return answer(OFFICE_ANSWER)

    return turn


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    port = free_port()
    directory = tmp_path_factory.mktemp("simulator")
    settings = local_settings(directory, port, specialist_line=SPECIALIST_LINE)
    with serving(settings, port) as app:
        assistant = ScriptedAssistant()
        assistant.voice_answer = scripted(app)
        RASA.set(app, assistant)
        yield Gateway(app, f"http://127.0.0.1:{port}", assistant)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


@pytest.fixture
def page(browser: Any, gateway: Gateway) -> Iterator[Any]:
    for opened in watched_page(browser):
        opened.goto(f"{gateway.url}/simulator")
        yield opened


def expect(subject: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(subject)


def said(page: Any) -> Any:
    """The hotline's spoken lines (their words, without the language tag)."""
    return page.locator("#call-transcript li.said .words")


def key(page: Any, which: str) -> None:
    page.click(f'#call-keypad .key[data-key="{which}"]')


def call_in_english(page: Any) -> None:
    page.click("#mode-call")
    page.click("#call-start")
    expect(said(page)).to_have_count(2, timeout=WAIT)
    key(page, "1")
    expect(said(page)).to_have_count(3, timeout=WAIT)
    expect(page.locator("#call-speech")).to_be_enabled()


def test_a_call_in_english_to_a_specialist_line_that_does_not_answer(
    gateway: Gateway, page: Any, tmp_path: Path
) -> None:
    # Text mode first, as before; Call is one press away.
    assert page.get_attribute("#mode-text", "aria-pressed") == "true"
    assert page.get_attribute("#mode-call", "aria-pressed") == "false"
    assert page.is_visible("#message") and not page.is_visible("#call-start")
    page.click("#mode-call")
    assert page.get_attribute("#mode-call", "aria-pressed") == "true"
    assert not page.is_visible("#message") and page.is_visible("#call-start")
    assert page.evaluate("document.activeElement.id") == "call-start"
    assert unlabelled_fields(page) == []
    expect(page.locator("#call-speech")).to_be_disabled()

    # The greeting: the language menu, in each language's voice.
    page.click("#call-start")
    expect(said(page)).to_have_count(2, timeout=WAIT)
    tags = page.locator("#call-transcript li.said .lang [aria-hidden=true]")
    assert tags.all_text_contents() == ["EN", "ES"]
    assert "dial 911" in said(page).first.text_content()
    assert page.get_attribute("#call-transcript li.said >> nth=1", "lang") == "es"
    assert "speech or 1 key" in page.text_content("#call-listening")
    expect(page.locator("#call-start")).to_be_disabled()
    expect(page.locator("#call-hangup")).to_be_enabled()

    # 1: English, one key is the whole answer.
    key(page, "1")
    expect(said(page)).to_have_count(3, timeout=WAIT)
    caller = page.locator("#call-transcript li.out")
    assert caller.all_text_contents() == ["🔢 1"]
    assert "press 0" in said(page).last.text_content()
    assert "speech or keys, end with #" in page.text_content("#call-listening")

    # Speech goes to the assistant; its answer is spoken.
    page.fill("#call-speech", "what does the office do")
    page.press("#call-speech", "Enter")
    expect(said(page).last).to_have_text(OFFICE_ANSWER, timeout=WAIT)
    assert caller.last.text_content() == "what does the office do"
    assert gateway.assistant.calls[-1][1] == "what does the office do"
    assert page.input_value("#call-speech") == ""
    # In call mode, the help's examples are said, not texted.
    page.click("button.example >> text=hi what is this line")
    expect(caller.last).to_have_text("hi what is this line", timeout=WAIT)
    expect(said(page).filter(has_text=OFFICE_ANSWER)).to_have_count(2, timeout=WAIT)
    assert gateway.assistant.calls[-1][1] == "hi what is this line"

    # 0 then # (typed on the keyboard): the assistant hands over; the line rings.
    key(page, "0")
    assert page.text_content("#call-keys") == "Keys: 0"
    page.keyboard.press("#")
    ringing = page.locator("#call-ringing")
    expect(ringing).to_be_visible(timeout=WAIT)
    assert caller.last.text_content() == "🔢 0"
    assert said(page).last.text_content() == "Please stay on the line."
    assert page.text_content("#call-ringing-title") == (
        f"Ringing the specialists' line {SPECIALIST_LINE}"
    )
    assert page.text_content("#call-whisper").startswith(
        "The specialist hears first: VOICE hotline call. The caller asked for a specialist."
    )
    expect(page.locator("#call-speech")).to_be_disabled()
    expect(page.locator('#call-keypad .key[data-key="5"]')).to_be_disabled()
    assert page.evaluate("document.activeElement.id") == "call-answered"
    page.screenshot(path=str(tmp_path / "call.png"), full_page=True)
    if os.environ.get(SCREENSHOT_ENV):
        page.screenshot(path=os.environ[SCREENSHOT_ENV], full_page=True)

    # Nobody answers: back with the assistant, which offers a callback.
    page.click("#call-no-answer")
    expect(said(page).last).to_have_text(CALLBACK_OFFER, timeout=WAIT)
    expect(ringing).to_be_hidden()
    assert gateway.assistant.calls[-1][1] == "/transfer_unanswered"
    expect(page.locator("#call-speech")).to_be_enabled()

    # Silence: the hotline says it heard nothing and asks again.
    page.click("#call-silent")
    expect(said(page).filter(has_text="didn't hear")).to_have_count(1, timeout=WAIT)
    assert caller.last.text_content() == "🤐 (silence)"
    expect(said(page).last).to_have_text(CALLBACK_OFFER)

    page.click("#call-hangup")
    expect(page.locator("#call-status")).to_have_text("Call ended")
    expect(page.locator("#call-start")).to_be_enabled()
    expect(page.locator("#call-speech")).to_be_disabled()
    assert page.locator("#call-transcript li.note").last.text_content() == "Call ended"

    # Back to text: texting works as before (the examples are texted again).
    page.click("#mode-text")
    assert page.is_visible("#message") and not page.is_visible("#call-transcript")
    assert page.evaluate("document.activeElement.id") == "message"
    assert page.locator("#thread li").count() == 0
    page.click("button.example >> text=HELP")
    expect(page.locator("#thread li.bubble.in")).to_have_count(1, timeout=WAIT)
    assert page.locator("#thread li.bubble.out").all_text_contents() == ["HELP"]
    assert page.errors == []


def test_an_answered_transfer_ends_the_call_and_a_new_conversation_ends_a_call(
    gateway: Gateway, page: Any
) -> None:
    call_in_english(page)
    key(page, "0")
    key(page, "#")
    expect(page.locator("#call-ringing")).to_be_visible(timeout=WAIT)
    page.click("#call-answered")
    expect(page.locator("#call-status")).to_have_text("Call ended", timeout=WAIT)
    expect(page.locator("#call-ringing")).to_be_hidden()
    expect(page.locator("#call-start")).to_be_enabled()
    assert page.evaluate("document.activeElement.id") == "call-start"

    # A new call, then "New conversation": the call ends, the transcript is cleared.
    number = page.input_value("#from")
    earlier = said(page).count()
    page.click("#call-start")
    expect(said(page)).to_have_count(earlier + 2, timeout=WAIT)  # the earlier call's lines stay
    page.click("#new-phone")
    assert page.input_value("#from") != number
    assert page.locator("#call-transcript li").count() == 0
    expect(page.locator("#call-start")).to_be_enabled()
    expect(page.locator("#call-hangup")).to_be_disabled()
    assert page.text_content("#call-listening") == ""
    assert page.errors == []
