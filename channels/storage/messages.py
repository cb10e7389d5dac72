"""Conversations and every message in and out: stored before anything else happens to them.

Message bodies and phone numbers are stored encrypted (see ``channels.storage.privacy``); a
conversation is keyed by a keyed hash of the phone number, never the number itself.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from channels.extension import Extension
from channels.storage.database import Base, Database, as_utc, utcnow
from channels.storage.privacy import Privacy
from channels.storage.retention import eraser


class Direction(str, enum.Enum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class Status(str, enum.Enum):
    RECEIVED = "received"  # stored, not yet answered
    ANSWERED = "answered"  # the assistant (or a keyword rule) answered it
    UNANSWERED = "unanswered"  # the assistant was down or too slow: kept for follow-up
    SENT = "sent"  # an outbound reply handed to Twilio in the webhook's answer
    FORWARDED = "forwarded"  # a specialist has the conversation: theirs to answer
    OPTED_OUT = "opted_out"  # sent after a STOP: stored, never answered (carriers forbid it)
    REPLAYING = "replaying"  # a kept message being given to the assistant again (a claim)
    THROTTLED = "throttled"  # part of a flood from one phone: kept, shown, not answered


class Conversation(Base):
    __tablename__ = "conversations"

    # Fixed when the conversation starts (the phone's keyed hash then, or the call's): Rasa,
    # handoffs and registrations refer to it, so a key rotation never changes it.
    id = Column(String(64), primary_key=True)
    channel = Column(String(16), nullable=False)
    address_encrypted = Column(LargeBinary, nullable=False)
    # How a text finds its conversation: the phone's keyed hash under the current hashing key
    # (re-computed by a rotation). None for a call, which is its own conversation.
    address_key = Column(String(64), nullable=True, index=True, unique=True, info={"keyed": True})
    opted_out = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)

    @staticmethod
    def rekey(row: Conversation, privacy: Privacy) -> dict[str, str]:
        """Its address key under the current hashing key (``channels.storage.rotate``)."""
        if row.address_key is None:
            return {}
        return {"address_key": privacy.conversation_key(privacy.decrypt(row.address_encrypted))}


class MessageCount(Base):
    """How many messages there were, by day, channel and direction: what retention keeps of
    the messages it erases."""

    __tablename__ = "message_counts"

    day = Column(Date, primary_key=True)
    channel = Column(String(16), primary_key=True)
    direction = Column(String(16), primary_key=True)
    count = Column(Integer, nullable=False, default=0)


class Message(Base):
    __tablename__ = "messages"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(64), ForeignKey("conversations.id"), nullable=False, index=True)
    direction = Column(Enum(Direction, native_enum=False, length=16), nullable=False)
    channel = Column(String(16), nullable=False)
    provider_sid = Column(String(64), unique=True, nullable=True)  # Twilio's MessageSid
    reply_to_id = Column(Integer, ForeignKey("messages.id"), nullable=True, index=True)
    body_encrypted = Column(LargeBinary, nullable=False)
    media_count = Column(Integer, nullable=False, default=0)
    status = Column(Enum(Status, native_enum=False, length=16), nullable=False)
    error = Column(Text, nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    # When a follow-up sweep claimed it (``replaying``): a claim left too long was abandoned.
    claimed_at = Column(DateTime(timezone=True), nullable=True)


@dataclass(frozen=True)
class InboundMessage:
    """What is stored of an inbound message, already encrypted.

    With ``address_keys`` (a phone's keyed hashes under every hashing key, the current one
    first), the message joins the conversation found by any of them, or starts one with id
    ``conversation_id``; without, ``conversation_id`` is the conversation (a call's)."""

    conversation_id: str
    channel: str
    address_encrypted: bytes
    provider_sid: str
    body_encrypted: bytes
    media_count: int = 0
    address_keys: tuple[str, ...] = ()


class Recorded(NamedTuple):
    """A stored inbound message: its id, its conversation's, and whether that opted out."""

    inbound_id: int
    conversation_id: str
    opted_out: bool


@dataclass(frozen=True)
class StoredReply:
    body_encrypted: bytes


def record_reply_in(
    session: Session,
    inbound_id: int,
    body_encrypted: bytes | None,
    inbound_status: Status,
    error: str = "",
) -> None:
    """``MessageStore.record_reply`` inside the caller's transaction (a call's turn stores its
    result with it, in one write)."""
    inbound = session.get(Message, inbound_id)
    if inbound is None:
        raise LookupError(f"no inbound message {inbound_id}")
    inbound.status = inbound_status
    inbound.error = error or None
    if body_encrypted is None:
        return
    session.add(
        Message(
            conversation_id=inbound.conversation_id,
            direction=Direction.OUTBOUND,
            channel=inbound.channel,
            reply_to_id=inbound.id,
            body_encrypted=body_encrypted,
            status=Status.SENT,
        )
    )


@dataclass(frozen=True)
class KeptMessage:
    """An inbound text the assistant did not answer, waiting for follow-up."""

    id: int
    conversation_id: str
    body_encrypted: bytes
    media_count: int
    status: Status
    created_at: datetime
    claimed_at: datetime | None = None


class DuplicateMessage(Exception):
    """Twilio sent a MessageSid we have already stored."""

    def __init__(self, existing_id: int) -> None:
        super().__init__(existing_id)
        self.existing_id = existing_id


class MessageStore:
    """The few operations the webhooks need, each in its own short transaction."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def record_inbound(self, inbound: InboundMessage) -> Recorded:
        """Store an inbound message before anything else happens to it; raises
        ``DuplicateMessage`` when the provider's id was seen before."""
        # The unique MessageSid decides what is a duplicate: insert first, look only on conflict.
        for attempt in range(2):
            try:
                return self._insert_inbound(inbound)
            except IntegrityError:
                existing = self.find_by_provider_sid(inbound.provider_sid)
                if existing is not None:
                    raise DuplicateMessage(existing) from None
                # Not a duplicate: another message created this conversation at the same
                # moment. It exists now, so the insert is retried once.
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")

    def _insert_inbound(self, inbound: InboundMessage) -> Recorded:
        with self.database.session() as session:
            conversation = _conversation_of(session, inbound)
            if conversation is None:
                conversation = Conversation(
                    id=inbound.conversation_id,
                    channel=inbound.channel,
                    address_encrypted=inbound.address_encrypted,
                    address_key=inbound.address_keys[0] if inbound.address_keys else None,
                )
                session.add(conversation)
            message = Message(
                conversation_id=conversation.id,
                direction=Direction.INBOUND,
                channel=inbound.channel,
                provider_sid=inbound.provider_sid,
                body_encrypted=inbound.body_encrypted,
                media_count=inbound.media_count,
                status=Status.RECEIVED,
            )
            session.add(message)
            session.flush()
            return Recorded(message.id, conversation.id, bool(conversation.opted_out))

    def find_by_provider_sid(self, provider_sid: str) -> int | None:
        with self.database.session() as session:
            return session.execute(
                select(Message.id).where(Message.provider_sid == provider_sid)
            ).scalar_one_or_none()

    def record_reply(
        self,
        *,
        inbound_id: int,
        body_encrypted: bytes | None,
        inbound_status: Status,
        error: str = "",
    ) -> None:
        """Mark how an inbound message was handled, and store its answer if one was sent."""
        with self.database.session() as session:
            record_reply_in(session, inbound_id, body_encrypted, inbound_status, error)

    def reply_to(self, inbound_id: int) -> StoredReply | None:
        """The answer already given to an inbound message, if any (for Twilio retries)."""
        with self.database.session() as session:
            body = session.execute(
                select(Message.body_encrypted)
                .where(Message.reply_to_id == inbound_id)
                .order_by(Message.id)
                .limit(1)
            ).scalar_one_or_none()
            return StoredReply(body) if body is not None else None

    def record_outbound(self, conversation_id: str, body_encrypted: bytes) -> int:
        """A message sent outside a webhook's answer (a specialist's reply), kept like the rest."""
        with self.database.session() as session:
            conversation = session.get(Conversation, conversation_id)
            if conversation is None:
                raise LookupError("no such conversation")
            message = Message(
                conversation_id=conversation_id,
                direction=Direction.OUTBOUND,
                channel=conversation.channel,
                body_encrypted=body_encrypted,
                status=Status.SENT,
            )
            session.add(message)
            session.flush()
            return int(message.id)

    def inbound_since(self, conversation_id: str, since: datetime) -> int:
        """How many messages the conversation sent since ``since`` (the current one included)."""
        with self.database.session() as session:
            count = session.execute(
                select(func.count(Message.id)).where(
                    Message.conversation_id == conversation_id,
                    Message.direction == Direction.INBOUND,
                    Message.created_at > since,
                )
            ).scalar_one()
            return int(count)

    def contact(self, conversation_id: str) -> tuple[bytes, bool]:
        """The conversation's address (encrypted) and whether it opted out."""
        with self.database.session() as session:
            conversation = session.get(Conversation, conversation_id)
            if conversation is None:
                raise LookupError("no such conversation")
            return bytes(conversation.address_encrypted), bool(conversation.opted_out)

    def set_opted_out(self, conversation_id: str, opted_out: bool) -> None:
        with self.database.session() as session:
            conversation = session.get(Conversation, conversation_id)
            if conversation is not None:
                conversation.opted_out = opted_out

    def kept_messages(
        self, channel: str, stuck_before: datetime, abandoned_before: datetime
    ) -> list[KeptMessage]:
        """Inbound messages of ``channel`` kept ``unanswered``, those still ``received`` since
        before ``stuck_before`` (their webhook failed half-way), and those claimed by a sweep
        before ``abandoned_before`` and never finished, oldest first."""
        kept = (
            (Message.status == Status.UNANSWERED)
            | ((Message.status == Status.RECEIVED) & (Message.created_at < stuck_before))
            | ((Message.status == Status.REPLAYING) & (Message.claimed_at < abandoned_before))
        )
        query = (
            select(Message)
            .where(Message.direction == Direction.INBOUND, Message.channel == channel, kept)
            .order_by(Message.id)
        )
        with self.database.session() as session:
            return [
                KeptMessage(
                    int(m.id),
                    str(m.conversation_id),
                    bytes(m.body_encrypted),
                    int(m.media_count),
                    Status(m.status),
                    as_utc(m.created_at),
                    as_utc(m.claimed_at) if m.claimed_at is not None else None,
                )
                for m in session.execute(query).scalars()
            ]

    def claim(self, kept: KeptMessage, now: datetime) -> bool:
        """Marks a kept message ``replaying`` (claimed at ``now``) only if it is still as it was
        read: of several sweeping processes, exactly one gets it."""
        unchanged = (
            Message.claimed_at.is_(None)
            if kept.claimed_at is None
            else Message.claimed_at == kept.claimed_at
        )
        with self.database.session() as session:
            moved = session.execute(
                update(Message)
                .where(Message.id == kept.id, Message.status == kept.status, unchanged)
                .values(status=Status.REPLAYING, claimed_at=now)
            )
            return bool(moved.rowcount == 1)

    def release(self, message_id: int) -> None:
        """A claimed message goes back to waiting (``unanswered``) for the next sweep."""
        with self.database.session() as session:
            session.execute(
                update(Message)
                .where(Message.id == message_id, Message.status == Status.REPLAYING)
                .values(status=Status.UNANSWERED, claimed_at=None)
            )

    def counts_by_status(self) -> dict[str, int]:
        """How many messages are stored in each status (for ``/metrics``)."""
        with self.database.session() as session:
            rows = session.execute(select(Message.status, func.count()).group_by(Message.status))
            return {Status(status).value: int(count) for status, count in rows}

    def messages(self, conversation_id: str) -> list[Message]:
        with self.database.session() as session:
            return messages_in(session, conversation_id)


def _conversation_of(session: Session, inbound: InboundMessage) -> Conversation | None:
    """The conversation a message joins. Found under an older hashing key, it is re-keyed to
    the current one on the spot (a rotation's re-key does the rest)."""
    if not inbound.address_keys:
        return session.get(Conversation, inbound.conversation_id)
    conversation = (
        session.execute(
            select(Conversation)
            .where(Conversation.address_key.in_(inbound.address_keys))
            .order_by(Conversation.created_at)
        )
        .scalars()
        .first()
    )
    if conversation is not None and conversation.address_key != inbound.address_keys[0]:
        conversation.address_key = inbound.address_keys[0]
    return conversation


def messages_in(session: Session, conversation_id: str) -> list[Message]:
    """A conversation's stored messages, oldest first (``MessageStore.messages`` inside the
    caller's session)."""
    return list(
        session.execute(
            select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id)
        ).scalars()
    )


