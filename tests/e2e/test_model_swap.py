"""A new model goes live in the running Rasa without a restart (``make retrain``'s release): people
texting all through the swap are answered by the assistant, none by the gateway's "the assistant
can't answer" fallback, and a sign-up half-way through continues on the new model."""

from __future__ import annotations

import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from channels.assistant.client import rasa_api_authorization
from channels.twilio.fake_phone import FakePhone
from scripts.model_versions import live_model_file, put_live
from scripts.stack import MODEL, Stack
from tests.e2e.registration_flow import SIGN_UP

pytestmark = pytest.mark.e2e
CHATTER = ["hi", "what services do you offer", "thanks"]
ASSISTANT_DOWN = "can't answer right now"


@pytest.fixture
def new_model() -> Iterator[Path]:
    """A model file beside the live one, as ``make retrain`` writes it."""
    path = MODEL.parent / f"hotline-swap-test-{uuid.uuid4().hex[:8]}.tar.gz"
    shutil.copyfile(MODEL, path)
    yield path
    path.unlink(missing_ok=True)


class Chatter(threading.Thread):
    """People texting the everyday questions, one after another, until told to stop (a new
    phone for each: one phone's flood would be kept for a specialist, not answered)."""

    def __init__(self, new_phone: Callable[[], FakePhone]) -> None:
        super().__init__(daemon=True)
        self.new_phone, self.stopping = new_phone, threading.Event()
        self.replies: list[tuple[str, str]] = []

    def run(self) -> None:
        while not self.stopping.is_set():
            texter = self.new_phone()
            for message in CHATTER:
                self.replies.append((message, " ".join(texter.text(message))))


def test_a_new_model_goes_live_under_traffic_with_nothing_dropped(
    stack: Stack, phone: Callable[[], FakePhone], new_model: Path
):
    token = stack.environment()["HOTLINE_RASA_TOKEN"]
    signing_up = phone()
    for message, expected in SIGN_UP[:4]:
        assert expected in " ".join(signing_up.text(message)), message
    chatters = [Chatter(phone) for _ in range(3)]
    for chatter in chatters:
        chatter.start()
    try:
        swap = put_live([stack.rasa_url], new_model, token)
    finally:
        for chatter in chatters:
            chatter.stopping.set()
        for chatter in chatters:
            chatter.join(timeout=60)
    assert swap.done == [stack.rasa_url]
    assert live_model_file(stack.rasa_url, token) == new_model.name
    replies = [reply for chatter in chatters for reply in chatter.replies]
    assert len(replies) >= 3 * len(chatters)  # texting went on all through the load
    for message, reply in replies:
        assert reply and ASSISTANT_DOWN not in reply, (message, reply)
    for message, expected in SIGN_UP[4:7]:  # the same form, on the new model
        assert expected in " ".join(signing_up.text(message)), message


def test_a_model_from_outside_the_model_directory_is_refused(stack: Stack, tmp_path: Path):
    outside = tmp_path / "hotline.tar.gz"
    shutil.copyfile(MODEL, outside)
    token = stack.environment()["HOTLINE_RASA_TOKEN"]
    before = live_model_file(stack.rasa_url, token)
    response = requests.put(
        f"{stack.rasa_url}/model",
        json={"model_file": str(outside)},
        headers=rasa_api_authorization(token, "maintainer"),
        timeout=60,
    )
    assert response.status_code == 400
    assert live_model_file(stack.rasa_url, token) == before
