"""Handoffs (channels/handoffs.py): each transition and each refused one, one open handoff per
conversation, two specialists claiming at once, the queue's order, history and transcript
decrypted, nothing personal at rest or in the logs, and the ``on_change`` hook.

Every test runs on SQLite and on the machine's PostgreSQL (127.0.0.1:5432, trust auth), in a
database of its own for this module, created and dropped here, and emptied between tests. The
schema is made with ``create_all`` for the tables involved (the migration is the lead's).
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import text

from channels.handoff.errors import HandoffConflict, HandoffNotFound
from channels.handoff.models import Handoff, HandoffEvent
from channels.handoff.service import HandoffService
from channels.handoff.states import HandoffStatus, Priority, Reason
from channels.handoff.view import HandoffView
from channels.storage.database import Base, Database
from channels.storage.messages import Conversation, InboundMessage, Message, MessageStore, Status
from channels.storage.privacy import Privacy
from scripts.throwaway_postgres import throwaway_postgres
from tests.channels.conftest import Clock

TABLES = [Conversation.__table__, Message.__table__, Handoff.__table__, HandoffEvent.__table__]
START = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
CONVERSATION = "c0ffee" * 5 + "ab"
OTHER_CONVERSATION = "beef" * 8
SUMMARY = {"asked": "Mi esposo me amenaza", "name": "Ana Pérez", "registration": "none"}
NOTE = "Caller prefers evenings; husband checks her phone"
REPLY = "Hola Ana, soy Beatriz, especialista de la oficina."
VICTIM_TEXT = "necesito hablar con alguien, tengo miedo"


class Hook:
    """Records what ``on_change`` hears, and what the database said at that moment."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, HandoffView]] = []
        self.seen_status: list[str] = []
        self.reader: HandoffService | None = None
        self.fail = False

    def __call__(self, event: str, view: HandoffView) -> None:
        self.calls.append((event, view))
        if self.reader is not None:
            # Another session, another connection: only committed data is visible there.
            self.seen_status.append(self.reader.get(view.id).status)
        if self.fail:
            raise RuntimeError(f"receiver refused {view.summary}")

    @property
    def events(self) -> list[str]:
        return [event for event, _ in self.calls]


# -- databases ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def postgres_database() -> Iterator[Database]:
    with throwaway_postgres() as url:
        database = Database(url)
        Base.metadata.create_all(database.engine, tables=TABLES)
        yield database
        database.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path) -> Iterator[Database]:
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path}/handoffs.db")
        Base.metadata.create_all(database.engine, tables=TABLES)
        yield database
        database.dispose()
        return
    database = request.getfixturevalue("postgres_database")
    yield database
    with database.engine.begin() as connection:
        connection.execute(text("TRUNCATE handoff_events, handoffs, messages, conversations"))


@pytest.fixture
def privacy() -> Privacy:
    return Privacy("test-secret-key")


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def hook() -> Hook:
    return Hook()


@pytest.fixture
def service(database: Database, privacy: Privacy, clock: Clock, hook: Hook) -> HandoffService:
    hook.reader = HandoffService(database, privacy)
    for conversation in (CONVERSATION, OTHER_CONVERSATION):
        converse(database, privacy, conversation, VICTIM_TEXT)
    return HandoffService(database, privacy, on_change=hook, clock=clock)


def converse(database: Database, privacy: Privacy, conversation: str, *texts: str) -> None:
    """Stores inbound messages (each answered by the assistant), creating the conversation."""
    store = MessageStore(database)
    for body in texts:
        inbound_id = store.record_inbound(
            InboundMessage(
                conversation_id=conversation,
                channel="sms",
                address_encrypted=privacy.encrypt("+17135550142"),
                provider_sid=f"SM{secrets.token_hex(16)}",
                body_encrypted=privacy.encrypt(body),
            )
        ).inbound_id
        store.record_reply(
            inbound_id=inbound_id,
            body_encrypted=privacy.encrypt(f"answer to: {body}"),
            inbound_status=Status.ANSWERED,
        )


