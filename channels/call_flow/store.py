"""One row per hotline call: where the call is, so that any gateway worker can carry it on.

A call is its own conversation (keyed by a hash of Twilio's CallSid), so a call never resumes
someone's text conversation, and its transcript and handoff are the call's. The row keeps the
caller's language, the turn counter (each ``<Gather>`` action names its turn, so a retried
webhook is recognised), consecutive silences, the last thing asked (for "repeat" and reprompts,
encrypted: a read-back holds personal data), speech heard with low confidence until the caller
confirms it, and the result of the turn being answered: the
assistant's answer is written here by a background thread, and read by whichever worker
serves the ``<Redirect>`` that kept the call alive meanwhile.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    delete,
    select,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Update

from channels.assistant.client import TurnResult
from channels.extension import Extension
from channels.storage.database import Base, Database, utcnow
from channels.storage.messages import Conversation, Status, record_reply_in
from channels.storage.privacy import Privacy
from channels.storage.retention import eraser

CHANNEL = "voice"


class Call(Base):
    __tablename__ = "voice_calls"

    conversation_id = Column(String(64), ForeignKey("conversations.id"), primary_key=True)
    language = Column(String(2), nullable=True)
    turn = Column(Integer, nullable=False, default=0)
    silences = Column(Integer, nullable=False, default=0)
    expecting = Column(String(32), nullable=True)  # the form slot being asked, if any
    prompt_encrypted = Column(LargeBinary, nullable=True)
    # Speech heard with low confidence, waiting for the caller to confirm it (JSON: text and
    # the question it answers).
    heard_encrypted = Column(LargeBinary, nullable=True)
    result_turn = Column(Integer, nullable=True)
    result_encrypted = Column(LargeBinary, nullable=True)  # JSON: TurnResult
    handoff_id = Column(String(32), nullable=True)
    status = Column(String(16), nullable=False, default="active")  # active, transfer, ended
    started_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    ended_at = Column(DateTime(timezone=True), nullable=True)


@dataclass(frozen=True)
class CallView:
    conversation_id: str
    language: str
    turn: int
    silences: int
    expecting: str | None
    prompt: str
    handoff_id: str | None
    status: str
    heard: dict[str, Any] | None = None


class CallStore:
    def __init__(self, database: Database, privacy: Privacy) -> None:
        self.database = database
        self.privacy = privacy

    def key(self, call_sid: str) -> str:
        """The call's conversation id: a keyed hash, so the CallSid is not an identifier."""
        return self.keys(call_sid)[0]

    def keys(self, call_sid: str) -> tuple[str, ...]:
        """The id under every hashing key: a call that started before a key rotation keeps its
        conversation to the end."""
        return tuple(key[:32] for key in self.privacy.keyed_all("call", call_sid))

    def start(self, call_sid: str, caller: str) -> CallView:
        """The call's conversation and row (again on a retried webhook: nothing changes)."""
        conversation_id = self.key(call_sid)
        with self.database.session() as session:
            started = self._find(session, call_sid)
            if started is not None:
                return self._view(started)
            if session.get(Conversation, conversation_id) is None:
                session.add(
                    Conversation(
                        id=conversation_id,
                        channel=CHANNEL,
                        address_encrypted=self.privacy.encrypt(caller or "unknown"),
                    )
                )
                session.flush()
            row = Call(conversation_id=conversation_id, turn=0, silences=0, status="active")
            session.add(row)
            session.flush()
            return self._view(row)

    def get(self, call_sid: str) -> CallView | None:
        with self.database.session() as session:
            row = self._find(session, call_sid)
            return self._view(row) if row is not None else None

    def _find(self, session: Session, call_sid: str) -> Call | None:
        query = select(Call).where(Call.conversation_id.in_(self.keys(call_sid)))
        return session.execute(query).scalars().first()

    def update(self, conversation_id: str, **values: Any) -> None:
        """Sets columns by name; ``prompt`` and ``heard`` are encrypted on the way in."""
        with self.database.session() as session:
            session.execute(self._update(conversation_id, values))

    def next_turn(self, conversation_id: str, **values: Any) -> int:
        """Hands out the next turn number (an atomic increment), setting ``values`` in the same
        transaction (what the call now asks)."""
        with self.database.session() as session:
            session.execute(self._update(conversation_id, {**values, "turn": Call.turn + 1}))
            turn = session.execute(
                select(Call.turn).where(Call.conversation_id == conversation_id)
            ).scalar_one_or_none()
            return int(turn or 0)

    def _update(self, conversation_id: str, values: dict[str, Any]) -> Update:
        values = dict(values)
        if "prompt" in values:
            prompt = values.pop("prompt")
            values["prompt_encrypted"] = self.privacy.encrypt(prompt) if prompt else None
        if "heard" in values:
            heard = values.pop("heard")
            values["heard_encrypted"] = (
                self.privacy.encrypt(json.dumps(heard, ensure_ascii=False)) if heard else None
            )
        return (
            update(Call)
            .where(Call.conversation_id == conversation_id)
            .values(**values, updated_at=utcnow())
        )

    def save_result(
        self, conversation_id: str, turn: int, result: TurnResult, inbound_id: int | None = None
    ) -> None:
        """The turn's result, for whichever request serves the turn; with ``inbound_id``, also
        how the caller's message was handled and the answer, in the transcript (one write)."""
        values = {"result_turn": turn, "result_encrypted": self.privacy.encrypt(result.to_json())}
        with self.database.session() as session:
            session.execute(self._update(conversation_id, values))
            if inbound_id is not None:
                spoken = " ".join(result.texts)
                record_reply_in(
                    session,
                    inbound_id,
                    self.privacy.encrypt(spoken) if spoken else None,
                    Status.UNANSWERED if result.error else Status.ANSWERED,
                    result.error,
                )

    def result(self, conversation_id: str, turn: int) -> TurnResult | None:
        with self.database.session() as session:
            row = session.get(Call, conversation_id)
            if row is None or row.result_turn != turn or row.result_encrypted is None:
                return None
            return TurnResult.from_json(self.privacy.decrypt(row.result_encrypted))

    def end(self, conversation_id: str, now: datetime | None = None) -> None:
        self.update(conversation_id, status="ended", ended_at=now or utcnow())

    def _view(self, row: Call) -> CallView:
        prompt = self.privacy.decrypt(row.prompt_encrypted) if row.prompt_encrypted else ""
        heard = (
            json.loads(self.privacy.decrypt(row.heard_encrypted)) if row.heard_encrypted else None
        )
        return CallView(
            conversation_id=row.conversation_id,
            language=row.language or "en",
            turn=int(row.turn or 0),
            silences=int(row.silences or 0),
            expecting=row.expecting,
            prompt=prompt,
            handoff_id=row.handoff_id,
            status=row.status,
            heard=heard,
        )


CALLS: Extension[CallStore] = Extension("calls")


@eraser("voice_calls")
def erase_calls(session: Session, cutoff: datetime, _: Privacy) -> int:
    """Call records (what was asked, heard and answered) of calls started before ``cutoff``."""
    return int(session.execute(delete(Call).where(Call.started_at < cutoff)).rowcount)
