"""How a handoff changes: every change is one move, a conditional UPDATE whose row count says
whether it happened (the module docstring of ``channels.handoff.service`` says why), recorded in
the handoff's history and announced to ``on_change`` once committed."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from channels.handoff.errors import HandoffConflict, HandoffNotFound
from channels.handoff.models import Handoff, HandoffEvent
from channels.handoff.states import NAME_LENGTH, EventKind, HandoffStatus, Priority, Reason
from channels.handoff.view import HandoffView
from channels.storage.database import Database, as_utc, utcnow
from channels.storage.privacy import Privacy

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Move:
    """One way a handoff may change: when it may (a SQL condition), what changes, what is
    recorded in its history and what ``on_change`` hears (None: nothing)."""

    allowed: ColumnElement
    values: dict[str, Any]
    kind: EventKind
    change: str | None
    detail: dict[str, Any] | None = None


class HandoffMoves:
    """The rows, moves and history under ``HandoffService``."""

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

    # -- helpers -------------------------------------------------------------------------------

    def _record_text(
        self, handoff_id: str, specialist: str, action: str, move: Move, text: str
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
        moves: Sequence[Move],
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
    def _try(session: Session, handoff_id: str, move: Move, now: datetime) -> bool:
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


def claimed_by(specialist: str) -> ColumnElement:
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


def check_name(name: str) -> None:
    check_length("specialist", name, NAME_LENGTH)


def check_length(field: str, value: str, limit: int) -> None:
    if not value or len(value) > limit:
        raise ValueError(f"{field}: 1 to {limit} characters")
