"""The review inbox's table: one turn worth a maintainer's look, de-identified before it is
stored (the raw message never is), and encrypted like every other text people wrote.

An item is erased with the messages, ``HOTLINE_RETENTION_DAYS`` after it was recorded, whatever
its status: what was exported lives on, de-identified, in ``data/nlu/reviewed``.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Column,
    DateTime,
    Enum,
    Float,
    Integer,
    LargeBinary,
    String,
    delete,
)
from sqlalchemy.orm import Session

from channels.storage.database import Base, utcnow
from channels.storage.privacy import Privacy
from channels.storage.retention import eraser

INTENT_LENGTH = 64
# What the keyed hashes of an item are of (``Privacy.keyed``'s purposes).
CONVERSATION_PURPOSE = "review-conversation"
TEXT_PURPOSE = "review-text"
NAME_LENGTH = 64  # a console user's name, as a handoff's assignee
REFUSAL_LENGTH = 300


class ReviewReason(str, enum.Enum):
    """Why a turn is worth a look (strongest last: a repeated turn keeps the strongest)."""

    BARELY_SURE = "barely_sure"  # just above the fallback threshold (< threshold + 0.10)
    UNSURE = "unsure"  # below the fallback threshold: "Did you mean ...?"
    FRUSTRATED_AFTER_ANSWER = "frustrated_after_answer"  # frustration or request_human next
    UNSURE_TWICE = "unsure_twice"  # two unsure turns in a row
    SAID_NO = "said_no"  # a "Did you mean ...?" answered NO
    FLAGGED = "flagged"  # a specialist flagged it in the console

    def outranks(self, other: ReviewReason) -> bool:
        order = list(ReviewReason)
        return order.index(self) > order.index(other)


class ReviewStatus(str, enum.Enum):
    NEW = "new"
    LABELLED = "labelled"  # the right intent chosen: the next export takes it
    NOT_USEFUL = "not_useful"
    EXPORTED = "exported"  # written to data/nlu/reviewed/<date>.yml


class ReviewItem(Base):
    __tablename__ = "review_items"

    id = Column(Integer, primary_key=True, autoincrement=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    reason = Column(Enum(ReviewReason, native_enum=False, length=32), nullable=False)
    language = Column(String(2), nullable=False)
    predicted_intent = Column(String(INTENT_LENGTH), nullable=False, default="")
    confidence = Column(Float, nullable=True)
    # De-identified (formats.deidentify) before it is encrypted: the raw text is never stored.
    text_encrypted = Column(LargeBinary, nullable=False)
    previous_bot_encrypted = Column(LargeBinary, nullable=True)
    status = Column(Enum(ReviewStatus, native_enum=False, length=16), nullable=False, index=True)
    label_intent = Column(String(INTENT_LENGTH), nullable=True)
    edited_text_encrypted = Column(LargeBinary, nullable=True)
    labelled_by = Column(String(NAME_LENGTH), nullable=True)
    labelled_at = Column(DateTime(timezone=True), nullable=True)
    exported_at = Column(DateTime(timezone=True), nullable=True)
    # Why the last export refused it (it stays labelled): shown in the inbox.
    export_refusal = Column(String(REFUSAL_LENGTH), nullable=True)
    # Keyed hashes of the conversation id and of the de-identified text: a repeated turn of
    # one conversation is one item. Never shown. A key rotation re-computes both: the text's
    # from the encrypted text (``rekey``), the conversation's from the conversations' ids
    # (``REKEYED_BY_CONVERSATION``, in ``channels.storage.rotate``).
    conversation_key = Column(String(64), nullable=False, index=True, info={"keyed": True})
    text_key = Column(String(64), nullable=False, info={"keyed": True})

    REKEYED_BY_CONVERSATION = CONVERSATION_PURPOSE

    @staticmethod
    def rekey(row: ReviewItem, privacy: Privacy) -> dict[str, str]:
        """``text_key`` under the current hashing key, from the de-identified text it keeps."""
        return {"text_key": privacy.keyed(TEXT_PURPOSE, privacy.decrypt(row.text_encrypted))}


@eraser("review_items")
def erase_old_review_items(session: Session, cutoff: datetime, privacy: Privacy) -> int:
    """Items recorded before ``cutoff``, whatever their status."""
    erased = session.execute(
        delete(ReviewItem)
        .where(ReviewItem.created_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    return int(erased.rowcount or 0)
