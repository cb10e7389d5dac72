"""Texts kept while the assistant was down: answered when it is back, or given to a person;
none lost, none answered twice, none answered after a STOP."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from channels.alerts.registrations.service import REGISTRATIONS
from channels.handoff.service import HANDOFFS
from channels.outbound.outbox import OUTBOX
from channels.services import SERVICES
from channels.sms_flow.follow_up import FollowUp
from channels.storage.database import DATABASE
from channels.storage.messages import InboundMessage, Message, Status
from channels.storage.privacy import PRIVACY
from channels.storage.spool import SPOOL
from channels.twilio.fake_phone import sms_params
from tests.channels.alerts.test_registrations import REGISTRANT, activate, new_registration
from tests.channels.conftest import Clock

PHONES = [f"+1713555{n:04d}" for n in range(100, 120)]
START = datetime(2026, 12, 5, 15, 0, tzinfo=timezone.utc)


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def follow_up(app, assistant, clock) -> FollowUp:
    return dataclasses.replace(SERVICES.get(app).follow_up, rasa=assistant, clock=clock)


def inbound(app) -> list[Message]:
    with DATABASE.get(app).session() as session:
        query = select(Message).where(Message.direction == "inbound").order_by(Message.id)
        return list(session.execute(query).scalars())


def texted_while_down(signed_post, assistant, phones, body="what services do you offer"):
    assistant.answer = None  # the assistant is down
    for phone in phones:
        assert signed_post(params=sms_params(phone, body)).status_code == 200
    assistant.answer = ["Here is what we offer."]
    assistant.calls.clear()


def sent_to(app, phone: str) -> list[str]:
    return [entry.body for entry in OUTBOX.get(app).list(to=phone)]


def test_twenty_kept_texts_are_each_answered_once_when_the_assistant_is_back(
    app, signed_post, assistant, follow_up
):
    texted_while_down(signed_post, assistant, PHONES)
    assert {m.status for m in inbound(app)} == {Status.UNANSWERED}
    assert follow_up.sweep() == {"answered": 20}
    assert follow_up.sweep() == {}  # nothing answered twice
    assert len(assistant.calls) == 20
    assert {m.status for m in inbound(app)} == {Status.ANSWERED}
    for phone in PHONES:
        assert sent_to(app, phone) == ["Here is what we offer."]


def test_still_down_they_wait_then_go_to_a_person(app, signed_post, assistant, follow_up, clock):
    texted_while_down(signed_post, assistant, PHONES[:2], body="he is outside my house now")
    assistant.answer = None
    clock.now = datetime.now(timezone.utc)
    assert follow_up.sweep() == {"waiting": 2}
    assert {m.status for m in inbound(app)} == {Status.UNANSWERED}
    clock.advance(minutes=5)
    assert follow_up.sweep() == {"forwarded": 2}
    handoffs = HANDOFFS.get(app).queue()
    assert len(handoffs) == 2
    assert {h.priority for h in handoffs} == {"urgent"}  # danger in the text
    assert follow_up.sweep() == {}
    assert all(sent_to(app, phone) == [] for phone in PHONES[:2])


def test_a_stop_in_between_means_no_answer(app, signed_post, assistant, follow_up):
    texted_while_down(signed_post, assistant, PHONES[:1])
    signed_post(params=sms_params(PHONES[0], "STOP"))
    assistant.calls.clear()  # the STOP's own "/cancel" of an open form
    assert follow_up.sweep() == {"opted_out": 1}
    assert assistant.calls == []
    assert [e.body for e in OUTBOX.get(app).list(to=PHONES[0])] == []


def test_a_stop_kept_through_an_outage_still_ends_the_alerts_to_that_phone(app, follow_up):
    registrations = REGISTRATIONS.get(app)
    activate(registrations, Clock(START), new_registration(contact={"value": PHONES[0]}))
    privacy = PRIVACY.get(app)
    address_keys = privacy.conversation_keys(PHONES[0])
    SPOOL.get(app).keep(  # the database was down when the STOP came
        InboundMessage(
            conversation_id=address_keys[0],
            channel="sms",
            address_encrypted=privacy.encrypt(PHONES[0]),
            provider_sid="SM" + "0" * 32,
            body_encrypted=privacy.encrypt("STOP"),
            address_keys=address_keys,
        )
    )
    assert follow_up.sweep() == {"spooled": 1, "answered": 1}
    assert registrations.list_for(REGISTRANT) == []
    assert follow_up.store.contact(address_keys[0])[1]  # opted out


def test_two_sweeps_at_once_answer_each_text_once(app, signed_post, assistant, follow_up):
    texted_while_down(signed_post, assistant, PHONES[:5])
    store = follow_up.store
    kept = store.kept_messages("sms", START, START)
    claims = [(store.claim(m, START), store.claim(m, START)) for m in kept]
    assert claims == [(True, False)] * 5


def test_a_follow_up_abandoned_half_way_goes_to_a_person_not_a_second_answer(
    app, signed_post, assistant, follow_up, clock
):
    texted_while_down(signed_post, assistant, PHONES[:1])
    store = follow_up.store
    (kept,) = store.kept_messages("sms", START, START)
    assert store.claim(kept, START)  # ...and the process that claimed it died
    assert follow_up.sweep() == {}  # a fresh claim is left alone
    clock.advance(minutes=11)
    assert follow_up.sweep() == {"forwarded": 1}
    assert assistant.calls == []
    assert len(HANDOFFS.get(app).queue()) == 1
