"""Custody alerts end to end on the default configuration (SQLite, in-process jobs)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from channels.fake_phone import FakePhone
from scripts.stack import Stack
from tests.e2e.registration_flow import register_and_get_notified

pytestmark = pytest.mark.e2e


def test_sign_up_by_sms_then_get_a_custody_alert(stack: Stack, phone: Callable[[], FakePhone]):
    register_and_get_notified(stack, phone())
