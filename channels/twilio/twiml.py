"""Every piece of TwiML the gateway returns, built by pure functions (no I/O, no Flask).

Tests parse the XML these return; nothing else in the gateway writes TwiML by hand.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import Dial, Enqueue, Gather, VoiceResponse

from channels.texts.alerts import call_text
from channels.texts.calls import prompt
from channels.texts.languages import LANGUAGES

# Twilio refuses a message body longer than this.
MAX_SMS_CHARACTERS = 1600
ELLIPSIS = "..."


def join_messages(texts: Sequence[str]) -> str:
    """All of one turn's bot messages in one SMS body, in order, separated by a blank line.

    One ``<Message>`` instead of several: separate SMS can arrive out of order.
    """
    body = "\n\n".join(t.strip() for t in texts if t and t.strip())
    if len(body) > MAX_SMS_CHARACTERS:
        body = body[: MAX_SMS_CHARACTERS - len(ELLIPSIS)].rstrip() + ELLIPSIS
    return body


def sms_reply(body: str) -> str:
    """A TwiML answer that sends ``body`` back as one SMS (no SMS if ``body`` is empty)."""
    response = MessagingResponse()
    if body:
        response.message(body)
    return str(response)


# -- voice: outbound calls of the notification exchange -------------------------------------

# Neural voices per language (Amazon Polly through Twilio <Say>).
VOICES = {"en": ("en-US", "Polly.Joanna-Neural"), "es": ("es-US", "Polly.Lupe-Neural")}
PIN_DIGITS = 4
PIN_TIMEOUT_SECONDS = 10


def _say(parent: VoiceResponse | Gather, text: str, language: str) -> None:
    """Says ``text`` in the language's neural voice, numbers of 3 digits or more (911, phone
    numbers, A-numbers, codes) read digit by digit (SSML), not as amounts."""
    locale, voice = VOICES[language if language in VOICES else "en"]
    say = parent.say(language=locale, voice=voice)
    for piece, digits in spoken_pieces(text):
        if not digits:
            say.nest(piece)
        else:
            say.say_as(piece, interpret_as="telephone" if "-" in piece else "digits")


# A run of digits, possibly grouped by single spaces or hyphens ("1-855-488-6423", "0 5 0 4");
# "A204555781" is split off its letter first.
_DIGIT_RUN = re.compile(r"(?<![\w:/.,])\d(?:\d|[ \-](?=\d))+(?![\w:/]|[.,]\d)")
_A_NUMBER = re.compile(r"\bA(\d{8,9})\b")
MIN_SPOKEN_DIGITS = 3


def spoken_pieces(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into plain pieces and digit runs to read one digit at a time (True). A
    year (1900-2099 alone) and numbers under 3 digits are read as numbers."""
    text = _A_NUMBER.sub(r"A \1", text)
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in _DIGIT_RUN.finditer(text):
        run = match.group()
        digits = re.sub(r"\D", "", run)
        is_year = run.isdigit() and len(run) == 4 and 1900 <= int(run) <= 2099
        if len(digits) < MIN_SPOKEN_DIGITS or is_year:
            continue
        pieces.append((text[position : match.start()], False))
        pieces.append((run, True))
        position = match.end()
    pieces.append((text[position:], False))
    return [(piece, digits) for piece, digits in pieces if piece]


def notification_call(
    message: str, language: str, pin_url: str, *, discreet: bool, retry: bool = False
) -> str:
    """A notification call: discreet ones say nothing until the PIN is entered (as VINE does);
    others say the message, then ask for the PIN to confirm it was heard."""
    response = VoiceResponse()
    if retry:
        _say(response, call_text(language, "wrong_pin"), language)
    elif not discreet:
        _say(response, message, language)
    gather = Gather(
        input="dtmf",
        num_digits=PIN_DIGITS,
        timeout=PIN_TIMEOUT_SECONDS,
        action=pin_url,
        method="POST",
    )
    key = "ask_pin_to_hear" if discreet else "ask_pin_to_confirm"
    _say(gather, call_text(language, key), language)
    response.append(gather)
    _say(response, call_text(language, "no_pin"), language)
    response.hangup()
    return str(response)


def pin_accepted(message: str, language: str, *, discreet: bool) -> str:
    """After a right PIN: a discreet call now says the message; then thanks and hangs up."""
    response = VoiceResponse()
    if discreet:
        _say(response, message, language)
    _say(response, call_text(language, "confirmed"), language)
    response.hangup()
    return str(response)


def voicemail(message: str, language: str) -> str:
    response = VoiceResponse()
    _say(response, message, language)
    response.hangup()
    return str(response)


def hang_up() -> str:
    response = VoiceResponse()
    response.hangup()
    return str(response)


def code_call(code: str | None, language: str) -> str:
    """Reads a verification code digit by digit, twice; or says it is no longer valid."""
    response = VoiceResponse()
    if code is None:
        _say(response, call_text(language, "code_expired"), language)
    else:
        for key in ("code", "again"):
            locale, voice = VOICES[language]
            say = response.say(call_text(language, key), language=locale, voice=voice)
            say.break_(time="300ms")
            say.say_as(code, interpret_as="digits")
            response.pause(length=1)
    response.hangup()
    return str(response)


# -- voice: the hotline's inbound calls ------------------------------------------------------

