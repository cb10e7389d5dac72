"""The review inbox: turns the assistant may have misunderstood, for the maintainers to label.

* **In**: the action server reports a turn worth a look (``record``: unsure, barely sure, a
  "Did you mean" answered NO, ...), and a specialist flags a message of a conversation they see
  (``flag_message``). Either way the text, and the bot's turn before it, are de-identified
  (:func:`formats.deidentify.deidentify`) before anything is stored, then encrypted: the raw
  message is never kept here. The same text in the same conversation, still new, is one item
  (keeping the strongest reason).
* **Labelled**: a maintainer chooses the intent the message really has (one of the domain's),
  or marks it not useful; an edited text is refused while
  :func:`formats.deidentify.identifying_details` still finds something in it.
* **Out**: ``make review-export`` takes the labelled items (``labelled``), and marks those it
  wrote ``exported`` and those it refused with the reason (``exported``, ``refused``).

Nothing here logs a text.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import false, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from channels.extension import Extension
from channels.review.models import (
    CONVERSATION_PURPOSE,
    INTENT_LENGTH,
    REFUSAL_LENGTH,
    TEXT_PURPOSE,
    ReviewItem,
    ReviewReason,
    ReviewStatus,
)
from channels.storage.database import Database, as_utc, utcnow
from channels.storage.messages import Direction, Message
from channels.storage.privacy import Privacy
from formats.deidentify import deidentify, identifying_details

MAX_TEXT = 2000  # a message or a bot turn, as the API takes it
PAGE_SIZE = 50
OPEN = (ReviewStatus.NEW, ReviewStatus.LABELLED)
# The inbox's status filter: "open" (the default) is what still needs a maintainer.
STATUS_FILTERS: dict[str, tuple[ReviewStatus, ...]] = {
    "open": OPEN,
    **{status.value: (status,) for status in ReviewStatus},
    "all": tuple(ReviewStatus),
}


class ReviewError(Exception):
    """An operation refused; ``code`` is a key of ``channels.texts.review.REFUSED``."""

    def __init__(self, code: str, **details: object) -> None:
        super().__init__(code)
        self.code = code
        self.details = details


class ItemNotFound(ReviewError):
    def __init__(self, code: str = "no_item") -> None:
        super().__init__(code)


@dataclass(frozen=True)
class NewItem:
    """A turn worth a look, as reported: ``text`` and ``previous_bot`` as they were said
    (de-identified by ``record``)."""

    conversation_id: str
    reason: ReviewReason
    language: str
    text: str
    previous_bot: str = ""
    predicted_intent: str = ""
    confidence: float | None = None


@dataclass(frozen=True)
class ItemView:
    """What the inbox shows of an item: de-identified texts only, never the conversation."""

    id: int
    created_at: datetime
    reason: str
    language: str
    predicted_intent: str
    confidence: float | None
    text: str
    previous_bot: str
    status: str
    label_intent: str | None
    edited_text: str | None
    labelled_by: str | None
    export_refusal: str | None

    @property
    def training_text(self) -> str:
        """What an export writes: the maintainer's edit, else the de-identified message."""
        return self.edited_text or self.text


@dataclass(frozen=True)
class Filters:
    """The inbox's filters ("" for any); ``status`` is a key of ``STATUS_FILTERS``."""

    intent: str = ""
    language: str = ""
    reason: str = ""
    status: str = "open"


@dataclass(frozen=True)
class Page:
    items: tuple[ItemView, ...]
    total: int  # how many match the filters


@dataclass(frozen=True)
class Labelled:
    """A labelled item as an export takes it."""

    id: int
    text: str
    intent: str
    language: str


