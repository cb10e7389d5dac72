"""Talking to the Rasa server: its REST channel for turns, its root URL for readiness."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import jwt
import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError

from channels.config.settings import Settings
from channels.extension import Extension
from channels.metrics import ASSISTANT_ERRORS, ASSISTANT_SECONDS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TurnResult:
    """What the assistant answered to one turn, or why it could not."""

    texts: tuple[str, ...] = ()
    language: str | None = None
    requested_slot: str | None = None
    paused: bool = False
    error: str = ""

    def to_json(self) -> str:
        return json.dumps(
            {
                "texts": list(self.texts),
                "language": self.language,
                "requested_slot": self.requested_slot,
                "paused": self.paused,
                "error": self.error,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, raw: str) -> TurnResult:
        data: dict[str, Any] = json.loads(raw)
        return cls(
            texts=tuple(data.get("texts") or ()),
            language=data.get("language"),
            requested_slot=data.get("requested_slot"),
            paused=bool(data.get("paused")),
            error=data.get("error") or "",
        )


# Rasa reads a message that starts with "/" (after white space) as an intent, with entities and
# slots in JSON after it, skipping the NLU and the emergency guard ("/goodbye", "/cancel{...}").
_COMMAND_PREFIX = re.compile(r"\A\s*/[\s/]*")
_INTENT_NAME = re.compile(r"[a-z][a-z_]{0,63}")


@dataclass(frozen=True)
class Intent:
    """One of the assistant's intents, sent by the gateway itself: the caller pressed 0, a
    transfer went unanswered, a STOP ends an open form. The only way a message reaches the
    assistant as a command: what a person texts or says is always a plain ``str``."""

    name: str

    def __post_init__(self) -> None:
        if not _INTENT_NAME.fullmatch(self.name):
            raise ValueError(f"not an intent name: {self.name!r}")

    def __str__(self) -> str:
        return f"/{self.name}"


def as_message(message: str | Intent) -> str:
    """What Rasa receives: an :class:`Intent` in Rasa's command syntax; a person's words with
    any leading slashes removed, so that they always go through the NLU and the emergency
    guard ("/goodbye" is read as the word "goodbye")."""
    if isinstance(message, Intent):
        return str(message)
    return _COMMAND_PREFIX.sub("", message, count=1)


class AssistantUnavailable(Exception):
    """Rasa did not answer in time, or answered with an error."""


# A Rasa turn runs the action server, which calls back into this gateway (registrations,
# handoffs, review items). With every worker thread waiting on Rasa, those calls found no
# thread, the turns waited on them, and all of it stalled until the Rasa timeout: at 40 turns in
# flight on 32 threads, 188 of 750 turns got the fallback answer while the CPU sat idle
# (`make bench-scaling`). So a few threads are kept free of Rasa turns, for those calls.
THREADS_KEPT_FOR_CALLBACKS = 8
# A turn that finds no free slot waits this long, then gets the fallback answer (its message is
# kept and followed up), rather than holding a thread the callbacks need.
TURN_SLOT_WAIT_SECONDS = 0.5


def turns_in_flight(gateway_threads: int) -> int:
    """How many Rasa turns one worker process may wait on at once."""
    return max(1, gateway_threads - THREADS_KEPT_FOR_CALLBACKS)


class Replicas:
    """Which Rasa replica serves a conversation.

    Each conversation has a home replica, chosen by rendezvous hashing of its id with each
    replica's URL: stable while the set of replicas is, and when one is down only its
    conversations move, each to its next choice (they continue there from the shared tracker
    store). One replica at a time serving a conversation is what keeps it safe: open-source
    Rasa's lock store does not lock across replicas (RasaHQ/rasa#9213).

    A replica that refused a connection is tried last for ``down_seconds``.
    """

    def __init__(
        self,
        urls: Sequence[str],
        down_seconds: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not urls:
            raise ValueError("at least one Rasa URL")
        self.urls = tuple(url.rstrip("/") for url in urls)
        self.down_seconds = down_seconds
        self.clock = clock
        self._down_until: dict[str, float] = {}

    def for_conversation(self, key: str) -> list[str]:
        """The replicas to try for ``key``, in order: its home first, replicas marked down last."""

        def weight(url: str) -> bytes:
            return hashlib.sha256(f"{url}\x00{key}".encode()).digest()

        ranked = sorted(self.urls, key=weight, reverse=True)
        now = self.clock()
        return sorted(ranked, key=lambda url: self._down_until.get(url, 0.0) > now)

    def mark_down(self, url: str) -> None:
        self._down_until[url] = self.clock() + self.down_seconds


class RasaClient:
    """One pooled HTTP session to Rasa (its replicas, if several), shared by all gateway
    threads. A conversation's requests go to its replica (``Replicas``); a replica that refuses
    the connection hands the request to the next one (nothing reached it, so nothing is done
    twice), but a replica that is slow to answer does not: it may be acting on the message."""

    def __init__(
        self,
        base_url: str | Sequence[str],
        timeout_seconds: float,
        pool_size: int = 64,
        token: str = "",
        max_turns_in_flight: int = turns_in_flight(64),
    ) -> None:
        urls = base_url.split(",") if isinstance(base_url, str) else list(base_url)
        self.replicas = Replicas([url.strip() for url in urls if url.strip()])
        self.timeout_seconds = timeout_seconds
        self.token = token
        self._turn_slots = threading.BoundedSemaphore(max_turns_in_flight)
        self._http = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
        self._http.mount("http://", adapter)
        self._http.mount("https://", adapter)

    @classmethod
    def from_settings(cls, settings: Settings) -> RasaClient:
        return cls(
            settings.rasa_url,
            settings.rasa_timeout_seconds,
            token=settings.rasa_token,
            max_turns_in_flight=turns_in_flight(settings.gateway_threads),
        )

    def send(
        self,
        sender: str,
        text: str | Intent,
        metadata: Mapping[str, Any],
        timeout_seconds: float | None = None,
    ) -> list[str]:
        """One turn: the person's text in, the assistant's messages out (text only, in order)."""
        timeout = timeout_seconds or self.timeout_seconds
        messages = self._turn("rest", sender, text, metadata, timeout)
        texts = _texts(messages)
        if not texts:
            raise AssistantUnavailable("the assistant returned no message")
        return list(texts)

    def voice_turn(
        self, sender: str, text: str | Intent, metadata: Mapping[str, Any], timeout_seconds: float
    ) -> TurnResult:
        """One turn of a call, through the assistant's ``voice`` channel (bot/voice_channel.py):
        its spoken variations, and what it expects next."""
        answer = self._turn("voice", sender, text, metadata, timeout_seconds)
        try:
            texts, state = _texts(answer["messages"]), dict(answer["state"])
        except (KeyError, TypeError, ValueError) as error:
            raise AssistantUnavailable(type(error).__name__) from error
        if not texts and not state.get("paused"):
            raise AssistantUnavailable("the assistant returned no message")
        return TurnResult(
            texts=texts,
            language=state.get("language"),
            requested_slot=state.get("requested_slot"),
            paused=bool(state.get("paused")),
        )

    def _turn(
        self,
        channel: str,
        sender: str,
        text: str | Intent,
        metadata: Mapping[str, Any],
        timeout: float,
    ) -> Any:
        """POSTs one message to a Rasa input channel's webhook; its JSON answer."""
        payload = {"sender": sender, "message": as_message(text), "metadata": dict(metadata)}
        with self._turn_slot():
            started = time.perf_counter()
            try:
                response = self._to_replica(
                    sender,
                    "post",
                    f"/webhooks/{channel}/webhook",
                    json=payload,
                    timeout=(min(2.0, timeout), timeout),
                )
                answer = response.json()
            except (requests.RequestException, ValueError) as error:
                ASSISTANT_ERRORS.labels(type(error).__name__).inc()
                raise AssistantUnavailable(type(error).__name__) from error
        ASSISTANT_SECONDS.labels(channel).observe(time.perf_counter() - started)
        return answer

    @contextmanager
    def _turn_slot(self) -> Iterator[None]:
        """One of the turns this worker may wait on (``THREADS_KEPT_FOR_CALLBACKS``), or
        ``AssistantUnavailable`` after ``TURN_SLOT_WAIT_SECONDS``."""
        if not self._turn_slots.acquire(timeout=TURN_SLOT_WAIT_SECONDS):
            ASSISTANT_ERRORS.labels("Busy").inc()
            raise AssistantUnavailable("every turn slot is taken")
        try:
            yield
        finally:
            self._turn_slots.release()

    def _to_replica(self, key: str, method: str, path: str, **request: Any) -> requests.Response:
        """The request to ``key``'s replica; to the next one while a replica refuses the
        connection. Raises the last error when none took it, or the HTTP error it answered."""
        failure: requests.RequestException | None = None
        for url in self.replicas.for_conversation(key):
            try:
                response = self._http.request(method, url + path, **request)
            except requests.ConnectionError as error:
                if not never_reached(error):
                    raise  # it may have the message and be acting on it: never sent twice
                self.replicas.mark_down(url)
                failure = error
                continue
            response.raise_for_status()
            return response
        assert failure is not None
        raise failure

    def intent(self, text: str) -> str | None:
        """What the assistant's NLU reads in ``text`` (Rasa's /model/parse: no dialogue, no
        tracker change), or None when it cannot say."""
        try:
            response = self._to_replica(
                as_message(text),  # no conversation: the same replica for the same text
                "post",
                "/model/parse",
                headers=self._authorization(),
                json={"text": as_message(text)},
                timeout=(2.0, self.timeout_seconds),
            )
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
        a form left open when the specialist took over is ended, not asked again. It then
        listens (``action_listen``), as after any action: the pause came before that listen,
        and without it the next message is predicted from the handoff action's state."""
        self._append_event(
            sender,
            [
                {"event": "resume"},
                {"event": "active_loop", "name": None},
                {"event": "slot", "name": "requested_slot", "value": None},
                {"event": "action", "name": "action_listen"},
            ],
        )

    def _append_event(
        self, sender: str, event: Mapping[str, Any] | list[Mapping[str, Any]]
    ) -> None:
        """Rasa's HTTP API (behind its token): POST /conversations/<id>/tracker/events."""
        try:
            self._to_replica(
                sender,
                "post",
                f"/conversations/{sender}/tracker/events",
                headers=self._authorization(),
                json=event if isinstance(event, list) else dict(event),
                timeout=(2.0, self.timeout_seconds),
            )
        except requests.RequestException as error:
            raise AssistantUnavailable(type(error).__name__) from error

    def _authorization(self) -> dict[str, str]:
        return rasa_api_authorization(self.token, "gateway")

    def ping(self) -> None:
        """Raises unless every Rasa replica answers (its root URL needs no token)."""
        for url in self.replicas.urls:
            try:
                self._http.get(f"{url}/", timeout=2).raise_for_status()
            except requests.RequestException as error:
                raise AssistantUnavailable(f"{type(error).__name__} from {url}") from error


RASA: Extension[RasaClient] = Extension("rasa")


def rasa_api_authorization(token: str, username: str) -> dict[str, str]:
    """Rasa's HTTP API, authenticated by a short-lived JWT signed with the shared token (Rasa
    runs with ``--jwt-secret``), in a header: the token itself never travels, and nothing
    secret is in a URL (where proxies and access logs would keep it)."""
    if not token:  # a Rasa without authentication (development only)
        return {}
    now = int(time.time())
    claims = {"user": {"username": username, "role": "admin"}, "iat": now, "exp": now + 300}
    return {"Authorization": f"Bearer {jwt.encode(claims, token, algorithm='HS256')}"}


def never_reached(error: requests.ConnectionError) -> bool:
    """The connection itself failed (refused, or not made in time): the request never reached
    the replica, so another may take it. A connection lost after it was made does not count."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    cause = error.args[0] if error.args else None
    reason = cause.reason if isinstance(cause, MaxRetryError) else cause
    return isinstance(reason, (NewConnectionError, ConnectTimeoutError))


def _texts(messages: Any) -> tuple[str, ...]:
    return tuple(m["text"] for m in messages if isinstance(m, dict) and m.get("text"))
