"""Human handoff: the record of a conversation handed to a specialist, and its state machine.

::

    waiting --claim--> claimed --release (assignee)--> waiting
    waiting --reassign(to)--> claimed by ``to``;  claimed --reassign (assignee)--> claimed
    claimed --close (assignee)--> closed;  waiting --close (any specialist)--> closed

Every change is one conditional UPDATE (``WHERE id = ... AND status = ... AND assignee = ...``)
whose row count says whether it happened. Two specialists claiming at once, or a release racing
a close, cannot both win: PostgreSQL re-checks the condition once the other transaction has
committed, SQLite lets one writer at a time in. Nothing is read first and nothing is locked.

At most one handoff per conversation is open (waiting or claimed). ``open_key`` holds the
conversation id while the handoff is open and NULL once it is closed, under a UNIQUE
constraint: a second open handoff cannot be inserted, even by a request running at the same
moment, while the closed ones (all NULL) never collide, NULLs being distinct in a UNIQUE
constraint on SQLite and PostgreSQL alike. A partial unique index would say the same but has
to be spelled once per dialect; the column is also what ``open_for`` looks up.

The summary and the details of history events (notes and replies above all) are stored
encrypted, and nothing logged here carries them, nor any message text.
"""

from __future__ import annotations

import enum
import json
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    and_,
    case,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from channels.storage.database import Base, Database, as_utc, utcnow
from channels.storage.messages import Conversation, Message
from channels.storage.privacy import Privacy

log = logging.getLogger(__name__)

NAME_LENGTH = 64  # a specialist's user name
REQUEST_ATTEMPTS = 3  # a request that loses the race to open a handoff looks again


class HandoffStatus(str, enum.Enum):
    WAITING = "waiting"
    CLAIMED = "claimed"
    CLOSED = "closed"


class Priority(str, enum.Enum):
    URGENT = "urgent"
    NORMAL = "normal"


class Reason(str, enum.Enum):
    REQUEST_HUMAN = "request_human"
    EMERGENCY = "emergency"
    FALLBACK = "fallback"
    FRUSTRATION = "frustration"
    VICTIMIZATION = "victimization"
    CALLBACK = "callback"


class EventKind(str, enum.Enum):
    CREATED = "created"
    CLAIMED = "claimed"
    RELEASED = "released"
    REASSIGNED = "reassigned"
    CLOSED = "closed"
    NOTE = "note"
    REPLY = "reply"
    MESSAGE = "message"
    PRIORITY = "priority"
    CALLBACK = "callback"
    CALL = "call"  # a phone transfer: answered, or not (the outcome in the detail)


# What ``on_change`` is called with.
CREATED = "handoff.created"
CLAIMED = "handoff.claimed"
CLOSED = "handoff.closed"
UPDATED = "handoff.updated"

OPEN = (HandoffStatus.WAITING, HandoffStatus.CLAIMED)


class Handoff(Base):
    __tablename__ = "handoffs"

    id = Column(String(32), primary_key=True)
    conversation_id = Column(String(64), ForeignKey("conversations.id"), nullable=False, index=True)
    # The conversation id while open, NULL once closed: UNIQUE makes "one open per conversation".
    open_key = Column(String(64), nullable=True, unique=True)
    channel = Column(String(8), nullable=False)
    language = Column(String(2), nullable=False)
    reason = Column(Enum(Reason, native_enum=False, length=16), nullable=False)
    priority = Column(Enum(Priority, native_enum=False, length=8), nullable=False)
    status = Column(Enum(HandoffStatus, native_enum=False, length=8), nullable=False, index=True)
    assignee = Column(String(NAME_LENGTH), nullable=True)
    summary_encrypted = Column(LargeBinary, nullable=False)  # JSON
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    claimed_at = Column(DateTime(timezone=True), nullable=True)
    closed_at = Column(DateTime(timezone=True), nullable=True)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class HandoffEvent(Base):
    __tablename__ = "handoff_events"

    id = Column(Integer, primary_key=True, autoincrement=True)
    handoff_id = Column(String(32), ForeignKey("handoffs.id"), nullable=False, index=True)
    kind = Column(String(16), nullable=False)  # an EventKind value
    actor = Column(
        String(NAME_LENGTH), nullable=True
    )  # the specialist; NULL: the system, the victim
    detail_encrypted = Column(LargeBinary, nullable=True)  # JSON
    at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


