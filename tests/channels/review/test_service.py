"""The review inbox's service: what is stored is de-identified (and encrypted), a repeated turn
is one item, a specialist's flag, filters, labels (an edit that still identifies someone is
refused), the export's marks, and retention erasing old items."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from channels.review.intents import domain_intents
from channels.review.models import ReviewItem, ReviewReason
from channels.review.service import Filters, ItemNotFound, NewItem, ReviewError, ReviewInbox
from channels.storage.database import Database
from channels.storage.messages import Conversation, Direction, Message, MessageStore, Status
from channels.storage.privacy import Privacy
from channels.storage.retention import Retention
from tests.channels.conftest import Clock, migrated, values_in_clear

PHONE = "713-555-0142"
SAID = f"my name is Ana Pérez, call me at {PHONE}, they took my cousin"
KEPT = "my name is [NAME], call me at [PHONE], they took my cousin"


@pytest.fixture
def database(tmp_path: Path):
    database = migrated(f"sqlite:///{tmp_path}/review.db")
    yield database
    database.dispose()


@pytest.fixture
def privacy() -> Privacy:
    return Privacy("test-secret-key")


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 12, 5, 12, tzinfo=timezone.utc))


@pytest.fixture
def inbox(database: Database, privacy: Privacy, clock: Clock) -> ReviewInbox:
    return ReviewInbox(database, privacy, domain_intents(), clock=clock)


def unsure(text: str = SAID, conversation: str = "c1", **changes) -> NewItem:
    fields = {
        "conversation_id": conversation,
        "reason": ReviewReason.UNSURE,
        "language": "en",
        "text": text,
        "previous_bot": "Hi Ana, how can I help?",
        "predicted_intent": "check_custody_status",
        "confidence": 0.41,
        **changes,
    }
    return NewItem(**fields)


def test_the_text_and_the_bot_turn_are_stored_de_identified_and_encrypted(inbox, database):
    item_id, created = inbox.record(unsure())
    assert created
    view = inbox.get(item_id)
    assert (view.text, view.previous_bot) == (KEPT, "Hi [NAME], how can I help?")
    assert (view.reason, view.predicted_intent, view.confidence) == (
        "unsure",
        "check_custody_status",
        0.41,
    )
    stored = values_in_clear(database, "review_items")
    for secret in ("Ana", "Pérez", PHONE, "5550142", "they took my cousin"):
        assert secret not in stored


def test_a_repeated_turn_is_one_item_with_the_stronger_reason(inbox):
    first, _ = inbox.record(unsure(reason=ReviewReason.BARELY_SURE))
    again, created = inbox.record(unsure(text=SAID.replace("Ana", "María")))  # same once hidden
    assert (again, created) == (first, False)
    assert inbox.get(first).reason == "unsure"
    inbox.record(unsure(reason=ReviewReason.BARELY_SURE))
    assert inbox.get(first).reason == "unsure"  # never lowered
    other, created = inbox.record(unsure(conversation="c2"))
    assert created and other != first


def test_a_flagged_message_takes_the_reading_already_known(inbox, database, privacy):
    store = MessageStore(database)
    with database.session() as session:
        session.add(Conversation(id="c1", channel="sms", address_encrypted=privacy.encrypt(PHONE)))
    bot = store.record_outbound("c1", privacy.encrypt("Hello Ana, what happened?"))
    with database.session() as session:
        message = Message(
            conversation_id="c1",
            direction=Direction.INBOUND,
            channel="sms",
            body_encrypted=privacy.encrypt(SAID),
            status=Status.FORWARDED,
        )
        session.add(message)
        session.flush()
        message_id = message.id
    inbox.record(unsure())
    item_id, created = inbox.flag_message("c1", message_id, "es")
    assert not created  # the unsure item of the same text, now flagged
    view = inbox.get(item_id)
    assert (view.reason, view.predicted_intent) == ("flagged", "check_custody_status")

    inbox.label(item_id, "check_custody_status", None, "mia")
    flagged_id, created = inbox.flag_message("c1", message_id, "es")
    flagged = inbox.get(flagged_id)
    assert created and (flagged.text, flagged.previous_bot) == (
        KEPT,
        "Hello [NAME], what happened?",
    )
    assert (flagged.language, flagged.predicted_intent) == ("es", "check_custody_status")
    for wrong in (bot, message_id + 100):
        with pytest.raises(ItemNotFound):
            inbox.flag_message("c1", wrong, "en")  # not the person's, or no such message
    with pytest.raises(ItemNotFound):
        inbox.flag_message("c2", message_id, "en")  # another conversation's


def test_filters_newest_first_and_the_count(inbox, clock):
    ids = []
    for number, (language, reason, intent) in enumerate(
        [
            ("en", ReviewReason.UNSURE, "ask_vine"),
            ("es", ReviewReason.SAID_NO, "ask_vine"),
            ("es", ReviewReason.UNSURE, "ask_services"),
        ]
    ):
        clock.advance(minutes=1)
        item_id, _ = inbox.record(
            unsure(
                f"message number {number}",
                language=language,
                reason=reason,
                predicted_intent=intent,
            )
        )
        ids.append(item_id)
    assert [item.id for item in inbox.page(Filters()).items] == ids[::-1]
    assert [i.id for i in inbox.page(Filters(language="es")).items] == [ids[2], ids[1]]
    assert [i.id for i in inbox.page(Filters(intent="ask_vine", language="es")).items] == [ids[1]]
    assert [i.id for i in inbox.page(Filters(reason="unsure")).items] == [ids[2], ids[0]]
    page = inbox.page(Filters(), limit=1, offset=1)
    assert ([i.id for i in page.items], page.total) == ([ids[1]], 3)
    inbox.not_useful(ids[0], "mia")
    assert inbox.page(Filters()).total == 2
    assert [i.id for i in inbox.page(Filters(status="not_useful")).items] == [ids[0]]


def test_a_label_with_an_edit_that_still_identifies_someone_is_refused(inbox):
    item_id, _ = inbox.record(unsure())
    with pytest.raises(ReviewError) as refused:
        inbox.label(item_id, "check_custody_status", "call Ana Pérez at 713-555-0199", "mia")
    assert refused.value.code == "identifying"
    assert refused.value.details == {"kinds": "PHONE, NAME"}
    assert inbox.get(item_id).status == "new"
    with pytest.raises(ReviewError) as unknown:
        inbox.label(item_id, "no_such_intent", None, "mia")
    assert unknown.value.code == "intent"

    view = inbox.label(item_id, "check_custody_status", "  they took my cousin  ", "mia")
    assert (view.status, view.label_intent, view.labelled_by) == (
        "labelled",
        "check_custody_status",
        "mia",
    )
    assert view.edited_text == "they took my cousin"
    assert view.training_text == "they took my cousin"
    unchanged = inbox.label(item_id, "report_victimization", KEPT, "mia")
    assert unchanged.edited_text is None and unchanged.training_text == KEPT


def test_the_exports_marks(inbox):
    one, _ = inbox.record(unsure("they took my cousin yesterday"))
    two, _ = inbox.record(unsure("he is out of jail i think"))
    inbox.label(one, "check_custody_status", None, "mia")
    inbox.label(two, "check_custody_status", None, "mia")
    assert [(i.id, i.intent) for i in inbox.labelled()] == [
        (one, "check_custody_status"),
        (two, "check_custody_status"),
    ]
    assert inbox.exported([one]) == 1
    inbox.refused({two: "duplicate or near copy: a training line"})
    assert inbox.get(one).status == "exported"
    assert (inbox.get(two).status, inbox.get(two).export_refusal) == (
        "labelled",
        "duplicate or near copy: a training line",
    )
    with pytest.raises(ReviewError):
        inbox.label(one, "ask_vine", None, "mia")  # exported: settled
    inbox.label(two, "ask_removal_process", None, "mia")
    assert inbox.get(two).export_refusal is None  # a new label clears the old refusal


def test_retention_erases_items_older_than_the_period(inbox, database, privacy, clock):
    old, _ = inbox.record(unsure("an old message"))
    inbox.label(old, "ask_vine", None, "mia")
    clock.advance(days=91)
    new, _ = inbox.record(unsure("a recent message"))
    erased = Retention(database, privacy, days=90, clock=clock).erase()
    assert erased["review_items"] == 1
    with database.session() as session:
        assert session.execute(select(ReviewItem.id)).scalars().all() == [new]


def test_the_domain_intents_leave_out_what_only_the_gateway_sends():
    intents = domain_intents()
    assert {"emergency", "check_custody_status", "greet"} <= set(intents)
    assert "transfer_unanswered" not in intents and list(intents) == sorted(intents)
    assert domain_intents(Path("/no/such/folder")) == ()
