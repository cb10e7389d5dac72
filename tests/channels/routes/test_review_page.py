"""The review inbox in headless Chromium (Debian's, driven by Playwright; never a download), end
to end: a specialist flags a message in the conversation page, a maintainer finds it in
/console/review with the filters, labels it, and the export writes it, de-identified, under
the chosen intent. The gateway is real (``serving``), Rasa is a closed port (its fallback
answers), the victim texts through ``/twilio/sms`` signed like Twilio.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from channels.handoff.service import HANDOFFS
from channels.handoff.states import Priority, Reason
from channels.review.service import REVIEW
from channels.routes.console_session import CONSOLE
from channels.storage.privacy import PRIVACY
from channels.twilio.fake_phone import FakePhone, random_number
from scripts.review_export import Sources, export_from_database
from tests.channels.routes.browser import (
    free_port,
    launch_chromium,
    local_settings,
    serving,
    unlabelled_fields,
    watched_page,
)

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[3]
PASSWORDS = {"bob": "bob-has-a-long-password", "mia": "mia-has-a-long-password"}
SAID = "This is Ana Pérez, my number is 713-555-0142, can I get texts when he is moved"
KEPT = "This is [NAME], my number is [PHONE], can I get texts when he is moved"
WAIT = 10_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    yield from watched_page(browser)


@pytest.fixture
def maintainer(browser: Any) -> Iterator[Any]:
    """A second browser profile: the maintainer's."""
    yield from watched_page(browser)


def log_in(page: Any, url: str, name: str, lands_on: str) -> None:
    page.goto(f"{url}/console/login")
    page.fill("#username", name)
    page.fill("#password", PASSWORDS[name])
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{url}{lands_on}")


def test_a_flagged_message_is_labelled_in_the_inbox_and_exported(
    page: Any, maintainer: Any, tmp_path: Path
) -> None:
    port = free_port()
    settings = local_settings(tmp_path / "gateway", port)
    url = f"http://127.0.0.1:{port}"
    with serving(settings, port) as app:
        users = CONSOLE.get(app).users
        users.create("bob", PASSWORDS["bob"])
        users.create("mia", PASSWORDS["mia"], "maintainer")
        victim = FakePhone(
            gateway_url=url,
            public_url=settings.public_url,
            auth_token=settings.twilio_auth_token,
            from_number=random_number(),
            timeout_seconds=10,
        )
        victim.text(SAID)
        view, _ = HANDOFFS.get(app).request(
            PRIVACY.get(app).conversation_key(victim.from_number),
            channel="sms",
            language="en",
            reason=Reason.REQUEST_HUMAN,
            priority=Priority.NORMAL,
            summary={"asked": ["register_notifications"]},
        )

        # The specialist: "The assistant misunderstood this" beside the person's message.
        log_in(page, url, "bob", "/console")
        page.goto(f"{url}/console/handoffs/{view.id}")
        message = page.locator("#transcript .msg-inbound", has_text=SAID)
        message.locator("button.flag").click()
        page.wait_for_selector("#flash >> text=/in the maintainers. review inbox/", timeout=WAIT)

        # The maintainer: the inbox, filtered, then the label.
        log_in(maintainer, url, "mia", "/console/review")
        assert unlabelled_fields(maintainer) == []
        maintainer.select_option("#filter-language", "en")
        maintainer.select_option("#filter-reason", "flagged")
        maintainer.click("#filter-apply")
        maintainer.wait_for_url("**/console/review?*reason=flagged*")
        items = maintainer.locator("#review-items li.review-item")
        assert items.count() == 1
        item = items.first
        assert item.locator(".said").inner_text().endswith(KEPT)
        assert "Ana" not in maintainer.content() and "713-555" not in maintainer.content()
        assert "Flagged by a specialist" in item.inner_text()
        item_id = item.get_attribute("data-id")
        maintainer.select_option(f"#intent-{item_id}", "register_notifications")
        maintainer.click(f"#label-{item_id}")
        maintainer.wait_for_selector("#flash >> text=Labelled as register_notifications")
        assert "reason=flagged" in maintainer.url  # back to the same filters
        assert maintainer.locator(f"#item-{item_id}").get_attribute("data-status") == "labelled"

        # The export (make review-export): into a temporary data/nlu/reviewed.
        out_dir = tmp_path / "data" / "nlu" / "reviewed"
        sources = Sources(domain=REPO / "bot" / "domain", training=(), tests=())
        result = export_from_database(REVIEW.get(app), out_dir, date.today(), sources)
        written = out_dir / f"{date.today().isoformat()}.yml"
        assert [example.text for example in result.written] == [KEPT]
        (block,) = yaml.safe_load(written.read_text(encoding="utf-8"))["nlu"]
        assert block["intent"] == "register_notifications"
        assert block["metadata"] == {"language": "en"}
        assert block["examples"] == f"- {KEPT}\n"
        assert "Ana" not in written.read_text(encoding="utf-8")

        maintainer.goto(f"{url}/console/review?status=exported")
        assert maintainer.locator(f"#item-{item_id}").get_attribute("data-status") == "exported"
        assert page.errors == [] and maintainer.errors == []
