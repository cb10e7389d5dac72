"""What a specialist does to the victim's conversation, shared by the console and the API.

Replying texts the victim through the sender interface and stores the text with the
conversation's messages (encrypted); closing hands the conversation back to the assistant
(Rasa's ``resume`` event) and tells the victim so. Both need the app's extensions, so they run
inside a request (or an app context). Nothing here logs a phone number or a message's text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from channels.assistant.client import RASA, AssistantUnavailable
from channels.handoff.errors import HandoffConflict
from channels.handoff.service import HandoffService
from channels.handoff.states import HandoffStatus
from channels.handoff.view import HandoffView
from channels.outbound.message import SENDER, Channel, Outbound, Receipt, SendFailed
from channels.storage.messages import STORE, MessageStore
from channels.storage.privacy import PRIVACY
from channels.texts import sms as replies

log = logging.getLogger(__name__)

VIEWED = "handoff.viewed"  # the audit action of reading one handoff's personal data
SMS_MAX_CHARACTERS = 1600  # Twilio's limit for one message, however many segments
NOTE_MAX_CHARACTERS = 4000


class OptedOut(Exception):
    """The person texted STOP: carriers forbid texting them until they text START."""


@dataclass(frozen=True)
class Sent:
    """A reply that went out: the stored message's id and the sender's receipt."""

    message_id: int
    receipt: Receipt


@dataclass(frozen=True)
class Closed:
    """A closed handoff, and whether the assistant took over again and the victim was told."""

    view: HandoffView
    assistant_resumed: bool
    victim_notified: bool


def send_reply(service: HandoffService, handoff_id: str, specialist: str, text: str) -> Sent:
    """Texts ``text`` to the victim and records it in the handoff's history.

    Only the specialist who has claimed the handoff replies (HandoffConflict otherwise); raises
    HandoffNotFound, OptedOut or SendFailed (then nothing is stored or recorded)."""
    view = service.get(handoff_id)
    if view.status != HandoffStatus.CLAIMED.value or view.assignee != specialist:
        raise HandoffConflict("only the specialist who has claimed the handoff can reply")
    message_id, receipt = text_victim(view, text, f"handoff:{view.id}:reply")
    service.record_reply(view.id, specialist, text)
    log.info("handoff %s: a specialist replied (message %s)", view.id, message_id)
    return Sent(message_id, receipt)


def close_handoff(service: HandoffService, handoff_id: str, specialist: str) -> Closed:
    """Closes, then gives the conversation back to the assistant and tells the victim. Neither
    of those two can undo the close: a failure is logged and shown in the result."""
    view = service.close(handoff_id, specialist)
    return Closed(view, resume_assistant(view), tell_victim_assistant_is_back(view))


def resume_assistant(view: HandoffView) -> bool:
    rasa = RASA.get()
    try:
        rasa.resume(view.conversation_id)
    except AssistantUnavailable as error:
        log.warning("handoff %s closed; the assistant was not resumed: %s", view.id, error)
        return False
    return True


def tell_victim_assistant_is_back(view: HandoffView) -> bool:
    """Only for text conversations: a caller who never texted may not want a text."""
    if view.channel != Channel.SMS.value:
        return False
    text = replies.back_with_assistant(view.language)
    try:
        text_victim(view, text, f"handoff:{view.id}:closed")
    except (OptedOut, SendFailed) as error:
        log.warning("handoff %s closed; the victim was not told: %s", view.id, type(error).__name__)
        return False
    return True


def text_victim(view: HandoffView, text: str, reference: str) -> tuple[int, Receipt]:
    """Sends ``text`` to the conversation's phone and stores it with its messages (encrypted).

    Raises OptedOut or SendFailed (then nothing is stored)."""
    store, privacy, sender = STORE.get(), PRIVACY.get(), SENDER.get()
    to = privacy.decrypt(_address(store, view.conversation_id))
    receipt = sender.send(Outbound(channel=Channel.SMS, to=to, body=text, reference=reference))
    return store.record_outbound(view.conversation_id, privacy.encrypt(text)), receipt


def _address(store: MessageStore, conversation_id: str) -> bytes:
    """The conversation's number, encrypted (a handoff's conversation exists: a foreign key);
    OptedOut after a STOP."""
    address, opted_out = store.contact(conversation_id)
    if opted_out:
        raise OptedOut()
    return address
