"""Rasa stopped mid-test: the caller still gets a useful answer, and the message is kept."""

import pytest
import requests
from sqlalchemy import select

from channels.storage.messages import Message, Status

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
        assert ready.status_code == 503
        assert ready.json()["checks"]["rasa"].startswith("failed")
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
        assert latest is not None and latest.status is Status.UNANSWERED
    finally:
        stack.start("rasa")
    (reply,) = me.text("what services do you offer")
    assert "can't answer right now" not in reply  # the assistant is back
