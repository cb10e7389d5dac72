"""Talking to the Rasa server: its REST channel for turns, its root URL for readiness."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import requests
from requests.adapters import HTTPAdapter

log = logging.getLogger(__name__)


class AssistantUnavailable(Exception):
    """Rasa did not answer in time, or answered with an error."""


class RasaClient:
    """One pooled HTTP session to Rasa, shared by all gateway threads."""

    def __init__(
        self, base_url: str, timeout_seconds: float, pool_size: int = 64, token: str = ""
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_seconds = timeout_seconds
        self.token = token
        self._http = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
        self._http.mount("http://", adapter)
        self._http.mount("https://", adapter)

    def send(
        self,
        sender: str,
        text: str,
        metadata: Mapping[str, Any],
        timeout_seconds: float | None = None,
    ) -> list[str]:
        """One turn: the person's text in, the assistant's messages out (text only, in order)."""
        payload = {"sender": sender, "message": text, "metadata": dict(metadata)}
        timeout = timeout_seconds or self.timeout_seconds
        try:
            response = self._http.post(
                f"{self.base_url}/webhooks/rest/webhook",
                json=payload,
                timeout=(min(2.0, timeout), timeout),
            )
            response.raise_for_status()
            messages = response.json()
        except (requests.RequestException, ValueError) as error:
            raise AssistantUnavailable(type(error).__name__) from error
        texts = [m["text"] for m in messages if isinstance(m, dict) and m.get("text")]
        if not texts:
            raise AssistantUnavailable("the assistant returned no message")
        return texts

    def intent(self, text: str) -> str | None:
        """What the assistant's NLU reads in ``text`` (Rasa's /model/parse: no dialogue, no
        tracker change), or None when it cannot say."""
        try:
            response = self._http.post(
                f"{self.base_url}/model/parse",
                params={"token": self.token},
                json={"text": text},
                timeout=(2.0, self.timeout_seconds),
            )
            response.raise_for_status()
            name = (response.json().get("intent") or {}).get("name")
        except (requests.RequestException, ValueError, AttributeError):
            return None
        return name if isinstance(name, str) else None

    def pause(self, sender: str) -> None:
        """Marks the conversation as taken over by a person (Rasa's ``pause`` event), so the
        tracker shows the gap while a specialist has it."""
        self._append_event(sender, {"event": "pause"})

    def resume(self, sender: str) -> None:
        """The assistant has the conversation again (Rasa's ``resume`` event), starting afresh:
        a form left open when the specialist took over is ended, not asked again."""
        self._append_event(
            sender,
            [
                {"event": "resume"},
                {"event": "active_loop", "name": None},
                {"event": "slot", "name": "requested_slot", "value": None},
            ],
        )

    def _append_event(
        self, sender: str, event: Mapping[str, Any] | list[Mapping[str, Any]]
    ) -> None:
        """Rasa's HTTP API (behind its token): POST /conversations/<id>/tracker/events."""
        try:
            self._http.post(
                f"{self.base_url}/conversations/{sender}/tracker/events",
                params={"token": self.token},
                json=event if isinstance(event, list) else dict(event),
                timeout=(2.0, self.timeout_seconds),
            ).raise_for_status()
        except requests.RequestException as error:
            raise AssistantUnavailable(type(error).__name__) from error

    def ping(self) -> None:
        """Raises unless the Rasa server answers (its root URL needs no token)."""
        try:
            self._http.get(f"{self.base_url}/", timeout=2).raise_for_status()
        except requests.RequestException as error:
            raise AssistantUnavailable(type(error).__name__) from error