def request(
    service: HandoffService,
    conversation: str = CONVERSATION,
    priority: Priority = Priority.NORMAL,
    reason: Reason = Reason.REQUEST_HUMAN,
) -> tuple[HandoffView, bool]:
    return service.request(
        conversation,
        channel="sms",
        language="es",
        reason=reason,
        priority=priority,
        summary=SUMMARY,
    )


def opened(service: HandoffService, conversation: str = CONVERSATION) -> str:
    view, created = request(service, conversation)
    assert created
    return view.id


def claimed(service: HandoffService, specialist: str = "beatriz") -> str:
    handoff_id = opened(service)
    service.claim(handoff_id, specialist)
    return handoff_id


def closed(service: HandoffService) -> str:
    handoff_id = claimed(service)
    service.close(handoff_id, "beatriz")
    return handoff_id


def kinds(service: HandoffService, handoff_id: str) -> list[str]:
    return [event["kind"] for event in service.history(handoff_id)]


# -- opening ------------------------------------------------------------------------------------


def test_a_request_opens_a_waiting_handoff(service: HandoffService, hook: Hook):
    view, created = request(service, reason=Reason.EMERGENCY, priority=Priority.URGENT)
    assert created
    assert (view.conversation_id, view.channel, view.language) == (CONVERSATION, "sms", "es")
    assert (view.reason, view.priority, view.status) == ("emergency", "urgent", "waiting")
    assert view.assignee is None and view.claimed_at is None and view.closed_at is None
    assert view.summary == SUMMARY
    assert view.created_at == START
    assert service.get(view.id) == view
    assert service.open_for(CONVERSATION) == view
    assert service.open_for(OTHER_CONVERSATION) is None
    assert hook.events == ["handoff.created"]
    (created_event,) = service.history(view.id)
    assert created_event["kind"] == "created" and created_event["actor"] is None
    assert created_event["detail"] == {"reason": "emergency", "priority": "urgent"}


def test_a_repeated_request_returns_the_open_handoff(service: HandoffService, hook: Hook):
    first, _ = request(service)
    again, created = request(service, reason=Reason.FALLBACK)
    assert not created
    assert again == first
    assert kinds(service, first.id) == ["created"]
    assert hook.events == ["handoff.created"]


def test_an_urgent_repeat_raises_the_open_handoff_to_urgent_once(
    service: HandoffService, hook: Hook, clock: Clock
):
    first, _ = request(service)
    clock.advance(minutes=3)
    raised, created = request(service, priority=Priority.URGENT, reason=Reason.EMERGENCY)
    assert not created
    assert (raised.id, raised.priority, raised.reason) == (first.id, "urgent", "request_human")
    request(service, priority=Priority.URGENT, reason=Reason.EMERGENCY)
    lowered, _ = request(service, priority=Priority.NORMAL)
    assert lowered.priority == "urgent"  # a normal request never lowers it
    assert kinds(service, first.id) == ["created", "priority"]
    priority = service.history(first.id)[1]
    assert priority["detail"] == {"priority": "urgent", "reason": "emergency"}
    assert priority["at"] == (START + timedelta(minutes=3)).isoformat()
    assert hook.events == ["handoff.created", "handoff.updated"]


def test_a_repeat_raises_the_open_handoff_to_a_higher_priority_never_lower(
    service: HandoffService, hook: Hook
):
    first, _ = request(service)
    high, _ = request(service, priority=Priority.HIGH, reason=Reason.THREAT)
    assert (high.id, high.priority) == (first.id, "high")
    assert request(service, priority=Priority.NORMAL)[0].priority == "high"
    urgent, _ = request(service, priority=Priority.URGENT, reason=Reason.EMERGENCY)
    assert urgent.priority == "urgent"
    assert request(service, priority=Priority.HIGH, reason=Reason.THREAT)[0].priority == "urgent"
    assert kinds(service, first.id) == ["created", "priority", "priority"]
    raises = [event["detail"] for event in service.history(first.id)[1:]]
    assert raises == [
        {"priority": "high", "reason": "threat"},
        {"priority": "urgent", "reason": "emergency"},
    ]
    assert hook.events == ["handoff.created", "handoff.updated", "handoff.updated"]


