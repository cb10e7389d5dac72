"""The last answer when something unexpected fails (a database error, a bug): never a bare 500
to a person in need, and never a lost message.

* ``/twilio/sms``: the bilingual answer with 911 and the specialists' number. The text itself
  is kept: it is in the database already when the failure came after storing it (the follow-up
  sweep finds it there), else it goes to the local spool (``channels.storage.spool``) and into
  the database when it is back.
* the hotline's call webhooks (``/twilio/voice...``): an apology in both languages, then the
  specialists' line.
* any other Twilio webhook: an empty TwiML answer; anything else: JSON, without a stack trace.

The full error goes to the log; what people typed never does.
"""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from channels.config.settings import current_settings
from channels.routes.parsing import MAX_ADDRESS
from channels.sms_flow.answer import CHANNEL
from channels.storage.messages import InboundMessage
from channels.storage.privacy import PRIVACY
from channels.storage.spool import SPOOL
from channels.texts import calls as said
from channels.texts import sms as replies
from channels.twilio import twiml
from channels.twilio.signature import twiml_response

log = logging.getLogger(__name__)

SMS_PATH = "/twilio/sms"
VOICE_PREFIX = "/twilio/voice"


def register(app: Flask) -> None:
    app.register_error_handler(Exception, unexpected_error)


def unexpected_error(error: Exception) -> ResponseReturnValue:
    if isinstance(error, HTTPException):  # handled by the app's own handler; here if re-raised
        return error
    log.error("unexpected error on %s %s", request.method, request.path, exc_info=error)
    if g.get("twilio_signed"):
        if request.path == SMS_PATH:
            return _sms_apology()
        if request.path.startswith(VOICE_PREFIX):
            return _call_apology()
        return twiml_response(twiml.hang_up())
    response = jsonify(error="Internal Server Error", detail="an unexpected error; it is logged")
    response.status_code = 500
    return response


def _sms_apology() -> ResponseReturnValue:
    if not g.get("inbound_stored"):
        _spool_the_text()
    settings = current_settings()
    return twiml_response(twiml.sms_reply(replies.assistant_unavailable(settings.specialist_phone)))


def _spool_the_text() -> None:
    """The text as Twilio sent it (signed), encrypted, into the spool; a text that cannot even
    be spooled is reported by its MessageSid so that it can be fetched from Twilio."""
    form = request.form
    sid = form.get("MessageSid", "")[:64]
    try:
        privacy = PRIVACY.get()
        sender = form.get("From", "")[:MAX_ADDRESS]
        address_keys = privacy.conversation_keys(sender)
        SPOOL.get().keep(
            InboundMessage(
                conversation_id=address_keys[0],
                address_keys=address_keys,
                channel=CHANNEL,
                address_encrypted=privacy.encrypt(sender),
                provider_sid=sid,
                body_encrypted=privacy.encrypt(form.get("Body", "")[: twiml.MAX_SMS_CHARACTERS]),
            )
        )
    except Exception:
        log.critical("could not keep the text %s: fetch it from Twilio's message log", sid)


def _call_apology() -> ResponseReturnValue:
    settings = current_settings()
    english, spanish = (said.prompt(language, "technical_problem") for language in ("en", "es"))
    return twiml_response(twiml.apologise_and_dial(english, spanish, settings.transfer_number))
