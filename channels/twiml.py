"""Every piece of TwiML the gateway returns, built by pure functions (no I/O, no Flask).

Tests parse the XML these return; nothing else in the gateway writes TwiML by hand.
"""

from __future__ import annotations

from collections.abc import Sequence

from twilio.twiml.messaging_response import MessagingResponse

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
