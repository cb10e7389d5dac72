"""The specialist console in headless Chromium (Debian's, driven by Playwright; never a download).

A real gateway (``create_app`` with development settings and a temporary SQLite file) serves on
a free port under werkzeug; Rasa's URL points at a closed port, so the gateway answers texts with
its fallback, which is all this needs: no Rasa, no model. Users and handoffs are made through the
services; the victim texts through ``/twilio/sms``, signed like Twilio.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from channels.config.settings import Settings
from channels.handoff.audit import AUDIT
from channels.handoff.service import HANDOFFS
from channels.handoff.states import Priority, Reason
from channels.outbound.message import Channel
from channels.outbound.outbox import OUTBOX
from channels.routes.console_session import CONSOLE
from channels.storage.privacy import PRIVACY
from channels.texts import sms as replies
from channels.twilio.fake_phone import FakePhone, random_number
from tests.channels.routes.browser import (
    free_port,
    launch_chromium,
    local_settings,
    serving,
    unlabelled_fields,
    watched_page,
)

pytestmark = pytest.mark.browser

PASSWORDS = {"ana": "ana-has-a-long-password", "bob": "bob-has-a-long-password"}
REPLY = "Hola, soy Ana, especialista de la oficina. ¿Está en un lugar seguro ahora?"
WAIT = 10_000  # milliseconds: a poll comes every 5 s
# Where the conversation page's screenshot goes (besides the test's temporary directory).
SCREENSHOT_ENV = "CONSOLE_SCREENSHOT"


@dataclass
class Gateway:
    app: Flask
    url: str
    settings: Settings

    def phone(self) -> FakePhone:
        return FakePhone(
            gateway_url=self.url,
            public_url=self.settings.public_url,
            auth_token=self.settings.twilio_auth_token,
            from_number=random_number(),
            timeout_seconds=10,
        )

    def handoff(self, phone: FakePhone, **changes: Any) -> str:
        """A handoff of the phone's conversation (which its first text creates)."""
        phone.text("I need to talk to a person")
        arguments: dict[str, Any] = {
            "channel": "sms",
            "language": "en",
            "reason": Reason.REQUEST_HUMAN,
            "priority": Priority.NORMAL,
            "summary": {"asked": ["request_human"], "details": {"help_location": "Houston"}},
            **changes,
        }
        conversation_id = PRIVACY.get(self.app).conversation_key(phone.from_number)
        view, _ = HANDOFFS.get(self.app).request(conversation_id, **arguments)
        return str(view.id)

    def texts_to(self, phone: FakePhone) -> list[str]:
        box = OUTBOX.get(self.app)
        entries = box.list(channel=Channel.SMS, to=phone.from_number)
        return [entry.body for entry in reversed(entries)]


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    port = free_port()
    settings = local_settings(tmp_path_factory.mktemp("console"), port)
    with serving(settings, port) as app:  # Rasa is closed: the gateway's fallback answers
        users = CONSOLE.get(app).users
        users.create("ana", PASSWORDS["ana"], "supervisor")
        users.create("bob", PASSWORDS["bob"])
        yield Gateway(app, f"http://127.0.0.1:{port}", settings)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    yield from watched_page(browser)


def log_in(page: Any, gateway: Gateway, name: str) -> None:
    page.goto(f"{gateway.url}/console")
    assert "/console/login" in page.url
    page.fill("#username", name)
    page.fill("#password", PASSWORDS[name])
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{gateway.url}/console")


