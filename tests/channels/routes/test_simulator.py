"""The development simulator over the Flask test client: the page, texting through it, its
outbox for the page's own phone, sample custody events recorded like the feed's, and calls
through ``/simulator/call`` (its signed posts to the voice webhooks go to the same test client)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from channels import create_app
from channels.alerts.notifications.models import EventType
from channels.alerts.notifications.service import NOTIFICATIONS
from channels.alerts.registrations.service import REGISTRATIONS
from channels.call_flow.store import CALLS
from channels.handoff.service import HANDOFFS
from channels.outbound.message import Channel, Outbound
from channels.outbound.outbox import OUTBOX, OutboxSender
from channels.routes.simulator import reference_kind
from channels.storage.database import DATABASE
from channels.storage.privacy import PRIVACY
from tests.channels.alerts import test_registrations as registration_tests
from tests.channels.alerts.test_registrations import (
    A_NUMBER,
    OTHER_PHONE,
    PHONE,
    latest_code,
    new_registration,
)
from tests.channels.conftest import PUBLIC_URL
from tests.channels.routes.voice_fixtures import ThroughTestClient, answer, hand_over

fast_pin_hash = registration_tests.fast_pin_hash
VOICE_URL = "https://hotline.example.org/twilio/calls/code/1"


def test_simulator_page_is_served_in_development(client):
    response = client.get("/simulator")
    assert response.status_code == 200
    assert b"VOICE Hotline" in response.data


def test_the_page_has_the_outbox_and_the_custody_event_form(client):
    html = client.get("/simulator").get_data(as_text=True)
    assert 'id="outbox"' in html and 'aria-live="polite"' in html
    assert "Nothing sent to this phone yet." in html
    assert f'id="event-a-number" name="a_number" value="{A_NUMBER}"' in html
    for kind in EventType:
        assert f'<option value="{kind.value}">' in html
    assert "<script>" not in html  # the script is a file: no inline JS


@pytest.mark.parametrize(
    "path",
    [
        "/simulator",
        "/simulator/outbox?to=%2B17135550142",
        "/simulator/custody-event",
        "/simulator/call",
    ],
)
def test_simulator_is_absent_in_production(settings, path):
    app = create_app(settings.with_overrides(dev_mode=False))
    client = app.test_client()
    method = "POST" if path.endswith(("custody-event", "call")) else "GET"
    assert client.open(path, method=method, json={}).status_code == 404


def test_simulator_refuses_a_request_without_a_body(client):
    response = client.post("/simulator/sms", json={"from": "+15550100123"})
    assert response.status_code == 400
    assert "body" in response.get_json()["detail"]


# -- the outbox ---------------------------------------------------------------------------------


def outbox(app: Flask) -> OutboxSender:
    box = OUTBOX.get(app)
    assert isinstance(box, OutboxSender)
    return box


def sent(app: Flask, to: str, reference: str, channel: Channel = Channel.SMS) -> str:
    receipt = outbox(app).send(
        Outbound(channel, to, f"body of {reference}", voice_url=VOICE_URL, reference=reference)
    )
    return receipt.provider_sid


def messages(client: FlaskClient, to: str) -> list[dict[str, Any]]:
    response = client.get("/simulator/outbox", query_string={"to": to})
    assert response.status_code == 200, response.get_json()
    found: list[dict[str, Any]] = response.get_json()["messages"]
    return found


@pytest.mark.parametrize("query", [{}, {"to": ""}, {"to": "  "}, {"to": "ana@example.org"}])
def test_the_outbox_needs_the_pages_phone_number(client, query):
    response = client.get("/simulator/outbox", query_string=query)
    assert response.status_code == 400
    assert "to=" in response.get_json()["detail"]


def test_the_outbox_shows_only_that_phones_messages_newest_first(app, client):
    code = sent(app, PHONE, "code:1")
    sent(app, OTHER_PHONE, "code:2")
    call = sent(app, PHONE, "notification-attempt:7", Channel.VOICE)
    reminder = sent(app, PHONE, "reminder:abc")
    found = messages(client, "+1 (713) 555-0142")
    assert [m["sid"] for m in found] == [reminder, call, code]
    assert [(m["kind"], m["channel"], m["call"]) for m in found] == [
        ("reminder", "sms", False),
        ("notification", "voice", True),
        ("code", "sms", False),
    ]
    assert found[1]["body"] == "body of notification-attempt:7"
    assert {"status", "created_at"} <= set(found[0])
    assert "to" not in found[0] and "voice_url" not in found[0]
    assert messages(client, "+17135550100") == []


@pytest.mark.parametrize(
    ("reference", "kind"),
    [
        ("code:12", "code"),
        ("notification-attempt:3", "notification"),
        ("reminder:0a1b", "reminder"),
        ("", "other"),
        ("codes:1", "other"),
    ],
)
def test_reference_kinds(reference, kind):
    assert reference_kind(reference) == kind


def test_the_outbox_is_404_when_twilio_and_smtp_send_for_real(settings):
    real = settings.with_overrides(
        twilio_account_sid="AC" + "0" * 32,
        twilio_phone_number="+17135550100",
        smtp_host="smtp.example.org",
        smtp_from="alerts@example.org",
    )
    app = create_app(real)
    try:
        response = app.test_client().get("/simulator/outbox", query_string={"to": PHONE})
    finally:
        DATABASE.get(app).dispose()
    assert response.status_code == 404
    assert "Twilio/SMTP" in response.get_json()["detail"]


# -- sample custody events ----------------------------------------------------------------------


def record(client: FlaskClient, **body: Any) -> Any:
    return client.post("/simulator/custody-event", json=body)


def test_a_sample_event_is_recorded_with_a_new_id_and_counted(client, app):
    first = record(client, a_number="A012345678", type="release")
    second = record(client, a_number="A012345678", type="transfer")
    assert (first.status_code, second.status_code) == (201, 201)
    one, two = first.get_json(), second.get_json()
    assert one["event_id"].startswith("simulator-") and one["event_id"] != two["event_id"]
    assert (one["type"], one["matched"], one["notifications"]) == ("release", 0, {})
    status = NOTIFICATIONS.get(app).event_status(two["event_id"])
    assert status["type"] == "transfer"


@pytest.mark.usefixtures("fast_pin_hash")
def test_an_active_registration_gets_its_alert_in_the_outbox(app, client):
    registrations = REGISTRATIONS.get(app)
    new = new_registration()
    issued = registrations.create(new)
    code = latest_code(DATABASE.get(app), PRIVACY.get(app), issued.registration_id)
    assert registrations.verify(issued.registration_id, new.registrant, code)["status"] == "active"

    response = record(client, a_number=A_NUMBER.lower(), type="release")
    assert response.status_code == 201
    assert response.get_json()["matched"] == 1
    assert NOTIFICATIONS.get(app).queue.drain(10)
    kinds = [m["kind"] for m in messages(client, PHONE)]
    assert kinds == ["notification", "code"]
    assert "released" in messages(client, PHONE)[0]["body"]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"a_number": "B12", "type": "release"}, {"a_number"}),
        ({"type": "release"}, {"a_number"}),
        ({"a_number": A_NUMBER, "type": "parole"}, {"type"}),
        ({"a_number": "", "type": None}, {"a_number", "type"}),
    ],
)
def test_a_bad_sample_event_is_422_naming_the_form_fields(client, body, fields):
    response = record(client, **body)
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == fields
    if "a_number" in fields:
        assert "A204555781" in response.get_json()["fields"]["a_number"]


@pytest.mark.parametrize("data", ["not json", "[1, 2]"])
def test_a_sample_event_needs_a_json_object(client, data):
    response = client.post("/simulator/custody-event", data=data, content_type="application/json")
    assert response.status_code == 400
    assert "a_number" in response.get_json()["detail"]


# -- calls ----------------------------------------------------------------------------------------

CALLER = "+17135550142"


@pytest.fixture
def webhooks(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> ThroughTestClient:
    transport = ThroughTestClient(client)
    monkeypatch.setattr("channels.twilio.fake_phone.requests", transport)
    return transport


def dial(client: FlaskClient, **body: Any) -> Any:
    return client.post("/simulator/call", json={"from": CALLER, **body})


def step_on(client: FlaskClient, previous: dict[str, Any], **body: Any) -> dict[str, Any]:
    """The caller's next move after ``previous`` (an answer of ``/simulator/call``): to its last
    step's ``<Gather>`` action, or with ``transfer=...`` to the transfer's action."""
    last = previous["steps"][-1]
    url = last["transfer"]["action"] if "transfer" in body else last["listen"]["action"]
    response = dial(client, call_sid=previous["call_sid"], url=url, **body)
    assert response.status_code == 200, response.get_json()
    data: dict[str, Any] = response.get_json()
    assert data["call_sid"] == previous["call_sid"]
    return data


def spoken(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(said["text"], said["language"]) for step in data["steps"] for said in step["said"]]


def started(client: FlaskClient) -> dict[str, Any]:
    response = dial(client)
    assert response.status_code == 200, response.get_json()
    data: dict[str, Any] = response.get_json()
    return data


@pytest.mark.usefixtures("webhooks")
def test_a_call_starts_with_the_language_menu_in_both_voices(client):
    data = started(client)
    assert data["call_sid"].startswith("CA")
    (step,) = data["steps"]
    (english, en), (spanish, es) = [(s["text"], s["language"]) for s in step["said"]]
    assert english.startswith("Thank you for calling") and "dial 911" in english
    assert "marque el 911" in spanish and (en, es) == ("en-US", "es-US")
    listen = step["listen"]
    assert listen["action"].startswith(f"{PUBLIC_URL}/twilio/voice/language")
    assert (listen["language"], listen["num_digits"]) == ("en-US", 1)
    assert "español" in listen["hints"]
    assert (step["transfer"], step["redirect"], step["hangup"]) == (None, None, False)


def test_2_on_the_keypad_goes_on_in_spanish(client, webhooks):
    menu = started(client)
    data = step_on(client, menu, digits="2")
    (step,) = data["steps"]
    assert step["listen"]["language"] == "es-US" and "turn=" in step["listen"]["action"]
    assert {language for _, language in spoken(data)} == {"es-US"}
    assert "oprima 0" in " ".join(text for text, _ in spoken(data))
    path, fields = webhooks.posted[-1]
    assert path.startswith("/twilio/voice/language") and fields["Digits"] == "2"
    assert fields["CallSid"] == menu["call_sid"] and fields["From"] == CALLER


@pytest.mark.usefixtures("webhooks")
def test_speech_reaches_the_assistant_and_its_answer_is_spoken(client, assistant):
    english = step_on(client, started(client), digits="1")
    assistant.voice_answer = answer("We help victims of crimes.")
    data = step_on(client, english, speech="what does the office do")
    assert assistant.calls[-1][1] == "what does the office do"
    assert spoken(data) == [("We help victims of crimes.", "en-US")]
    assert data["steps"][-1]["listen"]["num_digits"] is None


@pytest.mark.usefixtures("webhooks")
def test_silence_is_an_empty_answer(client):
    data = step_on(client, started(client))
    assert "For English, press 1" in spoken(data)[0][0]


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example.org/twilio/voice/turn",
        f"{PUBLIC_URL}/twilio/sms",
        f"{PUBLIC_URL}/twilio/voiceprint",
        f"{PUBLIC_URL}/api/handoffs",
        ["not", "a", "url"],
    ],
)
def test_only_the_hotlines_voice_webhooks_can_be_posted_to(client, webhooks, url):
    response = dial(client, call_sid="CA123", url=url, digits="1")
    assert response.status_code == 400
    assert "voice webhooks" in response.get_json()["detail"]
    assert webhooks.posted == []


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"speech": "yes", "digits": "1"}, "not both"),
        ({"digits": "12a"}, "0-9, * and #"),
        ({"speech": "x" * 501}, "at most 500"),
        ({"transfer": "voicemail"}, "transfer must be one of"),
    ],
)
def test_a_bad_answer_is_400(client, webhooks, body, detail):
    response = dial(client, call_sid="CA123", url=f"{PUBLIC_URL}/twilio/voice/turn", **body)
    assert response.status_code == 400
    assert detail in response.get_json()["detail"]
    assert webhooks.posted == []


@pytest.mark.parametrize("body", [{}, {"from": ""}, {"from": 17135550142}, [1, 2]])
def test_a_call_needs_the_pages_number(client, webhooks, body):
    response = client.post("/simulator/call", json=body)
    assert response.status_code == 400
    assert "from" in response.get_json()["detail"]


@pytest.mark.usefixtures("webhooks")
def test_a_webhook_that_fails_is_502_with_its_answer(client):
    response = dial(client, call_sid="CAunknown", url=f"{PUBLIC_URL}/twilio/voice/turn?turn=1")
    assert response.status_code == 502
    error = response.get_json()
    assert error["error"] == "the voice webhook failed" and "404" in error["detail"]


@pytest.mark.usefixtures("webhooks")
def test_a_slow_assistant_gives_a_filler_then_its_answer_in_one_step(app, client, assistant):
    app.config["HOTLINE_SETTINGS"] = app.config["HOTLINE_SETTINGS"].with_overrides(
        voice_wait_seconds=0.2
    )
    english = step_on(client, started(client), digits="1")
    assistant.voice_delay = 0.7
    assistant.voice_answer = answer("Here is the answer.")
    data = step_on(client, english, speech="what happens at a removal hearing")
    assert len(data["steps"]) >= 2
    filler, *waits, last = data["steps"]
    assert filler["said"] == [{"text": "One moment, please.", "language": "en-US"}]
    assert filler["listen"] is None and "/twilio/voice/wait?turn=" in filler["redirect"]
    assert all(w["listen"] is None and w["redirect"] for w in waits)
    assert last["said"] == [{"text": "Here is the answer.", "language": "en-US"}]
    assert last["listen"] is not None and last["redirect"] is None
    assert len(assistant.calls) == 1


def handoff_of(transfer: dict[str, Any]) -> str:
    return parse_qs(urlsplit(transfer["action"]).query)["handoff"][0]


@pytest.mark.usefixtures("webhooks")
def test_0_rings_the_specialists_line_with_the_whisper_and_no_answer_offers_a_callback(
    app, client, assistant
):
    app.config["HOTLINE_SETTINGS"] = app.config["HOTLINE_SETTINGS"].with_overrides(
        specialist_line="+1 202 555 0199"
    )
    english = step_on(client, started(client), digits="1")
    assistant.voice_answer = hand_over(app)
    ringing = step_on(client, english, digits="0")
    last = ringing["steps"][-1]
    assert spoken(ringing) == [("Please stay on the line.", "en-US")]
    assert last["listen"] is None and last["hangup"] is False
    transfer = last["transfer"]
    assert (transfer["kind"], transfer["to"]) == ("dial", "+12025550199")
    assert "/twilio/voice/transfer?handoff=" in transfer["action"]
    assert transfer["whisper"].startswith("VOICE hotline call. The caller asked for a specialist.")

    assistant.voice_answer = answer("Would you like a specialist to call you back?")
    offer = step_on(client, ringing, transfer="no-answer")
    assert assistant.calls[-1][1] == "/transfer_unanswered"
    assert spoken(offer) == [("Would you like a specialist to call you back?", "en-US")]
    assert offer["steps"][-1]["listen"] is not None
    history = HANDOFFS.get(app).history(handoff_of(transfer))
    assert [e["detail"] for e in history if e["kind"] == "call"] == [{"outcome": "no-answer"}]


@pytest.mark.usefixtures("webhooks")
def test_an_answered_transfer_ends_the_call(app, client, assistant):
    english = step_on(client, started(client), digits="1")
    assistant.voice_answer = hand_over(app)
    done = step_on(client, step_on(client, english, digits="0"), transfer="completed")
    assert done["steps"][-1]["hangup"] is True and done["steps"][-1]["listen"] is None
    assert HANDOFFS.get(app).queue() == []


@pytest.mark.parametrize(("outcome", "result"), [("completed", "bridged"), ("no-answer", "leave")])
def test_in_enqueue_mode_the_outcome_is_a_queue_result(
    app, client, assistant, webhooks, outcome, result
):
    app.config["HOTLINE_SETTINGS"] = app.config["HOTLINE_SETTINGS"].with_overrides(
        voice_transfer="enqueue", voice_queue="specialists"
    )
    english = step_on(client, started(client), digits="1")
    assistant.voice_answer = hand_over(app)
    queued = step_on(client, english, digits="0")
    transfer = queued["steps"][-1]["transfer"]
    assert (transfer["kind"], transfer["to"], transfer["whisper"]) == ("enqueue", "specialists", "")
    assistant.voice_answer = answer("Would you like a specialist to call you back?")
    after = step_on(client, queued, transfer=outcome)
    sent = [f for p, f in webhooks.posted if p.startswith("/twilio/voice/transfer")]
    assert sent[-1]["QueueResult"] == result and "DialCallStatus" not in sent[-1]
    assert after["steps"][-1]["hangup"] is (outcome == "completed")


def test_hanging_up_ends_the_call_through_the_status_callback(app, client, webhooks):
    call = step_on(client, started(client), digits="1")
    response = dial(client, call_sid=call["call_sid"], hangup=True)
    assert response.status_code == 200 and response.get_json()["steps"] == []
    sent = [f for p, f in webhooks.posted if p == "/twilio/voice/status"]
    assert sent[-1]["CallStatus"] == "completed"
    calls = CALLS.get(app)
    assert calls.get(call["call_sid"]).status == "ended"


@pytest.mark.parametrize("path", ["/simulator/sms", "/simulator/call"])
def test_a_forged_host_cannot_send_the_simulators_signed_posts_elsewhere(client, webhooks, path):
    body = {"from": CALLER, "body": "hi"} if path.endswith("sms") else {"from": CALLER}
    client.post(path, json=body, headers={"Host": "attacker.example:8443"})
    assert webhooks.urls
    assert all(url.startswith("http://127.0.0.1:") for url in webhooks.urls), webhooks.urls
