"""Texts the assistant did not answer are followed up: none lost, none answered twice.

A text is kept ``unanswered`` when the assistant was down or too slow (the texter got the
bilingual answer with 911 and the specialists' number), and stays ``received`` when its webhook
failed half-way. The sweep (every ``HOTLINE_SWEEP_SECONDS``) first moves spooled texts into the
database, then takes each kept text, oldest first, by a claim only one process can win:

* the conversation opted out since: stored as such, never answered; a kept STOP is applied
  as the webhook would have (no more texts, the phone's custody alerts withdrawn);
* a specialist has the conversation: it is theirs (shown in the handoff);
* the assistant is back: it answers the text, and the answer goes out by SMS;
* the assistant is still down after ``HOTLINE_FOLLOW_UP_MINUTES``: a person gets it, as a
  handoff (urgent when the text signals danger); before that, it waits for the next sweep;
* a claim abandoned half-way (its process died): a person gets it, never a second answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from channels.alerts.registrations.service import RegistrationService
from channels.assistant.client import AssistantUnavailable, RasaClient
from channels.handoff.service import HandoffService
from channels.handoff.states import Priority, Reason
from channels.outbound.message import Channel, Outbound, Sender, SendFailed
from channels.storage.database import utcnow
from channels.storage.messages import KeptMessage, MessageStore, Status
from channels.storage.privacy import Privacy
from channels.storage.spool import Spool
from channels.twilio import twiml
from channels.twilio.keywords import Keyword, match_keyword
from formats.danger import signals_danger

log = logging.getLogger(__name__)

CHANNEL = "sms"
# A webhook answers within Twilio's 15 s: a text still "received" after this failed half-way.
STUCK_AFTER = timedelta(minutes=2)
# A follow-up takes seconds: a claim older than this was abandoned (its process died).
ABANDONED_AFTER = timedelta(minutes=10)


@dataclass
class FollowUp:
    store: MessageStore
    privacy: Privacy
    rasa: RasaClient
    sender: Sender
    handoffs: HandoffService
    registrations: RegistrationService
    spool: Spool
    give_to_person_after: timedelta
    clock: Callable[[], datetime] = field(default=utcnow)

    def sweep(self) -> dict[str, int]:
        """One pass; how many texts ended which way (for logs and tests)."""
        outcomes: dict[str, int] = {}
        moved = self.spool.replay_into(self.store)
        if moved:
            outcomes["spooled"] = moved
        now = self.clock()
        kept = self.store.kept_messages(
            CHANNEL, stuck_before=now - STUCK_AFTER, abandoned_before=now - ABANDONED_AFTER
        )
        assistant_up = bool(kept) and self._assistant_up()
        for message in kept:
            if self.store.claim(message, now):
                outcome = self._follow_up(message, assistant_up, now)
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if outcomes:
            log.info("follow-up of kept texts: %s", outcomes)
        return outcomes

    def _assistant_up(self) -> bool:
        try:
            self.rasa.ping()
        except AssistantUnavailable:
            return False
        return True

    def _follow_up(self, message: KeptMessage, assistant_up: bool, now: datetime) -> str:
        address, opted_out = self.store.contact(message.conversation_id)
        body = self.privacy.decrypt(message.body_encrypted)
        if opted_out:
            return self._done(message, Status.OPTED_OUT, "opted out: not answered")
        keyword = match_keyword(body)
        if keyword is not None and keyword.keyword in (Keyword.OPT_OUT, Keyword.OPT_IN):
            opting_out = keyword.keyword is Keyword.OPT_OUT
            self.store.set_opted_out(message.conversation_id, opting_out)
            if opting_out:  # as in the webhook: the alerts to this phone end too
                phone = self.privacy.decrypt(address)
                self.registrations.withdraw_contact(self.privacy.conversation_keys(phone))
            return self._done(message, Status.ANSWERED, "keyword applied after an outage")
        if message.status is Status.REPLAYING:
            # An earlier follow-up stopped half-way: it may have answered already, so a person
            # looks at it; never a second automatic answer.
            return self._to_person(message, body)
        handoff = self.handoffs.open_for(message.conversation_id)
        if handoff is not None and handoff.reason != Reason.CALLBACK.value:
            self.handoffs.record_message(handoff.id)
            return self._done(message, Status.FORWARDED, "")
        if assistant_up:
            answered = self._answer(message, body, self.privacy.decrypt(address))
            if answered:
                return answered
        if now - message.created_at >= self.give_to_person_after:
            return self._to_person(message, body)
        self.store.release(message.id)
        return "waiting"

    def _answer(self, message: KeptMessage, body: str, to: str) -> str | None:
        """The assistant's answer, texted; None when the assistant failed again."""
        metadata = {"channel": CHANNEL, "media_count": message.media_count, "follow_up": True}
        try:
            texts = self.rasa.send(message.conversation_id, body, metadata)
        except AssistantUnavailable:
            return None
        reply = twiml.join_messages(texts)
        reference = f"follow-up:{message.id}"
        try:
            self.sender.send(Outbound(channel=Channel.SMS, to=to, body=reply, reference=reference))
        except SendFailed:
            return self._to_person(message, body)
        self.store.record_reply(
            inbound_id=message.id,
            body_encrypted=self.privacy.encrypt(reply),
            inbound_status=Status.ANSWERED,
            error="answered after an outage",
        )
        return "answered"

    def _to_person(self, message: KeptMessage, body: str) -> str:
        view, _ = self.handoffs.request(
            message.conversation_id,
            channel=CHANNEL,
            language="en",
            reason=Reason.FALLBACK,
            priority=Priority.URGENT if signals_danger(body) else Priority.NORMAL,
            summary={"note": "texted while the assistant was unavailable"},
        )
        self.handoffs.record_message(view.id)
        return self._done(message, Status.FORWARDED, "assistant unavailable: given to a person")

    def _done(self, message: KeptMessage, status: Status, error: str) -> str:
        self.store.record_reply(
            inbound_id=message.id, body_encrypted=None, inbound_status=status, error=error
        )
        return status.value
