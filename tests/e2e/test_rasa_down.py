"""Rasa stopped mid-test: the caller still gets a useful answer, and the message is kept."""

import time

import pytest
import requests
from sqlalchemy import select

from channels.storage.messages import Message, Status
from tests.e2e.registration_flow import outbox_for, wait_for

pytestmark = [pytest.mark.e2e]


def test_while_rasa_is_stopped_texts_are_answered_kept_and_each_followed_up_once_after(
    stack, phone, database
):
    """One outage (a Rasa start costs the model's load, so the test stops it once)."""
    me = phone()
    assert "VOICE" in me.text("hi")[0]  # the assistant answers
    others = [phone() for _ in range(20)]
    stack.stop("rasa")
    try:
        (reply,) = me.text("necesito hablar con alguien por favor")
        assert "911" in reply and "danger" in reply and "peligro" in reply
        assert "1-855-488-6423" in reply
        ready = requests.get(f"{stack.gateway_url}/readyz", timeout=5)
        assert ready.status_code == 200  # still serving: the fallback answers, texts are kept
        assert ready.json()["assistant"]["checks"]["rasa"].startswith("failed")
        assert latest_inbound_status(database) in (Status.UNANSWERED, Status.REPLAYING)
        for other in others:
            (reply,) = other.text("what services do you offer")
            assert "can't answer right now" in reply
    finally:
        stack.start("rasa")
    # The assistant is back: a new phone is answered at once.
    (reply,) = phone().text("what services do you offer")
    assert "can't answer right now" not in reply
    for other in others:  # the follow-up sweep runs every second in this stack
        answer = wait_for(stack, other, "follow-up:", timeout=90)
        assert "can't answer right now" not in answer["body"]
    time.sleep(3)  # a few more sweeps: nothing is answered twice
    for other in others:
        follow_ups = [
            m for m in outbox_for(stack, other) if m["reference"].startswith("follow-up:")
        ]
        assert len(follow_ups) == 1
    with database.session() as session:
        statuses = session.execute(
            select(Message.status).where(
                Message.direction == "inbound", Message.error == "answered after an outage"
            )
        ).scalars()
        assert len(list(statuses)) >= 20


def latest_inbound_status(database) -> Status | None:
    """The newest inbound text's status: kept for the follow-up sweep (which may be looking at it
    this very moment)."""
    with database.session() as session:
        latest = (
            session.execute(
                select(Message).where(Message.direction == "inbound").order_by(Message.id.desc())
            )
            .scalars()
            .first()
        )
        return None if latest is None else latest.status