def test_after_closing_a_new_request_opens_a_new_handoff(service: HandoffService):
    first = closed(service)
    second, created = request(service)
    assert created and second.id != first
    assert service.open_for(CONVERSATION) == second
    assert service.get(first).status == "closed"


def test_each_conversation_has_its_own_handoff(service: HandoffService):
    assert opened(service, CONVERSATION) != opened(service, OTHER_CONVERSATION)


def test_a_request_for_an_unknown_conversation_is_refused(service: HandoffService, hook: Hook):
    with pytest.raises(HandoffNotFound):
        request(service, conversation="nobody")
    assert hook.events == []


def test_a_request_checks_its_fields(service: HandoffService):
    with pytest.raises(ValueError):
        request(service, reason="curiosity")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        service.request(
            CONVERSATION,
            channel="sms",
            language="spanish",
            reason=Reason.FALLBACK,
            priority=Priority.NORMAL,
            summary={},
        )
    assert service.open_for(CONVERSATION) is None


# -- transitions --------------------------------------------------------------------------------


def test_claim(service: HandoffService, hook: Hook, clock: Clock):
    handoff_id = opened(service)
    clock.advance(minutes=2)
    view = service.claim(handoff_id, "beatriz")
    assert (view.status, view.assignee) == ("claimed", "beatriz")
    assert view.claimed_at == START + timedelta(minutes=2)
    assert hook.events == ["handoff.created", "handoff.claimed"]
    assert service.history(handoff_id)[-1]["actor"] == "beatriz"
    assert kinds(service, handoff_id) == ["created", "claimed"]


def test_release_by_the_assignee_puts_it_back_in_the_queue(service: HandoffService, hook: Hook):
    handoff_id = claimed(service)
    view = service.release(handoff_id, "beatriz")
    assert (view.status, view.assignee, view.claimed_at) == ("waiting", None, None)
    assert hook.events[-1] == "handoff.updated"
    assert [queued.id for queued in service.queue()] == [handoff_id]
    assert service.claim(handoff_id, "carlos").assignee == "carlos"
    assert kinds(service, handoff_id) == ["created", "claimed", "released", "claimed"]


def test_the_assignee_reassigns(service: HandoffService, hook: Hook, clock: Clock):
    handoff_id = claimed(service)
    clock.advance(minutes=5)
    view = service.reassign(handoff_id, "beatriz", "carlos")
    assert (view.status, view.assignee) == ("claimed", "carlos")
    assert view.claimed_at == START + timedelta(minutes=5)
    assert hook.events[-1] == "handoff.updated"
    event = service.history(handoff_id)[-1]
    assert (event["kind"], event["actor"], event["detail"]) == (
        "reassigned",
        "beatriz",
        {"to": "carlos"},
    )
    with pytest.raises(HandoffConflict, match="claimed by carlos"):
        service.reassign(handoff_id, "beatriz", "diana")  # no longer hers


def test_reassigning_a_waiting_handoff_claims_it_for_the_other(service: HandoffService, hook: Hook):
    handoff_id = opened(service)
    view = service.reassign(handoff_id, "supervisor", "carlos")
    assert (view.status, view.assignee) == ("claimed", "carlos")
    assert hook.events[-1] == "handoff.claimed"
    assert service.history(handoff_id)[-1]["actor"] == "supervisor"


def test_the_assignee_closes(service: HandoffService, hook: Hook, clock: Clock):
    handoff_id = claimed(service)
    clock.advance(minutes=30)
    view = service.close(handoff_id, "beatriz")
    assert (view.status, view.assignee) == ("closed", "beatriz")
    assert view.closed_at == START + timedelta(minutes=30)
    assert hook.events[-1] == "handoff.closed"
    assert service.open_for(CONVERSATION) is None
    assert service.queue() == []


