"""/metrics: Prometheus's text format, what was counted and what the database says now; behind
its token when one is set; nothing personal in it."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from channels.twilio.fake_phone import sms_params

PHONE = "+17135550142"


def scrape(client, **headers: str) -> dict[str, list]:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.content_type.startswith("text/plain")
    return {
        family.name: family.samples
        for family in text_string_to_metric_families(response.get_data(as_text=True))
    }


def value(samples: list, **labels: str) -> float:
    return sum(s.value for s in samples if all(s.labels.get(k) == v for k, v in labels.items()))


def test_texts_are_timed_counted_and_never_named(client, signed_post, assistant):
    before = scrape(client)
    signed_post(params=sms_params(PHONE, "hi, my name is Ana"))
    assistant.answer = None  # the assistant is down: the fallback answers
    signed_post(params=sms_params(PHONE, "hello?"))
    after = scrape(client)
    timed = after["hotline_http_request_seconds"]
    route = {"route": "/twilio/sms", "method": "POST", "status": "2xx"}
    count_before = value(before.get("hotline_http_request_seconds", []), **route)
    assert value([s for s in timed if s.name.endswith("_count")], **route) >= 2
    assert count_before < value(timed, **route)
    assert value(after["hotline_fallback_answers"], channel="sms") >= 1
    assert value(after["hotline_messages"], status="unanswered") == 1
    assert value(after["hotline_messages"], status="answered") == 1
    assert value(after["hotline_handoffs_open"]) == 0
    text = client.get("/metrics").get_data(as_text=True)
    assert PHONE not in text and "Ana" not in text and "7135550142" not in text


def test_a_metrics_token_is_required_when_set(app, client):
    from channels.config.settings import CONFIG_KEY

    app.config[CONFIG_KEY] = app.config[CONFIG_KEY].with_overrides(
        metrics_token="a-metrics-token-of-enough-length"
    )
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    scrape(client, Authorization="Bearer a-metrics-token-of-enough-length")
