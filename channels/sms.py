"""``POST /twilio/sms``: one inbound SMS in, one TwiML answer out.

Order of work, so that nothing is lost: check the signature (decorator), check the request,
store the message, answer carrier keywords, ask the assistant within its time budget, store the
answer, reply. If the assistant is down or slow, the person still gets a useful answer in both
languages and the message stays stored as ``unanswered``.
"""

from __future__ import annotations

import logging
import time
import unicodedata

from flask import Blueprint, Response, abort, current_app, request

from channels.alerts.notifications.service import NotificationService
from channels.alerts.registrations.service import RegistrationService
from channels.assistant.client import AssistantUnavailable, RasaClient
from channels.handoff.errors import HandoffConflict
from channels.handoff.models import HandoffView, Priority, Reason
from channels.handoff.service import HandoffService
from channels.settings import Settings
from channels.storage.messages import DuplicateMessage, InboundMessage, MessageStore, Status
from channels.storage.privacy import Privacy
from channels.texts import sms as replies
from channels.twilio import twiml
from channels.twilio.keywords import ExchangeReply, Keyword, match_exchange_reply, match_keyword
from channels.twilio.signature import twilio_signed, twiml_response

log = logging.getLogger(__name__)
bp = Blueprint("sms", __name__)
CHANNEL = "sms"
REQUIRED_FIELDS = ("From", "MessageSid")
CANCEL_INTENT = "/cancel"  # Rasa reads "/intent" as that intent, with no NLU
CANCEL_TIMEOUT_SECONDS = 2.0


@bp.post("/twilio/sms")
@twilio_signed
def inbound_sms() -> Response:
    form = request.form
    missing = [name for name in REQUIRED_FIELDS if not form.get(name)]
    if missing:
        abort(400, description=f"missing Twilio field(s): {', '.join(missing)}")
    body = form.get("Body", "")
    if len(body) > twiml.MAX_SMS_CHARACTERS:
        abort(400, description=f"Body is longer than {twiml.MAX_SMS_CHARACTERS} characters")
    if not is_text(body):
        abort(400, description="Body must be text")
    media_count = _int_field("NumMedia")

    privacy: Privacy = current_app.extensions["hotline.privacy"]
    store: MessageStore = current_app.extensions["hotline.store"]
    conversation_id = privacy.conversation_key(form["From"])
    try:
        inbound_id, opted_out = store.record_inbound(
            InboundMessage(
                conversation_id=conversation_id,
                channel=CHANNEL,
                address_encrypted=privacy.encrypt(form["From"]),
                provider_sid=form["MessageSid"],
                body_encrypted=privacy.encrypt(body),
                media_count=media_count,
            )
        )
    except DuplicateMessage as duplicate:
        return _replay(store, privacy, duplicate.existing_id)

    reply, status, error = answer(conversation_id, body, media_count, opted_out)
    store.record_reply(
        inbound_id=inbound_id,
        body_encrypted=privacy.encrypt(reply) if reply else None,
        inbound_status=status,
        error=error,
    )
    return twiml_response(twiml.sms_reply(reply))


def answer(
    conversation_id: str, body: str, media_count: int, opted_out: bool
) -> tuple[str, Status, str]:
    """What to text back, how the message was handled, and why if it was not answered."""
    settings: Settings = current_app.config["HOTLINE_SETTINGS"]
    store: MessageStore = current_app.extensions["hotline.store"]
    keyword = match_keyword(body, opted_out=opted_out)
    if keyword is not None:
        if keyword.keyword in (Keyword.OPT_OUT, Keyword.OPT_IN):
            store.set_opted_out(conversation_id, keyword.keyword is Keyword.OPT_OUT)
        text = replies.keyword_reply(
            keyword.keyword.value, keyword.language, settings.specialist_phone
        )
        if keyword.keyword is Keyword.OPT_OUT:
            _close_open_forms(conversation_id)
            if _withdraw_alerts(conversation_id):
                text = f"{text} {replies.alerts_stopped(keyword.language)}"
        return text, Status.ANSWERED, ""
    exchange = None if opted_out else _exchange_reply(conversation_id, body)
    if exchange:
        return exchange, Status.ANSWERED, ""
    handoffs: HandoffService | None = current_app.extensions.get("hotline.handoffs")
    handoff = handoffs.open_for(conversation_id) if handoffs else None
    # A callback handoff asks to be called back later: the assistant keeps the conversation.
    if handoffs is not None and handoff is not None and handoff.reason != Reason.CALLBACK.value:
        try:
            return _to_specialist(handoffs, handoff, body, opted_out)
        except HandoffConflict:
            pass  # closed a moment ago: the assistant has the conversation again
    if opted_out:
        # Carriers forbid texting someone who opted out until they opt back in; the message
        # stays stored as unanswered so that it is not lost.
        return "", Status.UNANSWERED, "opted out: not answered"
    if not body.strip():
        return replies.text_only(), Status.ANSWERED, ""
    rasa: RasaClient = current_app.extensions["hotline.rasa"]
    started = time.perf_counter()
    try:
        texts = rasa.send(conversation_id, body, {"channel": CHANNEL, "media_count": media_count})
    except AssistantUnavailable as failure:
        elapsed = time.perf_counter() - started
        log.error("assistant unavailable after %.2fs (%s); message kept", elapsed, failure)
        return (
            replies.assistant_unavailable(settings.specialist_phone),
            Status.UNANSWERED,
            str(failure),
        )
    return twiml.join_messages(texts), Status.ANSWERED, ""