def test_any_specialist_closes_a_waiting_one(service: HandoffService):
    handoff_id = opened(service)
    view = service.close(handoff_id, "carlos")
    assert (view.status, view.assignee) == ("closed", None)
    assert service.history(handoff_id)[-1]["actor"] == "carlos"


# Each move a specialist may not make, from the state ``setup`` leaves the handoff in: refused
# with the reason ``why``, and nothing changes (the handoff, its history, the webhooks).
FORBIDDEN = [
    # Only a waiting handoff can be claimed.
    (claimed, "claim", ("carlos",), "claimed by beatriz"),
    (claimed, "claim", ("beatriz",), "already claimed by beatriz"),
    (closed, "claim", ("carlos",), "it is closed"),
    # Only the assignee can release.
    (claimed, "release", ("carlos",), "claimed by beatriz"),
    (opened, "release", ("carlos",), "nobody has claimed it"),
    (closed, "release", ("carlos",), "closed"),
    # Only the assignee reassigns, and to someone else.
    (claimed, "reassign", ("carlos", "diana"), "claimed by beatriz"),
    (claimed, "reassign", ("beatriz", "beatriz"), "already claimed by beatriz"),
    (closed, "reassign", ("beatriz", "carlos"), "closed"),
    # Only the assignee closes a claimed one.
    (claimed, "close", ("carlos",), "claimed by beatriz"),
    (closed, "close", ("carlos",), "closed"),
    # Only the assignee replies.
    (opened, "record_reply", ("beatriz", REPLY), "nobody has claimed it"),
    (claimed, "record_reply", ("carlos", REPLY), "claimed by beatriz"),
    (closed, "record_reply", ("beatriz", REPLY), "closed"),
]


@pytest.mark.parametrize(("setup", "move", "arguments", "why"), FORBIDDEN)
def test_a_forbidden_move_is_refused_and_changes_nothing(
    service: HandoffService,
    hook: Hook,
    setup: Callable[[HandoffService], str],
    move: str,
    arguments: tuple[str, ...],
    why: str,
):
    handoff_id = setup(service)
    before = service.get(handoff_id), kinds(service, handoff_id), list(hook.events)
    with pytest.raises(HandoffConflict, match=why):
        getattr(service, move)(handoff_id, *arguments)
    assert (service.get(handoff_id), kinds(service, handoff_id), hook.events) == before


def test_an_unknown_handoff_is_not_found(service: HandoffService):
    operations: list[Callable[[], object]] = [
        lambda: service.get("missing"),
        lambda: service.claim("missing", "beatriz"),
        lambda: service.release("missing", "beatriz"),
        lambda: service.reassign("missing", "beatriz", "carlos"),
        lambda: service.close("missing", "beatriz"),
        lambda: service.add_note("missing", "beatriz", NOTE),
        lambda: service.record_reply("missing", "beatriz", REPLY),
        lambda: service.record_message("missing"),
        lambda: service.history("missing"),
        lambda: service.transcript("missing"),
    ]
    for operation in operations:
        with pytest.raises(HandoffNotFound):
            operation()


@pytest.mark.parametrize("name", ["", "x" * 65])
def test_a_specialist_has_a_name(service: HandoffService, name: str):
    handoff_id = opened(service)
    with pytest.raises(ValueError):
        service.claim(handoff_id, name)
    with pytest.raises(ValueError):
        service.reassign(handoff_id, "beatriz", name)


# -- notes, replies, the victim's messages ----------------------------------------------------


