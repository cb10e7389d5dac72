"""What the tests of calls share: the Flask test client standing in for ``requests`` (so that
FakeCall and the simulator post to the app in-process), and a scripted assistant's answers."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from flask.testing import FlaskClient

from channels.assistant.client import TurnResult
from channels.handoff.service import HANDOFFS
from channels.handoff.states import Priority, Reason


class ThroughTestClient:
    """Stands in for ``requests`` in channels.twilio.fake_phone: the simulator's signed posts to the
    voice webhooks go to the same Flask test client, answered as ``requests`` would answer."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.posted: list[tuple[str, dict[str, str]]] = []
        self.urls: list[str] = []

    def post(
        self, url: str, data: dict[str, str], headers: dict[str, str], timeout: float
    ) -> requests.Response:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        self.posted.append((path, dict(data)))
        self.urls.append(url)
        answered = self.client.post(path, data=data, headers=headers)
        response = requests.Response()
        response.status_code = answered.status_code
        response._content = answered.get_data()
        response.encoding = "utf-8"
        response.url = url
        return response


def answer(*texts: str, language: str = "en", slot: str | None = None, paused: bool = False):
    return TurnResult(texts=texts, language=language, requested_slot=slot, paused=paused)


def hand_over(app, reason=Reason.REQUEST_HUMAN, priority=Priority.NORMAL, language="en"):
    """What the assistant's handoff action does through the gateway's API, then pauses."""

    def turn(sender: str, text: str) -> TurnResult:
        HANDOFFS.get(app).request(
            sender, channel="voice", language=language, reason=reason, priority=priority, summary={}
        )
        spoken = (
            ("If you are in danger, hang up and dial 911 now.", "Say yes or press 1.")
            if priority is Priority.URGENT
            else ("Please stay on the line.",)
        )
        return answer(*spoken, paused=True, language=language)

    return turn