def test_a_specialist_takes_a_conversation_from_the_queue_to_closed(
    gateway: Gateway, page: Any, tmp_path: Path
) -> None:
    victim = gateway.phone()
    handoff_id = gateway.handoff(victim)
    log_in(page, gateway, "ana")
    assert page.is_visible(f'#queue-rows tr[data-id="{handoff_id}"]')
    assert unlabelled_fields(page) == []

    # The queue is live: a new urgent handoff comes in on top, and is announced.
    urgent_id = gateway.handoff(gateway.phone(), reason=Reason.EMERGENCY, priority=Priority.URGENT)
    page.wait_for_selector(f'#queue-rows tr[data-id="{urgent_id}"]', timeout=WAIT)
    assert page.get_attribute("#queue-rows tr:first-child", "data-id") == urgent_id
    assert "New handoff: urgent, Emergency" in page.text_content("#queue-live")
    assert "Houston" not in page.content()  # no personal data in the queue

    page.click(f'#queue-rows tr[data-id="{handoff_id}"] a')
    page.wait_for_url(f"**/console/handoffs/{handoff_id}")
    assert "I need to talk to a person" in page.text_content("#transcript")
    assert "Houston" in page.text_content(".summary")
    page.click("#claim")
    page.wait_for_selector("#reply-form")
    assert "Claimed by ana" in page.text_content("#handoff-status")
    assert "You have claimed this conversation" in page.text_content("#flash")
    assert unlabelled_fields(page) == []

    # The segment counter: empty, a canned reply (GSM-7, one SMS), Spanish (UCS-2, two).
    assert page.text_content("#reply-counter") == "0 characters"
    page.select_option("#canned", label="Take your time")
    page.click("#canned-insert")
    assert page.input_value("#reply-text").startswith("Thank you for telling me.")
    assert page.text_content("#reply-counter").endswith("1 SMS (GSM-7)")
    page.fill("#reply-text", REPLY)
    assert page.text_content("#reply-counter") == f"{len(REPLY)} characters · 2 SMS (UCS-2)"
    page.click("#reply-send")
    # (Locators, not wait_for_function: the page's CSP refuses the eval that it needs.)
    page.wait_for_selector("#reply-status >> text=/^Reply sent at/", timeout=WAIT)
    # The transcript is refreshed after the status line: wait for the reply to show in it.
    outbound = page.locator("#transcript .msg-outbound .msg-body", has_text=REPLY)
    outbound.last.wait_for(timeout=WAIT)
    assert outbound.last.text_content() == REPLY
    assert page.input_value("#reply-text") == ""
    assert gateway.texts_to(victim) == [REPLY]

    # The victim answers: it reaches the specialist (the transcript refreshes), not the bot.
    assert victim.text("Gracias, estoy en casa.") == []
    page.wait_for_selector("#transcript .msg-inbound >> text=Gracias, estoy en casa.", timeout=WAIT)

    page.fill("#note-text", "Prefers Spanish; asked about shelters.")
    page.click("#note-add")
    page.wait_for_selector("#notes >> text=Prefers Spanish; asked about shelters.")
    page.fill("#callback-window", "weekdays 9-11 am")
    page.check("input[name=voicemail][value=no]")
    page.fill("#callback-note", "Her partner checks her phone in the evening.")
    page.click("#callback-request")
    page.wait_for_selector("#notes >> text=Safe time: weekdays 9-11 am. Voicemail: not safe.")
    assert "Callback request recorded." in page.text_content("#flash")
    page.screenshot(path=str(tmp_path / "console.png"), full_page=True)
    if os.environ.get(SCREENSHOT_ENV):
        page.screenshot(path=os.environ[SCREENSHOT_ENV], full_page=True)

    page.click("#close")
    page.wait_for_selector("#flash >> text=Closed: the assistant answers the person again.")
    assert page.text_content("#handoff-status").strip() == "Closed by ana"
    assert gateway.texts_to(victim)[-1] == replies.back_with_assistant("en")
    kinds = [e["kind"] for e in HANDOFFS.get(gateway.app).history(handoff_id)]
    assert kinds == ["created", "claimed", "reply", "message", "note", "callback", "closed"]
    assert page.errors == []


def test_a_specialist_on_a_narrow_window_403_on_the_audit_log_400_without_the_token(
    gateway: Gateway, page: Any
) -> None:
    handoff_id = gateway.handoff(gateway.phone())
    page.set_viewport_size({"width": 375, "height": 740})
    log_in(page, gateway, "bob")
    fits = "document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(fits)
    assert page.get_by_role("link", name="Audit log").count() == 0

    denied = page.goto(f"{gateway.url}/console/audit")
    assert denied is not None and denied.status == 403
    assert page.text_content("h1") == "Forbidden"

    page.goto(f"{gateway.url}/console/handoffs/{handoff_id}")
    assert page.evaluate(fits)
    page.evaluate("document.querySelector('#note-form input[name=csrf_token]').remove()")
    page.fill("#note-text", "Posted without the token.")
    with page.expect_response(lambda response: response.url.endswith("/notes")) as posted:
        page.click("#note-add")
    assert posted.value.status == 400
    assert "did not come from the console" in page.text_content("main")
    kinds = [e["kind"] for e in HANDOFFS.get(gateway.app).history(handoff_id)]
    assert kinds == ["created"]
    assert [error.split()[0] for error in page.errors] == ["403", "400"]
    audit = AUDIT.get(gateway.app).entries()
    assert ("bob", "handoff.viewed", handoff_id) in [
        (e["actor"], e["action"], e["subject"]) for e in audit
    ]