def test_notes_replies_and_messages_are_history(service: HandoffService, hook: Hook, clock: Clock):
    handoff_id = opened(service)
    service.record_message(handoff_id)
    service.add_note(handoff_id, "supervisor", "urgent: second message in a minute")
    service.claim(handoff_id, "beatriz")
    clock.advance(seconds=40)
    service.record_reply(handoff_id, "beatriz", REPLY)
    service.add_note(handoff_id, "beatriz", NOTE)
    service.close(handoff_id, "beatriz")
    service.add_note(handoff_id, "beatriz", "called back, all fine")  # allowed after closing
    history = service.history(handoff_id)
    assert [(e["kind"], e["actor"]) for e in history] == [
        ("created", None),
        ("message", None),
        ("note", "supervisor"),
        ("claimed", "beatriz"),
        ("reply", "beatriz"),
        ("note", "beatriz"),
        ("closed", "beatriz"),
        ("note", "beatriz"),
    ]
    assert history[4]["detail"] == {"text": REPLY}
    assert history[5]["detail"] == {"text": NOTE}
    assert history[4]["at"] == (START + timedelta(seconds=40)).isoformat()
    assert history[1]["detail"] is None and history[3]["detail"] is None
    # Notes, replies and messages change nothing the webhooks announce.
    assert hook.events == ["handoff.created", "handoff.claimed", "handoff.closed"]


def test_a_closed_handoff_refuses_the_victims_message(service: HandoffService):
    handoff_id = closed(service)
    with pytest.raises(HandoffConflict, match="closed"):
        service.record_message(handoff_id)


def test_empty_notes_and_replies_are_refused(service: HandoffService):
    handoff_id = claimed(service)
    with pytest.raises(ValueError):
        service.add_note(handoff_id, "beatriz", "  ")
    with pytest.raises(ValueError):
        service.record_reply(handoff_id, "beatriz", "")
    assert kinds(service, handoff_id) == ["created", "claimed"]


def test_the_transcript_is_the_conversation_decrypted_oldest_first(
    service: HandoffService, database: Database, privacy: Privacy
):
    converse(database, privacy, CONVERSATION, "¿me pueden ayudar?")
    converse(database, privacy, OTHER_CONVERSATION, "another person")
    handoff_id = opened(service)
    transcript = service.transcript(handoff_id)
    assert [(m["direction"], m["body"], m["status"]) for m in transcript] == [
        ("inbound", VICTIM_TEXT, "answered"),
        ("outbound", f"answer to: {VICTIM_TEXT}", "sent"),
        ("inbound", "¿me pueden ayudar?", "answered"),
        ("outbound", "answer to: ¿me pueden ayudar?", "sent"),
    ]
    assert all(datetime.fromisoformat(m["at"]).tzinfo for m in transcript)
    ids = [m["id"] for m in transcript]
    assert ids == sorted(ids)


# -- the queue --------------------------------------------------------------------------------


def test_the_queue_is_urgent_then_high_then_normal_each_longest_waiting_first(
    service: HandoffService, database: Database, privacy: Privacy, clock: Clock
):
    priorities = [Priority.NORMAL, Priority.HIGH, Priority.URGENT, Priority.HIGH, Priority.NORMAL]
    for n, priority in enumerate(priorities):
        converse(database, privacy, f"conversation-{n}", "hola")
        request(service, f"conversation-{n}", priority=priority)
        clock.advance(minutes=1)
    queue = service.queue()
    assert [view.priority for view in queue] == ["urgent", "high", "high", "normal", "normal"]
    assert [view.conversation_id for view in queue] == [
        "conversation-2",
        "conversation-1",
        "conversation-3",
        "conversation-0",
        "conversation-4",
    ]


def test_the_queue_is_urgent_first_then_longest_waiting(
    service: HandoffService, database: Database, privacy: Privacy, clock: Clock
):
    conversations = [f"conversation-{n}" for n in range(5)]
    for conversation in conversations:
        converse(database, privacy, conversation, "hola")
    ids = {}
    for conversation, priority in zip(
        conversations,
        [Priority.NORMAL, Priority.URGENT, Priority.NORMAL, Priority.URGENT, Priority.NORMAL],
        strict=True,
    ):
        ids[conversation] = request(service, conversation, priority=priority)[0].id
        clock.advance(minutes=1)
    service.claim(ids["conversation-2"], "beatriz")  # claimed ones stay in the queue
    service.close(ids["conversation-4"], "beatriz")  # closed ones leave it
    request(service, "conversation-0", priority=Priority.URGENT)  # raised: keeps its age
    queue = service.queue()
    assert [view.id for view in queue] == [
        ids["conversation-0"],
        ids["conversation-1"],
        ids["conversation-3"],
        ids["conversation-2"],
    ]
    assert [view.priority for view in queue] == ["urgent", "urgent", "urgent", "normal"]


