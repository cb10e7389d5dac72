"""What the page tests share: a real gateway served on a free port, Debian's Chromium driven by
Playwright (never a browser download), a page that collects script errors and failed requests,
and the check that every field has a label."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from channels import create_app
from channels.config.settings import Settings
from channels.storage.database import DATABASE, Base

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def local_settings(directory: Path, port: int, **overrides: Any) -> Settings:
    """Development settings on a temporary SQLite file; Rasa's URL is a closed port."""
    return Settings(
        twilio_auth_token=secrets.token_hex(16),
        secret_key=secrets.token_hex(16),
        public_url=f"http://127.0.0.1:{port}",
        database_url=f"sqlite:///{directory}/hotline.db",
        rasa_url=f"http://127.0.0.1:{free_port()}",
        rasa_timeout_seconds=1.0,
        dev_mode=True,
        sweep_seconds=0,
        **overrides,
    )


@contextmanager
def serving(settings: Settings, port: int) -> Iterator[Flask]:
    """The gateway under werkzeug on ``port`` in a thread, for as long as the block runs."""
    app = create_app(settings)
    database = DATABASE.get(app)
    Base.metadata.create_all(database.engine)
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app
    finally:
        server.shutdown()
        thread.join(timeout=5)
        database.dispose()


def launch_chromium() -> Iterator[Any]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip("no Debian chromium: `make browser` installs it")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        running = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield running
        running.close()


def watched_page(browser: Any) -> Iterator[Any]:
    """A page in a fresh profile (no cookies). ``page.errors`` collects script errors, what the
    Content-Security-Policy refused, and failed requests (but the favicon, which there is none
    of); confirmation dialogs are accepted."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []

    def console_error(message: Any) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            page.errors.append(message.text)

    def failed(response: Any) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            page.errors.append(f"{response.status} {response.url}")

    page.on("console", console_error)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("response", failed)
    page.on("dialog", lambda dialog: dialog.accept())
    yield page
    context.close()


def unlabelled_fields(page: Any) -> list[str]:
    return list(
        page.evaluate(
            """[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                .filter((field) => field.labels.length === 0 && !field.getAttribute('aria-label'))
                .map((field) => field.id || field.name)"""
        )
    )
