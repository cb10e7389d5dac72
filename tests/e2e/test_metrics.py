"""/metrics under gunicorn (prometheus-client's multiprocess mode): the worker's counts reach
the scrape."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from channels.twilio.fake_phone import FakePhone
from scripts.stack import Stack

pytestmark = pytest.mark.e2e


def test_a_text_is_counted_in_the_scrape(stack: Stack, phone: Callable[[], FakePhone]):
    phone().text("hi")
    body = requests.get(f"{stack.gateway_url}/metrics", timeout=10).text
    samples = {
        (sample.name, sample.labels.get("route", "")): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }
    assert samples[("hotline_http_request_seconds_count", "/twilio/sms")] >= 1
    assert samples[("hotline_assistant_seconds_count", "")] >= 1
