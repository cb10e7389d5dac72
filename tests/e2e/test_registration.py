"""Custody alerts end to end on the default configuration (SQLite, in-process jobs)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from channels.twilio.fake_phone import FakePhone
from scripts.stack import Stack
from tests.e2e.registration_flow import register_and_get_notified

pytestmark = pytest.mark.e2e


def test_sign_up_by_sms_then_get_a_custody_alert(stack: Stack, phone: Callable[[], FakePhone]):
    register_and_get_notified(stack, phone())


def test_stop_in_the_middle_of_a_sign_up_ends_it(phone: Callable[[], FakePhone]):
    texter = phone()
    assert "guardian" in " ".join(texter.text("i want to sign up for custody alerts"))
    assert "no more texts" in " ".join(texter.text("STOP"))
    texter.text("START")
    reply = " ".join(texter.text("hello"))
    assert "Welcome" in reply and "guardian" not in reply  # not taken as an answer to the form