# -- privacy ----------------------------------------------------------------------------------


def test_nothing_personal_is_stored_in_clear(service: HandoffService, database: Database):
    handoff_id = claimed(service)
    service.add_note(handoff_id, "beatriz", NOTE)
    service.record_reply(handoff_id, "beatriz", REPLY)
    with database.engine.connect() as connection:
        rows = [
            *connection.execute(text("SELECT * FROM handoffs")).all(),
            *connection.execute(text("SELECT * FROM handoff_events")).all(),
        ]
    raw = " ".join(
        bytes(value).decode("latin-1") if isinstance(value, bytes | memoryview) else str(value)
        for row in rows
        for value in row
    )
    assert "beatriz" in raw  # the check can see what is in clear
    for secret in (NOTE, REPLY, "Ana", "amenaza", "Beatriz, especialista"):
        assert secret not in raw


def test_the_json_for_webhooks_has_nothing_of_the_victim(service: HandoffService):
    handoff_id = claimed(service)
    view = service.get(handoff_id)
    public = view.to_json(personal=False)
    assert public == view.to_json()
    assert set(public) == {
        "id",
        "channel",
        "language",
        "reason",
        "priority",
        "status",
        "assignee",
        "created_at",
        "claimed_at",
        "closed_at",
    }
    assert public["assignee"] == "beatriz"
    assert public["created_at"] == START.isoformat() and public["closed_at"] is None
    dumped = json.dumps(public)
    assert "Ana" not in dumped and CONVERSATION not in dumped
    personal = view.to_json(personal=True)
    assert personal["summary"] == SUMMARY
    assert personal["conversation_id"] == CONVERSATION
    json.dumps(personal)


def test_nothing_personal_is_logged(service: HandoffService, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG)
    handoff_id = claimed(service)
    service.record_message(handoff_id)
    service.add_note(handoff_id, "beatriz", NOTE)
    service.record_reply(handoff_id, "beatriz", REPLY)
    service.history(handoff_id)
    service.transcript(handoff_id)
    service.close(handoff_id, "beatriz")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert handoff_id in logged  # the check can see the log
    for secret in (NOTE, REPLY, VICTIM_TEXT, "Ana", "amenaza"):
        assert secret not in logged


# -- the hook -----------------------------------------------------------------------------------


def test_the_hook_runs_after_the_commit(service: HandoffService, hook: Hook):
    handoff_id = opened(service)
    service.claim(handoff_id, "beatriz")
    service.release(handoff_id, "beatriz")
    service.reassign(handoff_id, "beatriz", "carlos")
    service.reassign(handoff_id, "carlos", "diana")
    service.close(handoff_id, "diana")
    assert hook.events == [
        "handoff.created",
        "handoff.claimed",
        "handoff.updated",
        "handoff.claimed",
        "handoff.updated",
        "handoff.closed",
    ]
    # What the hook was given is what another connection could already read.
    assert hook.seen_status == [view.status for _, view in hook.calls]
    assert [view.assignee for _, view in hook.calls] == [
        None,
        "beatriz",
        None,
        "carlos",
        "diana",
        "diana",
    ]


def test_a_failing_hook_undoes_nothing_and_logs_only_the_event(
    service: HandoffService, hook: Hook, caplog: pytest.LogCaptureFixture
):
    hook.fail = True
    view, created = request(service)
    assert created
    claimed_view = service.claim(view.id, "beatriz")
    assert claimed_view.status == "claimed"
    assert service.get(view.id) == claimed_view
    assert kinds(service, view.id) == ["created", "claimed"]
    assert hook.events == ["handoff.created", "handoff.claimed"]
    failures = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(failures) == 2 and "handoff.claimed" in failures[1]
    assert all("Ana" not in failure and "receiver refused" not in failure for failure in failures)
    assert all(record.exc_info is None for record in caplog.records)


