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

import json
import logging
import uuid
from typing import Any

from sqlalchemy import and_, case, or_, select, true, update
from sqlalchemy.exc import IntegrityError

from channels.extension import Extension
from channels.handoff.errors import HandoffNotFound
from channels.handoff.models import Handoff, HandoffEvent
from channels.handoff.moves import HandoffMoves, Move, check_length, check_name, claimed_by
from channels.handoff.redaction import redacted
from channels.handoff.states import (
    CLAIMED,
    CLOSED,
    CREATED,
    OPEN,
    UPDATED,
    EventKind,
    HandoffStatus,
    Priority,
    Reason,
)
from channels.handoff.view import HandoffView, iso
from channels.storage.messages import Conversation, messages_in

log = logging.getLogger(__name__)

REQUEST_ATTEMPTS = 3  # a request that loses the race to open a handoff looks again


class HandoffService(HandoffMoves):
    """Every operation on handoffs; each runs in its own short transaction, and ``on_change``
    is called after it has committed (its failure is logged and changes nothing)."""

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
        this request's priority when that is higher. Raises HandoffNotFound for an unknown
        conversation."""
        reason, priority = Reason(reason), Priority(priority)
        check_length("channel", channel, 8)
        check_length("language", language, 2)
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
            if priority.below():
                raised = bool(
                    session.execute(
                        update(Handoff)
                        .where(
                            Handoff.open_key == conversation_id,
                            Handoff.priority.in_(priority.below()),
                        )
                        .values(priority=priority, updated_at=now)
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
        """Open handoffs: urgent first, then high, then normal; in each, the longest waiting."""
        rank = case(
            *((Handoff.priority == priority, order) for order, priority in enumerate(Priority))
        )
        with self.database.session() as session:
            rows = session.execute(
                select(Handoff)
                .where(Handoff.status.in_(OPEN))
                .order_by(rank, Handoff.created_at, Handoff.id)
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
                    "at": iso(event.at),
                    "detail": self._decrypt_detail(event.detail_encrypted),
                }
                for event in events
            ]

    def transcript(self, handoff_id: str) -> list[dict[str, Any]]:
        """The conversation's stored messages, oldest first, decrypted; the PINs and codes a
        person typed are hidden (``channels.handoff.redaction``)."""
        with self.database.session() as session:
            conversation_id = self._row(session, handoff_id).conversation_id
            messages = [
                {
                    "id": message.id,
                    "direction": message.direction.value,
                    "body": self.privacy.decrypt(message.body_encrypted),
                    "status": message.status.value,
                    "at": iso(message.created_at),
                }
                for message in messages_in(session, conversation_id)
            ]
        return list(redacted(messages))

    # -- transitions -------------------------------------------------------------------------

    def claim(self, handoff_id: str, specialist: str) -> HandoffView:
        check_name(specialist)
        now = self.clock()
        move = Move(
            allowed=Handoff.status == HandoffStatus.WAITING,
            values={"status": HandoffStatus.CLAIMED, "assignee": specialist, "claimed_at": now},
            kind=EventKind.CLAIMED,
            change=CLAIMED,
        )
        return self._apply(handoff_id, specialist, "claim", now, [move])

    def release(self, handoff_id: str, specialist: str) -> HandoffView:
        """Back to the queue; only the assignee can."""
        check_name(specialist)
        now = self.clock()
        move = Move(
            allowed=claimed_by(specialist),
            values={"status": HandoffStatus.WAITING, "assignee": None, "claimed_at": None},
            kind=EventKind.RELEASED,
            change=UPDATED,
        )
        return self._apply(handoff_id, specialist, "release", now, [move])

    def reassign(self, handoff_id: str, specialist: str, to: str) -> HandoffView:
        """The assignee hands it to ``to``; a waiting one is claimed for ``to`` by anyone.

        ``on_change`` hears "handoff.claimed" when a waiting handoff was claimed this way (the
        webhooks announce every claim), "handoff.updated" when the assignee changed."""
        check_name(specialist)
        check_name(to)
        now = self.clock()
        values = {"status": HandoffStatus.CLAIMED, "assignee": to, "claimed_at": now}
        detail = {"to": to}
        moves = [
            Move(
                allowed=Handoff.status == HandoffStatus.WAITING,
                values=values,
                kind=EventKind.REASSIGNED,
                change=CLAIMED,
                detail=detail,
            ),
            Move(
                allowed=and_(claimed_by(specialist), Handoff.assignee != to),
                values=values,
                kind=EventKind.REASSIGNED,
                change=UPDATED,
                detail=detail,
            ),
        ]
        return self._apply(handoff_id, specialist, "reassign", now, moves)

    def close(self, handoff_id: str, specialist: str) -> HandoffView:
        """By the assignee; a waiting one (a duplicate, say) by any specialist."""
        check_name(specialist)
        now = self.clock()
        move = Move(
            allowed=or_(Handoff.status == HandoffStatus.WAITING, claimed_by(specialist)),
            values={"status": HandoffStatus.CLOSED, "open_key": None, "closed_at": now},
            kind=EventKind.CLOSED,
            change=CLOSED,
        )
        return self._apply(handoff_id, specialist, "close", now, [move])

    # -- what happens while it is open ---------------------------------------------------------

    def add_note(self, handoff_id: str, specialist: str, text: str) -> None:
        """An internal note, never sent to the victim: any specialist, at any time."""
        check_name(specialist)
        move = Move(allowed=true(), values={}, kind=EventKind.NOTE, change=None)
        self._record_text(handoff_id, specialist, "add a note to", move, text)

    def record_reply(self, handoff_id: str, specialist: str, text: str) -> None:
        """What the assignee sent to the victim; only the assignee of a claimed handoff."""
        check_name(specialist)
        move = Move(allowed=claimed_by(specialist), values={}, kind=EventKind.REPLY, change=None)
        self._record_text(handoff_id, specialist, "reply to", move, text)

    def record_callback(
        self, handoff_id: str, specialist: str, window: str, voicemail_ok: bool, note: str
    ) -> None:
        """A request to call the victim back: when it is safe to call, whether a voicemail is
        safe, and a note (may be empty). Internal like a note: any specialist, at any time."""
        check_name(specialist)
        if not window.strip():
            raise ValueError("the time window is empty")
        detail = {"window": window, "voicemail_ok": voicemail_ok, "note": note}
        move = Move(allowed=true(), values={}, kind=EventKind.CALLBACK, change=None, detail=detail)
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
        move = Move(
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
        move = Move(
            allowed=Handoff.status.in_(OPEN), values={}, kind=EventKind.MESSAGE, change=None
        )
        self._apply(handoff_id, None, "record a message on", self.clock(), [move])


HANDOFFS: Extension[HandoffService] = Extension("handoffs")
