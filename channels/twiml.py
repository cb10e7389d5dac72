"""Every piece of TwiML the gateway returns, built by pure functions (no I/O, no Flask).

Tests parse the XML these return; nothing else in the gateway writes TwiML by hand.
"""

from __future__ import annotations

from collections.abc import Sequence

from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import Gather, VoiceResponse

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
VOICE_TEXT = {
    "en": {
        "ask_pin_to_hear": "Hello. This is an automated message with an update for you. "
        "To hear it, enter your 4-digit PIN now.",
        "ask_pin_to_confirm": "To confirm you received this message, enter your 4-digit PIN now.",
        "no_pin": "We did not get your PIN. We will call again later. Goodbye.",
        "wrong_pin": "That PIN is not right. Please try again.",
        "confirmed": "Thank you. Your confirmation is recorded. Goodbye.",
        "code": "Your verification code is",
        "again": "Again, your code is",
        "code_expired": "This code is no longer valid. Please ask for a new one. Goodbye.",
    },
    "es": {
        "ask_pin_to_hear": "Hola. Este es un mensaje automático con una actualización para usted. "
        "Para escucharlo, marque ahora su PIN de 4 dígitos.",
        "ask_pin_to_confirm": "Para confirmar que recibió este mensaje, marque ahora su PIN "
        "de 4 dígitos.",
        "no_pin": "No recibimos su PIN. Volveremos a llamar más tarde. Adiós.",
        "wrong_pin": "Ese PIN no es correcto. Inténtelo de nuevo.",
        "confirmed": "Gracias. Su confirmación quedó registrada. Adiós.",
        "code": "Su código de verificación es",
        "again": "Otra vez, su código es",
        "code_expired": "Este código ya no es válido. Por favor pida uno nuevo. Adiós.",
    },
}


def _say(parent: VoiceResponse | Gather, text: str, language: str) -> None:
    locale, voice = VOICES[language]
    parent.say(text, language=locale, voice=voice)


def _text(language: str, key: str) -> str:
    return VOICE_TEXT[language if language in VOICE_TEXT else "en"][key]


def notification_call(
    message: str, language: str, pin_url: str, *, discreet: bool, retry: bool = False
) -> str:
    """A notification call: discreet ones say nothing until the PIN is entered (as VINE does);
    others say the message, then ask for the PIN to confirm it was heard."""
    response = VoiceResponse()
    if retry:
        _say(response, _text(language, "wrong_pin"), language)
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
    _say(gather, _text(language, key), language)
    response.append(gather)
    _say(response, _text(language, "no_pin"), language)
    response.hangup()
    return str(response)


def pin_accepted(message: str, language: str, *, discreet: bool) -> str:
    """After a right PIN: a discreet call now says the message; then thanks and hangs up."""
    response = VoiceResponse()
    if discreet:
        _say(response, message, language)
    _say(response, _text(language, "confirmed"), language)
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
        _say(response, _text(language, "code_expired"), language)
    else:
        for key in ("code", "again"):
            locale, voice = VOICES[language]
            say = response.say(_text(language, key), language=locale, voice=voice)
            say.break_(time="300ms")
            say.say_as(code, interpret_as="digits")
            response.pause(length=1)
    response.hangup()
    return str(response)