# -- concurrency ------------------------------------------------------------------------------

RACERS = 8


def race(work: Callable[[int], Any]) -> list[Any]:
    """Runs ``work`` in RACERS threads released together; returns results or exceptions."""
    barrier = threading.Barrier(RACERS)

    def run(n: int) -> Any:
        barrier.wait()
        try:
            return work(n)
        except Exception as error:
            return error

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        return list(pool.map(run, range(RACERS)))


def test_two_specialists_claiming_at_once_exactly_one_wins(service: HandoffService, hook: Hook):
    handoff_id = opened(service)
    outcomes = race(lambda n: service.claim(handoff_id, f"specialist-{n}"))
    winners = [outcome for outcome in outcomes if isinstance(outcome, HandoffView)]
    assert len(winners) == 1, outcomes
    assert all(
        isinstance(outcome, HandoffConflict) for outcome in outcomes if outcome not in winners
    )
    assert service.get(handoff_id).assignee == winners[0].assignee
    assert kinds(service, handoff_id) == ["created", "claimed"]
    assert hook.events.count("handoff.claimed") == 1


def test_concurrent_requests_open_one_handoff(service: HandoffService, database: Database):
    outcomes = race(lambda n: request(service))
    assert all(isinstance(outcome, tuple) for outcome in outcomes), outcomes
    assert [created for _, created in outcomes].count(True) == 1
    assert len({view.id for view, _ in outcomes}) == 1
    with database.session() as session:
        assert session.query(Handoff).count() == 1


def test_concurrent_urgent_repeats_raise_the_priority_once(service: HandoffService):
    handoff_id = opened(service)
    outcomes = race(lambda n: request(service, priority=Priority.URGENT))
    assert {(view.id, view.priority, created) for view, created in outcomes} == {
        (handoff_id, "urgent", False)
    }
    assert kinds(service, handoff_id) == ["created", "priority"]


def test_a_release_racing_a_close_lets_one_through(service: HandoffService):
    handoff_id = claimed(service)

    def work(n: int) -> HandoffView:
        if n % 2:
            return service.close(handoff_id, "beatriz")
        return service.release(handoff_id, "beatriz")

    outcomes = race(work)
    # Either the close wins (every release is refused), or one release wins and then the
    # waiting handoff may still be closed by a close that came after it.
    successes = [o for o in outcomes if isinstance(o, HandoffView)]
    assert all(isinstance(o, HandoffView | HandoffConflict) for o in outcomes), outcomes
    assert len([o for o in successes if o.status == "waiting"]) <= 1
    assert len([o for o in successes if o.status == "closed"]) == 1
    assert service.get(handoff_id).status == HandoffStatus.CLOSED.value


def test_closed_lists_the_most_recently_closed_first(service, clock):
    first = claimed(service, "ana")
    service.close(first, "ana")
    clock.advance(minutes=1)
    second = opened(service)
    service.close(second, "ana")
    assert request(service)[1]  # a third, still open, is not listed
    assert [view.id for view in service.closed(limit=10)] == [second, first]
    assert [view.id for view in service.closed(limit=1)] == [second]


def test_a_live_request_turns_a_waiting_callback_into_a_live_handoff(service):
    callback, created = request(service, reason=Reason.CALLBACK)
    assert created and callback.reason == "callback"
    urgent, created = request(service, priority=Priority.URGENT, reason=Reason.EMERGENCY)
    assert not created and urgent.id == callback.id
    assert (urgent.reason, urgent.priority) == ("emergency", "urgent")
    again, _ = request(service, reason=Reason.CALLBACK)
    assert again.reason == "emergency"  # a callback request never downgrades a live one
