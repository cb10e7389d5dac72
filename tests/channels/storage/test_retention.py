"""Retention: after HOTLINE_RETENTION_DAYS what people said is erased (messages, call records,
the outbox, closed handoffs' summaries, custody events' details), counters stay, opt-outs and
everything newer stay; the sweep works at most hourly. The review inbox's items go too. Time is
a clock the test moves."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select, update

from channels.alerts.notifications.models import CustodyEvent, EventType, dump_details
from channels.call_flow.store import Call, CallStore
from channels.handoff.models import Handoff, HandoffEvent
from channels.handoff.service import HANDOFFS
from channels.handoff.states import Priority, Reason
from channels.outbound.message import Channel, Outbound
from channels.outbound.outbox import OUTBOX, OutboxMessage
from channels.review.models import ReviewItem, ReviewReason
from channels.review.service import REVIEW, NewItem
from channels.storage.database import DATABASE
from channels.storage.messages import Conversation, Message, MessageCount
from channels.storage.privacy import PRIVACY
from channels.storage.retention import Retention
from channels.twilio.fake_phone import sms_params
from tests.channels.conftest import Clock

OLD_PHONE, NEW_PHONE, STOPPED = "+17135550142", "+17135550144", "+17135550143"
DAYS = 90


def backdate(app, model, column, days: int) -> None:
    """Everything stored so far in ``model`` happened ``days`` ago."""
    moment = datetime.now(timezone.utc) - timedelta(days=days)
    with DATABASE.get(app).session() as session:
        session.execute(update(model).values({column: moment}))


def count(app, model, *where) -> int:
    with DATABASE.get(app).session() as session:
        return int(
            session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()
        )


def test_what_is_older_than_the_retention_period_is_erased(app, signed_post, assistant):
    privacy, database = PRIVACY.get(app), DATABASE.get(app)
    signed_post(params=sms_params(OLD_PHONE, "I need to talk to a person"))
    signed_post(params=sms_params(STOPPED, "STOP"))
    conversation = privacy.conversation_key(OLD_PHONE)
    handoffs = HANDOFFS.get(app)
    view, _ = handoffs.request(
        conversation,
        channel="sms",
        language="en",
        reason=Reason.REQUEST_HUMAN,
        priority=Priority.NORMAL,
        summary={"asked": ["request_human"]},
    )
    handoffs.close(view.id, "ana")
    CallStore(database, privacy).start("CA" + "1" * 32, OLD_PHONE)
    OUTBOX.get(app).send(Outbound(channel=Channel.SMS, to=OLD_PHONE, body="your code is 123456"))
    REVIEW.get(app).record(
        NewItem(conversation, ReviewReason.UNSURE, "en", "I need to talk to a person")
    )
    with database.session() as session:
        session.add(
            CustodyEvent(
                event_id="feed-old",
                type=EventType.RELEASE,
                key_a_number=privacy.keyed("a-number", "A204555781"),
                details_encrypted=privacy.encrypt(dump_details({"a_number": "A204555781"})),
                occurred_at=datetime.now(timezone.utc),
                matched=0,
            )
        )
    for model, column in (
        (Message, "created_at"),
        (Handoff, "closed_at"),
        (Call, "started_at"),
        (OutboxMessage, "created_at"),
        (CustodyEvent, "received_at"),
        (ReviewItem, "created_at"),
    ):
        backdate(app, model, column, DAYS + 1)
    old_messages = count(app, Message)
    signed_post(params=sms_params(NEW_PHONE, "hello"))  # today: kept
    kept = count(app, Message) - old_messages

    clock = Clock(datetime.now(timezone.utc))
    retention = Retention(database, privacy, days=DAYS, clock=clock)
    erased = retention.sweep()
    assert erased == {
        "custody_events": 1,
        "handoffs": 1,
        "messages": old_messages,
        "outbox": 1,
        "review_items": 1,
        "voice_calls": 1,
    }
    assert count(app, Message) == kept
    with database.session() as session:
        counters = session.execute(select(MessageCount)).scalars().all()
        assert sum(counter.count for counter in counters) == old_messages
        assert {counter.channel for counter in counters} == {"sms"}
        event = session.execute(select(CustodyEvent)).scalar_one()
        assert (event.key_a_number, privacy.decrypt(event.details_encrypted)) == (None, "{}")
        assert session.execute(select(HandoffEvent.detail_encrypted)).scalars().all() == [
            None
        ] * count(app, HandoffEvent)
    assert handoffs.get(view.id).summary == {}  # the record stays, its summary does not
    assert handoffs.transcript(view.id) == []
    # Conversations stay (an opt-out must outlive its messages), as do today's.
    assert count(app, Conversation, Conversation.opted_out.is_(True)) == 1

    assert retention.sweep() == {}  # within the hour: nothing done
    clock.advance(hours=1)
    assert set(retention.sweep().values()) == {0}  # nothing left to erase, nothing counted twice
    with database.session() as session:
        assert sum(c.count for c in session.execute(select(MessageCount)).scalars()) == old_messages