# How long Twilio waits for the caller to start answering, in seconds.
INPUT_TIMEOUT_SECONDS = 6
MAX_HINTS_CHARACTERS = 1000  # hints: words the recogniser should expect, comma-separated


@dataclass(frozen=True)
class Listen:
    """One ``<Gather>``: where the answer goes and how to listen for it."""

    action: str
    language: str
    num_digits: int | None = None
    speech_timeout: int = 2
    hints: tuple[str, ...] = ()
    timeout: int = INPUT_TIMEOUT_SECONDS
    # Twilio's ``speechModel`` (HOTLINE_SPEECH_MODEL_EN/_ES): None lets Twilio choose the
    # provider and model and fail over between providers; a name such as
    # ``googlev2_telephony`` or ``deepgram_nova-3`` pins one. (``enhanced`` is deprecated: it
    # only ever applied to Google's legacy ``phone_call`` model.)
    speech_model: str | None = None


def _gather(listen: Listen) -> Gather:
    """Speech or keys; the caller can talk over the prompt (barge-in); silence also comes to
    ``action`` (``actionOnEmptyResult``), so one place counts silences."""
    locale, _ = VOICES[listen.language if listen.language in VOICES else "en"]
    return Gather(
        input="dtmf speech",
        action=listen.action,
        method="POST",
        language=locale,
        speech_model=listen.speech_model,
        speech_timeout=listen.speech_timeout,
        timeout=listen.timeout,
        num_digits=listen.num_digits,
        finish_on_key="#",
        hints=", ".join(listen.hints)[:MAX_HINTS_CHARACTERS] or None,
        barge_in=True,
        action_on_empty_result=True,
        profanity_filter=False,
    )


def ask(texts: Sequence[str], language: str, listen: Listen) -> str:
    """Says ``texts`` while listening, so the caller may answer before the end."""
    response = VoiceResponse()
    gather = _gather(listen)
    for text in texts:
        if text.strip():
            _say(gather, text, language)
    response.append(gather)
    # Only if Twilio ever skips the empty-result callback: the action still hears the silence.
    response.redirect(listen.action, method="POST")
    return str(response)


def language_menu(action: str, *, again: bool = False) -> str:
    """The greeting in both languages, each in its own voice; 1 or "English", 2 or "español"."""
    response = VoiceResponse()
    gather = Gather(
        input="dtmf speech",
        action=action,
        method="POST",
        language="en-US",
        num_digits=1,
        speech_timeout=1,
        timeout=INPUT_TIMEOUT_SECONDS,
        hints="English, Spanish, español, inglés",
        barge_in=True,
        action_on_empty_result=True,
    )
    key = "menu_again" if again else "welcome"
    for language in LANGUAGES:
        _say(gather, prompt(language, key), language)
    response.append(gather)
    response.redirect(action, method="POST")
    return str(response)


def keep_alive(text: str, language: str, redirect: str) -> str:
    """A short filler while the assistant is still thinking, then Twilio asks again."""
    response = VoiceResponse()
    _say(response, text, language)
    response.redirect(redirect, method="POST")
    return str(response)


def say_and_hang_up(texts: Sequence[str], language: str) -> str:
    response = VoiceResponse()
    for text in texts:
        if text.strip():
            _say(response, text, language)
    response.hangup()
    return str(response)


@dataclass(frozen=True)
class Transfer:
    """Where a call goes to reach a person: a phone line (``<Dial>``) or a queue."""

    action: str  # told how it ended: DialCallStatus / QueueResult
    number: str = ""  # the specialists' line, E.164
    caller_id: str = ""  # the hotline's own number, shown to the specialist
    whisper_url: str = ""  # said to the specialist before the caller is connected
    queue: str = ""
    wait_url: str = ""
    ring_seconds: int = 25


def transfer(texts: Sequence[str], language: str, to: Transfer) -> str:
    response = VoiceResponse()
    for text in texts:
        if text.strip():
            _say(response, text, language)
    if to.queue:
        enqueue = Enqueue(action=to.action, method="POST", wait_url=to.wait_url)
        enqueue.value = to.queue
        response.append(enqueue)
    else:
        dial = Dial(
            action=to.action,
            method="POST",
            caller_id=to.caller_id or None,
            timeout=to.ring_seconds,
            answer_on_bridge=True,
        )
        dial.number(to.number, url=to.whisper_url or None, method="POST")
        response.append(dial)
    return str(response)


def apologise_and_dial(english: str, spanish: str, number: str) -> str:
    """After an unexpected error on a call: the apology in both voices, then straight to the
    specialists' line (``number``, E.164; none: the call ends), with no webhook after it that
    could fail again."""
    response = VoiceResponse()
    _say(response, english, "en")
    _say(response, spanish, "es")
    if number:
        response.dial(number, answer_on_bridge=True)
    else:
        response.hangup()
    return str(response)


def hold(language: str) -> str:
    """The queue's wait music: a reassurance, then a pause; Twilio loops this document."""
    response = VoiceResponse()
    _say(response, prompt(language, "hold"), language)
    response.pause(length=20)
    return str(response)


def whisper(text: str) -> str:
    """Said only to the specialist who answered, before the caller is connected."""
    response = VoiceResponse()
    _say(response, text, "en")
    return str(response)