class ReviewInbox:
    """Every operation on the review inbox, each in its own short transaction."""

    def __init__(
        self,
        database: Database,
        privacy: Privacy,
        intents: Iterable[str],
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.database = database
        self.privacy = privacy
        self.intents = tuple(intents)
        self.clock = clock

    # -- in ------------------------------------------------------------------------------------

    def record(self, new: NewItem) -> tuple[int, bool]:
        """Stores the turn de-identified; (its id, whether it is a new item). The same text of
        the same conversation, still new, is the same item, raised to the stronger reason."""
        text = _clean(deidentify(new.text, new.language))
        previous = _clean(deidentify(new.previous_bot, new.language)) if new.previous_bot else ""
        conversation_keys = self.privacy.keyed_all(CONVERSATION_PURPOSE, new.conversation_id)
        text_keys = self.privacy.keyed_all(TEXT_PURPOSE, text)
        with self.database.session() as session:
            existing = _same_new_item(session, conversation_keys, text_keys)
            if existing is not None:
                _merge(existing, new)
                return int(existing.id), False
            row = ReviewItem(
                created_at=self.clock(),
                reason=new.reason,
                language=new.language,
                predicted_intent=new.predicted_intent[:INTENT_LENGTH],
                confidence=new.confidence,
                text_encrypted=self.privacy.encrypt(text),
                previous_bot_encrypted=self.privacy.encrypt(previous) if previous else None,
                status=ReviewStatus.NEW,
                conversation_key=conversation_keys[0],
                text_key=text_keys[0],
            )
            session.add(row)
            session.flush()
            return int(row.id), True

    def flag_message(
        self, conversation_id: str, message_id: int, language: str
    ) -> tuple[int, bool]:
        """A specialist says the assistant misunderstood the person's message ``message_id`` of
        this conversation: a ``flagged`` item, with the intent the assistant read when an item
        of the same text already says it. ItemNotFound when the conversation has no such
        message from the person."""
        with self.database.session() as session:
            message = session.get(Message, message_id)
            if (
                message is None
                or message.conversation_id != conversation_id
                or message.direction != Direction.INBOUND
            ):
                raise ItemNotFound("no_message")
            text = self.privacy.decrypt(message.body_encrypted)
            before = session.execute(
                select(Message.body_encrypted)
                .where(
                    Message.conversation_id == conversation_id,
                    Message.id < message_id,
                    Message.direction == Direction.OUTBOUND,
                )
                .order_by(Message.id.desc())
                .limit(1)
            ).scalar_one_or_none()
        previous = self.privacy.decrypt(before) if before is not None else ""
        intent, confidence = self._known_reading(conversation_id, text, language)
        flagged = NewItem(
            conversation_id, ReviewReason.FLAGGED, language, text, previous, intent, confidence
        )
        return self.record(flagged)

    def _known_reading(
        self, conversation_id: str, text: str, language: str
    ) -> tuple[str, float | None]:
        """The intent (and confidence) an item of this conversation's text already records."""
        conversation_keys = self.privacy.keyed_all(CONVERSATION_PURPOSE, conversation_id)
        text_keys = self.privacy.keyed_all(TEXT_PURPOSE, _clean(deidentify(text, language)))
        with self.database.session() as session:
            row = session.execute(
                select(ReviewItem.predicted_intent, ReviewItem.confidence)
                .where(
                    ReviewItem.conversation_key.in_(conversation_keys),
                    ReviewItem.text_key.in_(text_keys),
                    ReviewItem.predicted_intent != "",
                )
                .order_by(ReviewItem.id.desc())
                .limit(1)
            ).first()
        return (str(row[0]), row[1]) if row is not None else ("", None)

    # -- the inbox -----------------------------------------------------------------------------

    def page(self, filters: Filters, *, limit: int = PAGE_SIZE, offset: int = 0) -> Page:
        """The items matching ``filters``, newest first, and how many match."""
        query = _filtered(select(ReviewItem), filters)
        counted = _filtered(select(func.count()).select_from(ReviewItem), filters)
        with self.database.session() as session:
            total = int(session.execute(counted).scalar_one())
            rows = session.execute(
                query.order_by(ReviewItem.id.desc()).limit(limit).offset(offset)
            ).scalars()
            return Page(tuple(self._view(row) for row in rows), total)

    def get(self, item_id: int) -> ItemView:
        with self.database.session() as session:
            return self._view(self._row(session, item_id))

    def label(self, item_id: int, intent: str, edited_text: str | None, by: str) -> ItemView:
        """The right intent (one of ``intents``) and, optionally, a better de-identified text."""
        if intent not in self.intents:
            raise ReviewError("intent")
        with self.database.session() as session:
            row = self._changeable(session, item_id)
            text = self.privacy.decrypt(row.text_encrypted)
            edited = _checked_edit(edited_text, text, row.language)
            row.status = ReviewStatus.LABELLED
            row.label_intent = intent
            row.edited_text_encrypted = self.privacy.encrypt(edited) if edited else None
            row.labelled_by = by
            row.labelled_at = self.clock()
            row.export_refusal = None
            session.flush()
            return self._view(row)

    def not_useful(self, item_id: int, by: str) -> ItemView:
        with self.database.session() as session:
            row = self._changeable(session, item_id)
            row.status = ReviewStatus.NOT_USEFUL
            row.label_intent = None
            row.labelled_by = by
            row.labelled_at = self.clock()
            row.export_refusal = None
            session.flush()
            return self._view(row)

    # -- out -----------------------------------------------------------------------------------

    def labelled(self) -> list[Labelled]:
        """Every labelled item, oldest first, as an export writes it."""
        with self.database.session() as session:
            rows = session.execute(
                select(ReviewItem)
                .where(ReviewItem.status == ReviewStatus.LABELLED)
                .order_by(ReviewItem.id)
            ).scalars()
            views = [self._view(row) for row in rows]
        return [
            Labelled(view.id, view.training_text, str(view.label_intent), view.language)
            for view in views
        ]

    def exported(self, item_ids: Iterable[int]) -> int:
        """Marks the items written to the training data; how many."""
        ids = list(item_ids)
        if not ids:
            return 0
        with self.database.session() as session:
            done = session.execute(
                update(ReviewItem)
                .where(ReviewItem.id.in_(ids), ReviewItem.status == ReviewStatus.LABELLED)
                .values(status=ReviewStatus.EXPORTED, exported_at=self.clock(), export_refusal=None)
                .execution_options(synchronize_session=False)
            )
            return int(done.rowcount or 0)

    def refused(self, reasons: Mapping[int, str]) -> None:
        """Records why an export refused each item (it stays labelled)."""
        with self.database.session() as session:
            for item_id, reason in reasons.items():
                session.execute(
                    update(ReviewItem)
                    .where(ReviewItem.id == item_id)
                    .values(export_refusal=reason[:REFUSAL_LENGTH])
                    .execution_options(synchronize_session=False)
                )

    # -- rows ----------------------------------------------------------------------------------

    @staticmethod
    def _row(session: Session, item_id: int) -> ReviewItem:
        row = session.get(ReviewItem, item_id)
        if row is None:
            raise ItemNotFound()
        return row

    def _changeable(self, session: Session, item_id: int) -> ReviewItem:
        row = self._row(session, item_id)
        if row.status == ReviewStatus.EXPORTED:
            raise ReviewError("exported")
        return row

    def _view(self, row: ReviewItem) -> ItemView:
        decrypt = self.privacy.decrypt
        return ItemView(
            id=int(row.id),
            created_at=as_utc(row.created_at),
            reason=_value(row.reason),
            language=str(row.language),
            predicted_intent=str(row.predicted_intent or ""),
            confidence=row.confidence,
            text=decrypt(row.text_encrypted),
            previous_bot=decrypt(row.previous_bot_encrypted) if row.previous_bot_encrypted else "",
            status=_value(row.status),
            label_intent=row.label_intent,
            edited_text=decrypt(row.edited_text_encrypted) if row.edited_text_encrypted else None,
            labelled_by=row.labelled_by,
            export_refusal=row.export_refusal,
        )


REVIEW: Extension[ReviewInbox] = Extension("review")


def _clean(text: str) -> str:
    """Blanks as one space, none around: how the inbox keeps and compares texts."""
    return " ".join(text.split())


def _value(member: enum.Enum | str) -> str:
    return str(member.value if isinstance(member, enum.Enum) else member)


def _same_new_item(
    session: Session, conversation_keys: tuple[str, ...], text_keys: tuple[str, ...]
) -> ReviewItem | None:
    return session.execute(
        select(ReviewItem)
        .where(
            ReviewItem.conversation_key.in_(conversation_keys),
            ReviewItem.text_key.in_(text_keys),
            ReviewItem.status == ReviewStatus.NEW,
        )
        .order_by(ReviewItem.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _merge(row: ReviewItem, new: NewItem) -> None:
    """A repeated turn: the stronger reason, and the assistant's reading if none was known."""
    if new.reason.outranks(ReviewReason(row.reason)):
        row.reason = new.reason
    if not row.predicted_intent and new.predicted_intent:
        row.predicted_intent = new.predicted_intent[:INTENT_LENGTH]
        row.confidence = new.confidence


def _filtered(query: Select, filters: Filters) -> Select:
    statuses = STATUS_FILTERS.get(filters.status, OPEN)
    query = query.where(ReviewItem.status.in_(statuses))
    if filters.intent:
        query = query.where(
            or_(
                ReviewItem.predicted_intent == filters.intent,
                ReviewItem.label_intent == filters.intent,
            )
        )
    if filters.language:
        query = query.where(ReviewItem.language == filters.language)
    if filters.reason:
        try:
            query = query.where(ReviewItem.reason == ReviewReason(filters.reason))
        except ValueError:
            query = query.where(false())  # no reason of that name: nothing matches
    return query


def _checked_edit(edited_text: str | None, original: str, language: str) -> str | None:
    """The maintainer's edit, when it changes the text and identifies nobody; None for none.

    It is refused, not silently de-identified, while ``identifying_details`` finds something:
    the maintainer sees what was wrong and decides how to say it."""
    if edited_text is None:
        return None
    edited = _clean(edited_text)
    if edited == _clean(original):
        return None
    if not edited:
        raise ReviewError("empty")
    if len(edited) > MAX_TEXT:
        raise ReviewError("long", limit=MAX_TEXT)
    found = identifying_details(edited, language)
    if found:
        raise ReviewError("identifying", kinds=", ".join(found))
    cleaned = _clean(deidentify(edited, language))
    left = identifying_details(cleaned, language)
    if left:  # never: de-identified text identifies nobody; kept as the last guard
        raise ReviewError("identifying", kinds=", ".join(left))
    return cleaned
