"""Rasa stopped mid-test: the caller still gets a useful answer, and the message is kept."""

import time

import pytest
import requests
from sqlalchemy import select

from channels.storage.messages import Message, Status
from tests.e2e.registration_flow import outbox_for, wait_for

pytestmark = [pytest.mark.e2e]


def test_fallback_when_rasa_is_stopped(stack, phone, database):
    me = phone()
    assert "VOICE" in me.text("hi")[0]  # the assistant answers
    stack.stop("rasa")
    try:
        (reply,) = me.text("necesito hablar con alguien por favor")
        assert "911" in reply and "danger" in reply and "peligro" in reply
        assert "1-855-488-6423" in reply
        ready = requests.get(f"{stack.gateway_url}/readyz", timeout=5)
        assert ready.status_code == 200  # still serving: the fallback answers, texts are kept
        assert ready.json()["assistant"]["checks"]["rasa"].startswith("failed")
        with database.session() as session:
            latest = (
                session.execute(
                    select(Message)
                    .where(Message.direction == "inbound")
                    .order_by(Message.id.desc())
                )
                .scalars()
                .first()
            )
        # Kept for the follow-up sweep (which may be looking at it this very moment).
        assert latest is not None and latest.status in (Status.UNANSWERED, Status.REPLAYING)
    finally:
        stack.start("rasa")
    # The assistant is back. Asked from another phone: this one's kept request for a person is
    # being replayed by the follow-up sweep right now (and hands it over), which the next test
    # covers.
    (reply,) = phone().text("what services do you offer")
    assert "can't answer right now" not in reply


def test_texts_sent_while_rasa_is_down_are_each_answered_once_when_it_is_back(
    stack, phone, database
):
    phones = [phone() for _ in range(20)]
    stack.stop("rasa")
    try:
        for me in phones:
            (reply,) = me.text("what services do you offer")
            assert "can't answer right now" in reply
    finally:
        stack.start("rasa")
    for me in phones:  # the follow-up sweep runs every second in this stack
        answer = wait_for(stack, me, "follow-up:", timeout=90)
        assert "can't answer right now" not in answer["body"]
    time.sleep(3)  # a few more sweeps: nothing is answered twice
    for me in phones:
        follow_ups = [m for m in outbox_for(stack, me) if m["reference"].startswith("follow-up:")]
        assert len(follow_ups) == 1
    with database.session() as session:
        statuses = session.execute(
            select(Message.status).where(
                Message.direction == "inbound", Message.error == "answered after an outage"
            )
        ).scalars()
        assert len(list(statuses)) >= 20
