"""What an inbound SMS gets, once it is stored: carrier keywords first (STOP, START, HELP and
their Spanish), then the answers the notification exchange waits for (OK, RENEW), then the
specialist who has the conversation, else the assistant within its time budget. If the
assistant is down or slow, the person still gets a useful answer in both languages and the
message stays stored as ``unanswered``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from channels.alerts.notifications.service import NOTIFICATIONS
from channels.alerts.registrations.service import REGISTRATIONS
from channels.assistant.client import RASA, AssistantUnavailable, Intent
from channels.config.settings import current_settings
from channels.handoff.errors import HandoffConflict
from channels.handoff.service import HANDOFFS, HandoffService
from channels.handoff.states import Priority, Reason
from channels.handoff.view import HandoffView
from channels.metrics import FALLBACK_ANSWERS
from channels.storage.database import utcnow
from channels.storage.messages import STORE, MessageStore, Status
from channels.texts import sms as replies
from channels.twilio import twiml
from channels.twilio.keywords import (
    ExchangeReply,
    Keyword,
    KeywordMatch,
    match_exchange_reply,
    match_keyword,
)
from formats.danger import signals_danger

log = logging.getLogger(__name__)

CHANNEL = "sms"
CANCEL_INTENT = Intent("cancel")
CANCEL_TIMEOUT_SECONDS = 2.0
# Texts a minute from one phone that the assistant answers: one every three seconds, faster
# than anyone answers a form's questions, slow enough to stop a script.
FLOOD_LIMIT = 20
FLOOD_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class Texter:
    """Who sent the text: their conversation, the keyed hashes of their phone (under every
    hashing key: registrations and alerts know the phone by them), and whether they opted out."""

    conversation_id: str
    contact_keys: tuple[str, ...]
    opted_out: bool
    # What Twilio's own opt-out handling made of the text (its ``OptOutType``), when it ran.
    twilio_keyword: Keyword | None = None


def answer(texter: Texter, body: str, media_count: int) -> tuple[str, Status, str]:
    """What to text back, how the message was handled, and why if it was not answered."""
    conversation_id, opted_out = texter.conversation_id, texter.opted_out
    settings = current_settings()
    store = STORE.get()
    keyword, reply = carrier_keyword(texter, body, settings.opt_out_replies)
    if keyword is not None:
        if keyword.keyword in (Keyword.OPT_OUT, Keyword.OPT_IN):
            store.set_opted_out(conversation_id, keyword.keyword is Keyword.OPT_OUT)
        text = replies.keyword_reply(
            keyword.keyword.value, keyword.language, settings.specialist_phone
        )
        if keyword.keyword is Keyword.OPT_OUT:
            _close_open_forms(conversation_id)
            if _withdraw_alerts(texter.contact_keys):
                text = f"{text} {replies.alerts_stopped(keyword.language)}"
        return (text if reply else ""), Status.ANSWERED, ""
    exchange = None if opted_out else _exchange_reply(texter.contact_keys, body)
    if exchange:
        return exchange, Status.ANSWERED, ""
    handoffs = HANDOFFS.find()
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
        return "", Status.OPTED_OUT, "opted out: not answered"
    if not body.strip():
        return replies.text_only(), Status.ANSWERED, ""
    flood = _flooding(store, conversation_id, body)
    if flood is not None:
        return flood
    rasa = RASA.get()
    started = time.perf_counter()
    try:
        texts = rasa.send(conversation_id, body, {"channel": CHANNEL, "media_count": media_count})
    except AssistantUnavailable as failure:
        elapsed = time.perf_counter() - started
        log.error("assistant unavailable after %.2fs (%s); message kept", elapsed, failure)
        FALLBACK_ANSWERS.labels(CHANNEL).inc()
        return (
            replies.assistant_unavailable(settings.specialist_phone),
            Status.UNANSWERED,
            str(failure),
        )
    return twiml.join_messages(texts), Status.ANSWERED, ""


def carrier_keyword(
    texter: Texter, body: str, opt_out_replies: str
) -> tuple[KeywordMatch | None, bool]:
    """The carrier keyword the text is, and whether the gateway answers it.

    ``HOTLINE_OPT_OUT_REPLIES=gateway`` (Twilio's opt-out handling off): the gateway's own
    keywords, answered here. ``twilio`` (Twilio's default or Advanced Opt-Out): Twilio has
    answered what it recognised and blocks who it opted out, so its ``OptOutType`` decides and
    the gateway stays silent (no double reply); an opt-out or help word Twilio did not know
    (say, Spanish ones not set up there) is still honoured and answered here; an opt-in word
    it did not know changes nothing, since Twilio would still block the number.
    """
    own = match_keyword(body, opted_out=texter.opted_out)
    if opt_out_replies == "gateway":
        return own, True
    if texter.twilio_keyword is not None:
        language = own.language if own is not None else "en"
        return KeywordMatch(texter.twilio_keyword, language), False
    if own is not None and own.keyword is not Keyword.OPT_IN:
        return own, True
    return None, False


def _flooding(
    store: MessageStore, conversation_id: str, body: str
) -> tuple[str, Status, str] | None:
    """More than ``FLOOD_LIMIT`` texts in a minute from one phone are kept, not answered (one
    short reply says so), so that a flood cannot run up the assistant and the SMS bill; a text
    that signals danger is always answered."""
    recent = store.inbound_since(conversation_id, utcnow() - FLOOD_WINDOW)
    if recent <= FLOOD_LIMIT or signals_danger(body):
        return None
    reply = replies.slow_down() if recent == FLOOD_LIMIT + 1 else ""
    return reply, Status.THROTTLED, f"over {FLOOD_LIMIT} texts a minute: kept, not answered"


def _to_specialist(
    handoffs: HandoffService, handoff: HandoffView, body: str, opted_out: bool
) -> tuple[str, Status, str]:
    """A specialist has the conversation: the message is theirs (stored already, shown in the
    handoff), not the assistant's. Danger still gets 911 at once, and makes the handoff urgent."""
    handoffs.record_message(handoff.id)
    rasa = RASA.get()
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
    rasa = RASA.get()
    try:
        rasa.send(conversation_id, CANCEL_INTENT, {"channel": CHANNEL}, CANCEL_TIMEOUT_SECONDS)
    except AssistantUnavailable:
        log.info("could not tell the assistant about an opt-out; it may still ask a question")


def _withdraw_alerts(contact_keys: tuple[str, ...]) -> int:
    """STOP ends the registrations that text or call this phone; carriers forbid texting it."""
    registrations = REGISTRATIONS.get()
    return registrations.withdraw_contact(contact_keys)


def _exchange_reply(contact_keys: tuple[str, ...], body: str) -> str:
    """ "OK" to a custody alert, "RENEW" to a reminder: answered here when something waits for
    it from this phone; otherwise the assistant answers."""
    matched = match_exchange_reply(body)
    if matched is None:
        return ""
    reply, language = matched
    if reply is ExchangeReply.CONFIRM:
        notifications = NOTIFICATIONS.get()
        count = notifications.confirm_by_reply(contact_keys)
    else:
        registrations = REGISTRATIONS.get()
        count = registrations.renew(contact_keys)
    return replies.exchange_reply(reply.value, language, count) if count else ""