def _to_specialist(
    handoffs: HandoffService, handoff: HandoffView, body: str, opted_out: bool
) -> tuple[str, Status, str]:
    """A specialist has the conversation: the message is theirs (stored already, shown in the
    handoff), not the assistant's. Danger still gets 911 at once, and makes the handoff urgent."""
    handoffs.record_message(handoff.id)
    rasa: RasaClient = current_app.extensions["hotline.rasa"]
    emergency = bool(body.strip()) and rasa.intent(body) == "emergency"
    if emergency:
        handoffs.request(
            handoff.conversation_id,
            channel=handoff.channel,
            language=handoff.language,
            reason=Reason.EMERGENCY,
            priority=Priority.URGENT,
            summary={},
        )
    if opted_out:
        return "", Status.FORWARDED, "opted out: forwarded to the specialist, not answered"
    if emergency:
        return replies.emergency_while_handed_off(handoff.language), Status.FORWARDED, ""
    if handoff.status == "waiting":
        return replies.with_specialists(handoff.language), Status.FORWARDED, ""
    return "", Status.FORWARDED, ""


def _close_open_forms(conversation_id: str) -> None:
    """A STOP in the middle of a sign-up ends it in the assistant too (its ``cancel`` intent),
    so that texts after START are not taken as answers to the last question. Best effort and
    brief: the opt-out itself never waits on the assistant."""
    rasa: RasaClient = current_app.extensions["hotline.rasa"]
    try:
        rasa.send(conversation_id, CANCEL_INTENT, {"channel": CHANNEL}, CANCEL_TIMEOUT_SECONDS)
    except AssistantUnavailable:
        log.info("could not tell the assistant about an opt-out; it may still ask a question")


def _withdraw_alerts(conversation_id: str) -> int:
    """STOP ends the registrations that text or call this phone; carriers forbid texting it."""
    registrations: RegistrationService = current_app.extensions["hotline.registrations"]
    return registrations.withdraw_contact(conversation_id)


def _exchange_reply(conversation_id: str, body: str) -> str:
    """ "OK" to a custody alert, "RENEW" to a reminder: answered here when something waits for
    it (the phone's conversation key is also its contact key); otherwise the assistant answers."""
    matched = match_exchange_reply(body)
    if matched is None:
        return ""
    reply, language = matched
    if reply is ExchangeReply.CONFIRM:
        notifications: NotificationService = current_app.extensions["hotline.notifications"]
        count = notifications.confirm_by_reply(conversation_id)
    else:
        registrations: RegistrationService = current_app.extensions["hotline.registrations"]
        count = registrations.renew(conversation_id)
    return replies.exchange_reply(reply.value, language, count) if count else ""


def is_text(body: str) -> bool:
    """No NUL or other control characters, no undecodable bytes (U+FFFD)."""
    return "\ufffd" not in body and not any(
        unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in body
    )


def _int_field(name: str) -> int:
    raw = request.form.get(name, "0") or "0"
    if not raw.isdigit():
        abort(400, description=f"{name} must be a whole number")
    return int(raw)


def _replay(store: MessageStore, privacy: Privacy, inbound_id: int) -> Response:
    """Twilio retried a message we already have: give the same answer, never a second one."""
    stored = store.reply_to(inbound_id)
    body = privacy.decrypt(stored.body_encrypted) if stored else ""
    log.info("duplicate MessageSid; replaying the stored answer")
    return twiml_response(twiml.sms_reply(body))
