"""The simulator page in headless Chromium (Debian's, driven by Playwright; never a download)."""

import secrets
import shutil

import pytest

from tests.e2e.registration_flow import api

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


@pytest.fixture
def page(stack):
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page()
        yield page
        browser.close()


def test_a_newcomer_texts_the_hotline_from_the_page(stack, page, tmp_path):
    page.goto(f"{stack.gateway_url}/simulator")
    page.fill("#message", "is there a shelter in houston")
    assert "SMS" in page.text_content("#counter")
    page.click("#send")
    reply = page.wait_for_selector(".bubble.in", timeout=20_000)
    assert "Houston, TX" in reply.text_content()
    page.fill("#message", "en español por favor")
    page.keyboard.press("Enter")
    # Locators, not wait_for_function: every page's CSP refuses the eval that it needs.
    second = page.locator(".bubble.in").nth(1)
    second.wait_for(timeout=20_000)
    assert "español" in second.text_content()
    page.screenshot(path=str(tmp_path / "simulator.png"))


def test_example_buttons_send_messages(stack, page):
    page.goto(f"{stack.gateway_url}/simulator")
    page.click("text=HELP")
    reply = page.wait_for_selector(".bubble.in", timeout=20_000)
    assert "911" in reply.text_content()


def test_a_sample_custody_event_and_the_outbox_on_the_page(stack, page):
    page.goto(f"{stack.gateway_url}/simulator")
    assert page.input_value("#event-a-number") == "A204555781"
    assert page.is_visible("#outbox-empty")
    unregistered = f"A9{secrets.randbelow(10**8):08d}"
    page.fill("#event-a-number", unregistered)
    page.select_option("#event-type", "transfer")
    page.click("#event-send")
    page.locator("#event-result", has_text="recorded").wait_for(timeout=20_000)
    assert "0 registrations matched" in page.text_content("#event-result")

    phone = page.input_value("#from")
    registration = {
        "registrant": f"simulator-page-{secrets.token_hex(8)}",
        "relationship": "victim",
        "terms_version": "2026-11",
        "offender": {"name": "Juan Carlos Pérez Gómez", "a_number": unregistered},
        "contact": {"channel": "sms", "value": phone},
        "voicemail_ok": False,
        "discreet": False,
        "language": "en",
        "pin": "4821",
    }
    api(stack, "POST", "/api/registrations", "HOTLINE_API_TOKEN", json=registration)
    item = page.wait_for_selector("#outbox .outbox-item.kind-code", timeout=20_000)
    assert "Verification code" in item.text_content()
    assert "Your verification code is" in item.text_content()
    assert page.is_hidden("#outbox-empty")