STORE: Extension[MessageStore] = Extension("store")


@eraser("messages")
def erase_messages(session: Session, cutoff: datetime, _: Privacy) -> int:
    """Messages older than ``cutoff``, counted into ``message_counts`` as they go (only rows
    this process really deleted are counted, whatever another sweep does at the same time)."""
    old = session.execute(
        select(Message.id, Message.created_at, Message.channel, Message.direction).where(
            Message.created_at < cutoff
        )
    ).all()
    if not old:
        return 0
    ids = [row.id for row in old]
    session.execute(
        update(Message)
        .where(Message.reply_to_id.in_(ids))
        .values(reply_to_id=None)
        .execution_options(synchronize_session=False)
    )
    groups: dict[tuple[date, str, str], list[int]] = {}
    for row in old:
        key = (as_utc(row.created_at).date(), row.channel, Direction(row.direction).value)
        groups.setdefault(key, []).append(row.id)
    erased = 0
    for (day, channel, direction), group in sorted(groups.items()):
        deleted = session.execute(delete(Message).where(Message.id.in_(group))).rowcount
        counter = session.get(MessageCount, (day, channel, direction))
        if counter is None:
            counter = MessageCount(day=day, channel=channel, direction=direction, count=0)
            session.add(counter)
        counter.count += deleted
        erased += deleted
    return erased
