"""The three images of deploy/, built without a container engine and run connected as compose
runs them (scripts/image_rehearsal.py): each process from its image's files and Python
environment alone, healthy by its image's own HEALTHCHECK, the migration Job run from the
gateway image first, and a person's first two texts answered through all three."""

from __future__ import annotations

import pytest

from scripts.image_rehearsal import IMAGES, deployment, first_turns, runtime_settings
from scripts.stack import MODEL

pytestmark = pytest.mark.e2e


def test_the_three_images_serve_a_sign_up_together(tmp_path):
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` first")
    with runtime_settings() as runtime, deployment(IMAGES, tmp_path, runtime, 300) as up:
        assert list(up) == ["actions", "assistant", "gateway"]
        gateway_url = f"http://127.0.0.1:{up['gateway'].port}"
        settings = {**runtime, "HOTLINE_PUBLIC_URL": gateway_url}
        first, second = first_turns(gateway_url, settings)
    # The assistant's sign-up question, not the gateway's "we could not reach the assistant".
    assert "are you the victim" in " ".join(first)
    # The action server's form validation took the answer and went on to the next question.
    assert "Alerts are free" in " ".join(second)