@dataclass(frozen=True)
class HandoffView:
    id: str
    conversation_id: str
    channel: str
    language: str
    reason: str
    priority: str
    status: str
    assignee: str | None
    summary: dict[str, Any]
    created_at: datetime
    claimed_at: datetime | None
    closed_at: datetime | None

    def to_json(self, *, personal: bool = False) -> dict[str, Any]:
        """``personal=False`` (webhooks, anything leaving the office) has nothing of the victim:
        no summary, and not the conversation id either, a stable pseudonym of their phone
        number. ``personal=True`` is for authenticated specialists."""
        data: dict[str, Any] = {
            "id": self.id,
            "channel": self.channel,
            "language": self.language,
            "reason": self.reason,
            "priority": self.priority,
            "status": self.status,
            "assignee": self.assignee,
            "created_at": _iso(self.created_at),
            "claimed_at": _iso(self.claimed_at),
            "closed_at": _iso(self.closed_at),
        }
        if personal:
            data["conversation_id"] = self.conversation_id
            data["summary"] = self.summary
        return data


class HandoffNotFound(LookupError):
    """No such handoff (or, from ``request``, no such conversation)."""


class HandoffConflict(Exception):
    """A transition the handoff's state does not allow; the message says why."""


@dataclass(frozen=True)
class _Move:
    """One way a handoff may change: when it may (a SQL condition), what changes, what is
    recorded in its history and what ``on_change`` hears (None: nothing)."""

    allowed: ColumnElement
    values: dict[str, Any]
    kind: EventKind
    change: str | None
    detail: dict[str, Any] | None = None


