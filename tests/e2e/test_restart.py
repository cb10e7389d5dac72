"""Conversations live in Rasa's tracker store (SQL, encrypted), not in a process's memory: a
sign-up half-way through continues after Rasa and the action server restart."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from channels.twilio.fake_phone import FakePhone
from scripts.stack import Stack
from tests.e2e.registration_flow import SIGN_UP

pytestmark = pytest.mark.e2e


def test_a_sign_up_continues_after_a_restart(stack: Stack, phone: Callable[[], FakePhone]):
    texter = phone()
    before, after = SIGN_UP[:4], SIGN_UP[4:7]
    for message, expected in before:
        assert expected in " ".join(texter.text(message)), message
    stack.stop("rasa", "actions")
    stack.start("actions", "rasa")
    for message, expected in after:  # the same form, the next questions
        assert expected in " ".join(texter.text(message)), message
