"""``POST /twilio/sms``: one inbound SMS in, one TwiML answer out.

Order of work, so that nothing is lost: check the signature (decorator), check the request,
store the message, work out the answer (``channels.sms_flow``: carrier keywords, the assistant
within its time budget, ...), store the answer, reply.
"""

from __future__ import annotations

import logging
import unicodedata

from flask import Blueprint, Response, abort, g, request

from channels.routes.parsing import form_address, form_count, form_sid, form_text
from channels.sms_flow.answer import CHANNEL, Texter, answer
from channels.storage.messages import STORE, DuplicateMessage, InboundMessage, MessageStore
from channels.storage.privacy import PRIVACY, Privacy
from channels.twilio import twiml
from channels.twilio.keywords import TWILIO_OPT_OUT_TYPES
from channels.twilio.signature import twilio_signed, twiml_response

log = logging.getLogger(__name__)
bp = Blueprint("sms", __name__)
MAX_MEDIA = 10  # Twilio sends at most 10 attachments with one message


@bp.post("/twilio/sms")
@twilio_signed
def inbound_sms() -> Response:
    sender, sid = form_address("From"), form_sid("MessageSid")
    body = form_text("Body", twiml.MAX_SMS_CHARACTERS)
    if not is_text(body):
        abort(400, description="Body must be text")
    media_count = form_count("NumMedia", MAX_MEDIA)

    privacy = PRIVACY.get()
    store = STORE.get()
    address_keys = privacy.conversation_keys(sender)
    try:
        recorded = store.record_inbound(
            InboundMessage(
                conversation_id=address_keys[0],
                channel=CHANNEL,
                address_encrypted=privacy.encrypt(sender),
                provider_sid=sid,
                body_encrypted=privacy.encrypt(body),
                media_count=media_count,
                address_keys=address_keys,
            )
        )
    except DuplicateMessage as duplicate:
        return _replay(store, privacy, duplicate.existing_id)
    g.inbound_stored = True  # from here on, a failure leaves the text for the follow-up sweep

    # Only ever one of three words; anything else is ignored, never refused.
    opt_out_type = request.form.get("OptOutType", "")[:16].strip().upper()
    twilio_keyword = TWILIO_OPT_OUT_TYPES.get(opt_out_type)
    texter = Texter(recorded.conversation_id, address_keys, recorded.opted_out, twilio_keyword)
    reply, status, error = answer(texter, body, media_count)
    store.record_reply(
        inbound_id=recorded.inbound_id,
        body_encrypted=privacy.encrypt(reply) if reply else None,
        inbound_status=status,
        error=error,
    )
    return twiml_response(twiml.sms_reply(reply))


def is_text(body: str) -> bool:
    """No NUL or other control characters, no undecodable bytes (U+FFFD)."""
    return "\ufffd" not in body and not any(
        unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in body
    )


def _replay(store: MessageStore, privacy: Privacy, inbound_id: int) -> Response:
    """Twilio retried a message we already have: give the same answer, never a second one."""
    stored = store.reply_to(inbound_id)
    body = privacy.decrypt(stored.body_encrypted) if stored else ""
    log.info("duplicate MessageSid; replaying the stored answer")
    return twiml_response(twiml.sms_reply(body))