class HandoffService:
    """Every operation on handoffs; each runs in its own short transaction, and ``on_change``
    is called after it has committed (its failure is logged and changes nothing)."""

    def __init__(
        self,
        database: Database,
        privacy: Privacy,
        *,
        on_change: Callable[[str, HandoffView], None] | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.database = database
        self.privacy = privacy
        self.on_change = on_change
        self.clock = clock

    # -- opening -----------------------------------------------------------------------------

    def request(
        self,
        conversation_id: str,
        *,
        channel: str,
        language: str,
        reason: Reason,
        priority: Priority,
        summary: dict[str, Any],
    ) -> tuple[HandoffView, bool]:
        """Opens a handoff, or returns the conversation's open one (``created`` False), raised to
        urgent when this request is urgent. Raises HandoffNotFound for an unknown conversation."""
        reason, priority = Reason(reason), Priority(priority)
        _check_length("channel", channel, 8)
        _check_length("language", language, 2)
        summary_encrypted = self.privacy.encrypt(json.dumps(summary, ensure_ascii=False))
        for attempt in range(REQUEST_ATTEMPTS):
            found = self._repeat(conversation_id, reason, priority)
            if found is not None:
                view, raised = found
                if raised:
                    self._notify(UPDATED, view)
                if reason is Reason.CALLBACK and isinstance(summary.get("callback"), dict):
                    # Asked again after the transfer of a call went unanswered: the callback's
                    # details go into the open handoff's history.
                    self._add_callback_details(view.id, summary["callback"])
                return view, False
            try:
                view = self._create(
                    conversation_id, channel, language, reason, priority, summary_encrypted
                )
            except IntegrityError:
                # Another request opened one first: the next look finds it.
                if attempt == REQUEST_ATTEMPTS - 1:
                    raise
                continue
            self._notify(CREATED, view)
            return view, True
        raise AssertionError("unreachable")

    def _repeat(
        self, conversation_id: str, reason: Reason, priority: Priority
    ) -> tuple[HandoffView, bool] | None:
        """The open handoff of the conversation, if any, and whether this request raised it."""
        now = self.clock()
        with self.database.session() as session:
            raised = False
            if priority is Priority.URGENT:
                raised = bool(
                    session.execute(
                        update(Handoff)
                        .where(
                            Handoff.open_key == conversation_id,
                            Handoff.priority == Priority.NORMAL,
                        )
                        .values(priority=Priority.URGENT, updated_at=now)
                        .execution_options(synchronize_session=False)
                    ).rowcount
                )
            if reason is not Reason.CALLBACK:
                # A live request turns a waiting callback into a live handoff: the specialist
                # takes the conversation now (an emergency, or asking for a person again).
                session.execute(
                    update(Handoff)
                    .where(
                        Handoff.open_key == conversation_id,
                        Handoff.reason == Reason.CALLBACK,
                    )
                    .values(reason=reason, updated_at=now)
                    .execution_options(synchronize_session=False)
                )
            row = session.execute(
                select(Handoff).where(Handoff.open_key == conversation_id)
            ).scalar_one_or_none()
            if row is None:
                return None
            if raised:
                detail = {"priority": priority.value, "reason": reason.value}
                self._add_event(session, row.id, EventKind.PRIORITY, None, detail, now)
                log.info("handoff %s: %s", row.id, EventKind.PRIORITY.value)
            return self._view(row), raised

    def _create(
        self,
        conversation_id: str,
        channel: str,
        language: str,
        reason: Reason,
        priority: Priority,
        summary_encrypted: bytes,
    ) -> HandoffView:
        now = self.clock()
        with self.database.session() as session:
            if session.get(Conversation, conversation_id) is None:
                raise HandoffNotFound("no such conversation")
            row = Handoff(
                id=uuid.uuid4().hex,
                conversation_id=conversation_id,
                open_key=conversation_id,
                channel=channel,
                language=language,
                reason=reason,
                priority=priority,
                status=HandoffStatus.WAITING,
                summary_encrypted=summary_encrypted,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()  # the UNIQUE open_key refuses a second open handoff here
            detail = {"reason": reason.value, "priority": priority.value}
            self._add_event(session, row.id, EventKind.CREATED, None, detail, now)
            view = self._view(row)
        log.info("handoff %s: %s", view.id, EventKind.CREATED.value)
        return view

    # -- reading -----------------------------------------------------------------------------

    def open_for(self, conversation_id: str) -> HandoffView | None:
        with self.database.session() as session:
            row = session.execute(
                select(Handoff).where(Handoff.open_key == conversation_id)
            ).scalar_one_or_none()
            return self._view(row) if row is not None else None

    def queue(self) -> list[HandoffView]:
        """Open handoffs: urgent first, then the longest waiting."""
        urgent_first = case((Handoff.priority == Priority.URGENT, 0), else_=1)
        with self.database.session() as session:
            rows = session.execute(
                select(Handoff)
                .where(Handoff.status.in_(OPEN))
                .order_by(urgent_first, Handoff.created_at, Handoff.id)
            ).scalars()
            return [self._view(row) for row in rows]

    def closed(self, limit: int) -> list[HandoffView]:
        """The most recently closed handoffs, newest first."""
        with self.database.session() as session:
            rows = session.execute(
                select(Handoff)
                .where(Handoff.status == HandoffStatus.CLOSED)
                .order_by(Handoff.closed_at.desc(), Handoff.id)
                .limit(limit)
            ).scalars()
            return [self._view(row) for row in rows]

    def get(self, handoff_id: str) -> HandoffView:
        with self.database.session() as session:
            return self._view(self._row(session, handoff_id))

    def history(self, handoff_id: str) -> list[dict[str, Any]]:
        """Every event, oldest first: kind, actor, at (ISO 8601) and detail (decrypted)."""
        with self.database.session() as session:
            self._row(session, handoff_id)
            events = session.execute(
                select(HandoffEvent)
                .where(HandoffEvent.handoff_id == handoff_id)
                .order_by(HandoffEvent.id)
            ).scalars()
            return [
                {
                    "id": event.id,
                    "kind": event.kind,
                    "actor": event.actor,
                    "at": _iso(event.at),
                    "detail": self._decrypt_detail(event.detail_encrypted),
                }
                for event in events
            ]

    def transcript(self, handoff_id: str) -> list[dict[str, Any]]:
        """The conversation's stored messages, oldest first, decrypted."""
        with self.database.session() as session:
            conversation_id = self._row(session, handoff_id).conversation_id
            messages = session.execute(
                select(Message)
                .where(Message.conversation_id == conversation_id)
                .order_by(Message.id)
            ).scalars()
            return [
                {
                    "id": message.id,
                    "direction": message.direction.value,
                    "body": self.privacy.decrypt(message.body_encrypted),
                    "status": message.status.value,
                    "at": _iso(message.created_at),
                }
                for message in messages
            ]

    # -- transitions -------------------------------------------------------------------------

    def claim(self, handoff_id: str, specialist: str) -> HandoffView:
        _check_name(specialist)
        now = self.clock()
        move = _Move(
            allowed=Handoff.status == HandoffStatus.WAITING,
            values={"status": HandoffStatus.CLAIMED, "assignee": specialist, "claimed_at": now},
            kind=EventKind.CLAIMED,
            change=CLAIMED,
        )
        return self._apply(handoff_id, specialist, "claim", now, [move])

    def release(self, handoff_id: str, specialist: str) -> HandoffView:
        """Back to the queue; only the assignee can."""
        _check_name(specialist)
        now = self.clock()
        move = _Move(
            allowed=_claimed_by(specialist),
            values={"status": HandoffStatus.WAITING, "assignee": None, "claimed_at": None},
            kind=EventKind.RELEASED,
            change=UPDATED,
        )
        return self._apply(handoff_id, specialist, "release", now, [move])

    def reassign(self, handoff_id: str, specialist: str, to: str) -> HandoffView:
        """The assignee hands it to ``to``; a waiting one is claimed for ``to`` by anyone.

        ``on_change`` hears "handoff.claimed" when a waiting handoff was claimed this way (the
        webhooks announce every claim), "handoff.updated" when the assignee changed."""
        _check_name(specialist)
        _check_name(to)
        now = self.clock()
        values = {"status": HandoffStatus.CLAIMED, "assignee": to, "claimed_at": now}
        detail = {"to": to}
        moves = [
            _Move(
                allowed=Handoff.status == HandoffStatus.WAITING,
                values=values,
                kind=EventKind.REASSIGNED,
                change=CLAIMED,
                detail=detail,
            ),
            _Move(
                allowed=and_(_claimed_by(specialist), Handoff.assignee != to),
                values=values,
                kind=EventKind.REASSIGNED,
                change=UPDATED,
                detail=detail,
            ),
        ]
        return self._apply(handoff_id, specialist, "reassign", now, moves)

    def close(self, handoff_id: str, specialist: str) -> HandoffView:
        """By the assignee; a waiting one (a duplicate, say) by any specialist."""
        _check_name(specialist)
        now = self.clock()
        move = _Move(
            allowed=or_(Handoff.status == HandoffStatus.WAITING, _claimed_by(specialist)),
            values={"status": HandoffStatus.CLOSED, "open_key": None, "closed_at": now},
            kind=EventKind.CLOSED,
            change=CLOSED,
        )
        return self._apply(handoff_id, specialist, "close", now, [move])

    # -- what happens while it is open ---------------------------------------------------------

    def add_note(self, handoff_id: str, specialist: str, text: str) -> None:
        """An internal note, never sent to the victim: any specialist, at any time."""
        _check_name(specialist)
        move = _Move(allowed=true(), values={}, kind=EventKind.NOTE, change=None)
        self._record_text(handoff_id, specialist, "add a note to", move, text)

    def record_reply(self, handoff_id: str, specialist: str, text: str) -> None:
        """What the assignee sent to the victim; only the assignee of a claimed handoff."""
        _check_name(specialist)
        move = _Move(allowed=_claimed_by(specialist), values={}, kind=EventKind.REPLY, change=None)
        self._record_text(handoff_id, specialist, "reply to", move, text)

    def record_callback(
        self, handoff_id: str, specialist: str, window: str, voicemail_ok: bool, note: str
    ) -> None:
        """A request to call the victim back: when it is safe to call, whether a voicemail is
        safe, and a note (may be empty). Internal like a note: any specialist, at any time."""
        _check_name(specialist)
        if not window.strip():
            raise ValueError("the time window is empty")
        detail = {"window": window, "voicemail_ok": voicemail_ok, "note": note}
        move = _Move(allowed=true(), values={}, kind=EventKind.CALLBACK, change=None, detail=detail)
        self._apply(handoff_id, specialist, "request a callback on", self.clock(), [move])

    def _add_callback_details(self, handoff_id: str, callback: dict[str, Any]) -> None:
        detail = {
            "window": str(callback.get("window") or ""),
            "voicemail_ok": bool(callback.get("voicemail_ok")),
            "note": "asked by the caller",
        }
        with self.database.session() as session:
            self._add_event(session, handoff_id, EventKind.CALLBACK, None, detail, self.clock())

    def record_call(self, handoff_id: str, outcome: str) -> None:
        """How the transfer of a call to the specialists' line ended (Twilio's DialCallStatus or
        QueueResult): the history shows every attempt."""
        move = _Move(
            allowed=true(), values={}, kind=EventKind.CALL, change=None, detail={"outcome": outcome}
        )
        self._apply(handoff_id, None, "record a call on", self.clock(), [move])

    def answered_by_phone(self, handoff_id: str, line: str) -> HandoffView:
        """A specialist talked with the caller on the phone line: the handoff is done (claimed by
        the line, then closed, so the webhooks announce both)."""
        view = self.get(handoff_id)
        if view.status == HandoffStatus.WAITING.value:
            view = self.claim(handoff_id, line)
        if view.status == HandoffStatus.CLAIMED.value and view.assignee == line:
            view = self.close(handoff_id, line)
        return view

    def record_message(self, handoff_id: str) -> None:
        """The victim wrote (the body is in ``messages``). A closed handoff refuses it with
        HandoffConflict: the message is then the assistant's to answer."""
        move = _Move(
            allowed=Handoff.status.in_(OPEN), values={}, kind=EventKind.MESSAGE, change=None
        )
        self._apply(handoff_id, None, "record a message on", self.clock(), [move])

    # -- helpers -------------------------------------------------------------------------------

    def _record_text(
        self, handoff_id: str, specialist: str, action: str, move: _Move, text: str
    ) -> None:
        if not text.strip():
            raise ValueError("the text is empty")
        self._apply(
            handoff_id, specialist, action, self.clock(), [replace(move, detail={"text": text})]
        )

    def _apply(
        self,
        handoff_id: str,
        actor: str | None,
        action: str,
        now: datetime,
        moves: Sequence[_Move],
    ) -> HandoffView:
        """The first move whose condition the row meets, in one transaction; HandoffConflict,
        saying why, when none does. ``updated_at`` changes with every move, so that a note or a
        reply also takes the row's lock and cannot slip past a transition running at once."""
        with self.database.session() as session:
            done = next((move for move in moves if self._try(session, handoff_id, move, now)), None)
            row = self._row(session, handoff_id)
            if done is None:
                raise HandoffConflict(_refusal(row, actor, action))
            self._add_event(session, handoff_id, done.kind, actor, done.detail, now)
            view = self._view(row)
        log.info("handoff %s: %s", handoff_id, done.kind.value)
        if done.change is not None:
            self._notify(done.change, view)
        return view

    @staticmethod
    def _try(session: Session, handoff_id: str, move: _Move, now: datetime) -> bool:
        changed = session.execute(
            update(Handoff)
            .where(Handoff.id == handoff_id, move.allowed)
            .values(**move.values, updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        return bool(changed)

    @staticmethod
    def _row(session: Session, handoff_id: str) -> Handoff:
        row = session.get(Handoff, handoff_id, populate_existing=True)
        if row is None:
            raise HandoffNotFound(handoff_id)
        return row

    def _add_event(
        self,
        session: Session,
        handoff_id: str,
        kind: EventKind,
        actor: str | None,
        detail: dict[str, Any] | None,
        now: datetime,
    ) -> None:
        encrypted = (
            self.privacy.encrypt(json.dumps(detail, ensure_ascii=False))
            if detail is not None
            else None
        )
        session.add(
            HandoffEvent(
                handoff_id=handoff_id,
                kind=kind.value,
                actor=actor,
                detail_encrypted=encrypted,
                at=now,
            )
        )

    def _decrypt_detail(self, token: bytes | None) -> dict[str, Any] | None:
        if token is None:
            return None
        detail: dict[str, Any] = json.loads(self.privacy.decrypt(token))
        return detail

    def _view(self, row: Handoff) -> HandoffView:
        return HandoffView(
            id=row.id,
            conversation_id=row.conversation_id,
            channel=row.channel,
            language=row.language,
            reason=Reason(row.reason).value,
            priority=Priority(row.priority).value,
            status=HandoffStatus(row.status).value,
            assignee=row.assignee,
            summary=json.loads(self.privacy.decrypt(row.summary_encrypted)),
            created_at=as_utc(row.created_at),
            claimed_at=as_utc(row.claimed_at) if row.claimed_at else None,
            closed_at=as_utc(row.closed_at) if row.closed_at else None,
        )

    def _notify(self, event: str, view: HandoffView) -> None:
        """The change is committed: a failing hook is logged (the event name, the error's type:
        never its message, which could quote the payload) and the change stands."""
        if self.on_change is None:
            return
        try:
            self.on_change(event, view)
        except Exception as error:
            log.error("handoff hook failed on %s: %s", event, type(error).__name__)


def _claimed_by(specialist: str) -> ColumnElement:
    return and_(Handoff.status == HandoffStatus.CLAIMED, Handoff.assignee == specialist)


def _refusal(row: Handoff, actor: str | None, action: str) -> str:
    refused = f"cannot {action} handoff {row.id}"
    status = HandoffStatus(row.status)
    if status is HandoffStatus.CLOSED:
        return f"{refused}: it is closed"
    if status is HandoffStatus.WAITING:
        return f"{refused}: it is waiting, nobody has claimed it"
    if row.assignee == actor:
        return f"{refused}: it is already claimed by {actor}"
    return f"{refused}: it is claimed by {row.assignee}"


def _check_name(name: str) -> None:
    _check_length("specialist", name, NAME_LENGTH)


def _check_length(field: str, value: str, limit: int) -> None:
    if not value or len(value) > limit:
        raise ValueError(f"{field}: 1 to {limit} characters")


def _iso(moment: datetime | None) -> str | None:
    return as_utc(moment).isoformat() if moment else None
