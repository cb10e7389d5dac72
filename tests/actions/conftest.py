"""What the action tests share: rasa-sdk's dispatcher, trackers and the events in them, the domain
as Rasa sends it to the action server, and fake gateway clients.

The builders are plain functions, importable where a test needs one at collection time
(``from tests.actions.conftest import DOMAIN, make_tracker``); the fixtures wrap them. A fake
client replaces ``actions.gateway.client``, which every action calls through the module.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import gateway
from tests.bot.helpers import domain as merged_domain

ROOT = Path(__file__).resolve().parents[2]
SENDER = "test-conversation"  # every tracker's sender_id: the registrant the gateway is told


def _domain() -> dict[str, Any]:
    """The merged domain with its forms, as Rasa sends it to the action server."""
    merged = merged_domain()
    merged["forms"] = {}
    for path in sorted((ROOT / "bot" / "domain").glob("*.yml")):
        merged["forms"].update((yaml.safe_load(path.read_text("utf-8")) or {}).get("forms", {}))
    return merged


DOMAIN = _domain()


# -- trackers and events -----------------------------------------------------------------------


def make_tracker(
    text: str = "",
    intent: str | None = None,
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    events: list[dict[str, Any]] | None = None,
    metadata: dict[str, Any] | None = None,
    intent_ranking: list[dict[str, Any]] | None = None,
) -> Tracker:
    """The tracker an action sees after the person's message ``text``."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0} if intent else {},
        "entities": entities or [],
        "metadata": metadata or {},
        "intent_ranking": intent_ranking or [],
    }
    return Tracker(
        sender_id=SENDER,
        slots=slots or {},
        latest_message=latest,
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def asking(slot: str, value: Any, language: str = "en", **slots: Any) -> Tracker:
    """The tracker a form's validation sees when ``value`` answers the question for ``slot``."""
    return make_tracker(
        text=str(value),
        intent="inform",
        slots={"requested_slot": slot, "language": language, slot: value, **slots},
        events=[slot_event(slot, value)],
    )


async def ask(action: Action, dispatcher: CollectingDispatcher, language: str = "en", **slots: Any):
    """Runs an ask action (or any action that reads only slots) in ``language``."""
    tracker = make_tracker(slots={"language": language, **slots})
    return await action.run(dispatcher, tracker, DOMAIN)


# A registration_form with every question answered, up to the read-back.
FILLED = {
    "reg_relationship": "family",
    "reg_terms": True,
    "reg_offender_name": "Carlos Mendoza Ruiz",
    "reg_a_number": "unknown",
    "reg_birth_date": "1985-05-04",
    "reg_country": "MX",
    "reg_channel": "voice",
    "reg_contact": "+17135550142",
    "reg_voicemail_ok": False,
    "reg_discreet": True,
    "reg_language": "es",
    "reg_pin": "4821",
}


def user_event(text: str, intent: str) -> dict[str, Any]:
    """A message of the person's in a tracker's events, as the NLU read it."""
    return {
        "event": "user",
        "text": text,
        "parse_data": {"intent": {"name": intent}, "entities": []},
    }


def slot_event(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "name": name, "value": value}


def as_dict(events: list[dict[str, Any]]) -> dict[str, Any]:
    """SlotSet events as {slot: value}."""
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    """The names of the responses an action sent, in order."""
    return [message["response"] for message in dispatcher.messages]


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def tracker_factory() -> Callable[..., Tracker]:
    return make_tracker


@pytest.fixture
def domain() -> dict[str, Any]:
    return DOMAIN


# -- fake gateway clients ----------------------------------------------------------------------


class FakeGateway:
    """Stands in for actions.gateway.client(): scripted answers or errors, calls recorded."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self.answers: dict[str, Any] = {}
        self.errors: dict[str, Exception] = {}

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        self.calls.append((method, args, kwargs))
        if method in self.errors:
            raise self.errors[method]
        return self.answers[method]

    def create_registration(self, payload: dict[str, Any]) -> Any:
        return self._call("create_registration", payload)

    def verify(self, registration_id: str, registrant: str, code: str) -> Any:
        return self._call("verify", registration_id, registrant, code)

    def resend(self, registration_id: str, registrant: str) -> Any:
        return self._call("resend", registration_id, registrant)

    def lookup_custody(self, **kwargs: Any) -> Any:
        return self._call("lookup_custody", **kwargs)


class HandoffGateway:
    """Stands in for the gateway client: records handoff requests, or fails like a dead one."""

    def __init__(self, up: bool = True, open_now: bool = True) -> None:
        self.up = up
        self.open_now = open_now
        self.requests: list[dict] = []

    def availability(self, language: str) -> dict:
        if not self.up:
            raise gateway.GatewayUnavailable("down")
        hours = "Monday to Friday 8:00 to 20:00, Eastern Time"
        return {"open": self.open_now, "hours": hours, "next_open": None}

    def request_handoff(self, payload: dict) -> dict:
        if not self.up:
            raise gateway.GatewayUnavailable("down")
        self.requests.append(payload)
        return {"id": "h1", "status": "waiting", "created": True}


@pytest.fixture
def fake_gateway(monkeypatch: pytest.MonkeyPatch) -> FakeGateway:
    fake = FakeGateway()
    monkeypatch.setattr(gateway, "client", lambda: fake)
    return fake


@pytest.fixture
def handoff_gateway(monkeypatch: pytest.MonkeyPatch) -> HandoffGateway:
    """An open, working gateway; set ``up`` or ``open_now`` to False for a dead or closed one."""
    fake = HandoffGateway()
    monkeypatch.setattr(gateway, "client", lambda: fake)
    return fake


# -- the lifecycle forms (stopping alerts, changing the contact) -------------------------------

# The person's registrations, as the gateway lists them and as the forms keep them.
JD = {
    "id": "r-1",
    "status": "active",
    "offender_hint": "J. D.",
    "channel": "sms",
    "contact_hint": "***-0142",
    "expires_at": "2027-05-01T00:00:00+00:00",
    "created_at": "2026-05-01T00:00:00+00:00",
}
MR = {**JD, "id": "r-2", "offender_hint": "M. R.", "channel": "email", "contact_hint": "a***@x.org"}
SHOWN_JD = {"id": "r-1", "offender_hint": "J. D.", "channel": "sms", "contact_hint": "***-0142"}
SHOWN_MR = {"id": "r-2", "offender_hint": "M. R.", "channel": "email", "contact_hint": "a***@x.org"}


def activation(form: str, text: str, intent: str) -> list[dict[str, Any]]:
    """The events Rasa's form action shows its validation action when the form starts."""
    return [
        user_event(text, intent),
        {"event": "active_loop", "name": form},
        slot_event("requested_slot", None),
        {"event": "action", "name": form},
    ]


def answer(form: str, requested: str, text: str, intent: str = "inform") -> list[dict[str, Any]]:
    """The events for a later turn: the requested slot's candidate comes last."""
    return [
        user_event("stop my alerts", "unsubscribe"),
        {"event": "active_loop", "name": form},
        {"event": "action", "name": form},
        user_event(text, intent),
        slot_event("requested_slot", requested),
        {"event": "action", "name": form},
        slot_event(requested, text),
    ]


def turn(
    form: str,
    requested: str,
    text: str,
    slots: dict[str, Any] | None = None,
    language: str = "en",
):
    return make_tracker(
        text=text,
        intent="inform",
        slots={"language": language, "requested_slot": requested, **(slots or {})},
        events=answer(form, requested, text),
    )


class LifecycleGateway:
    """Stands in for the gateway client of the lifecycle forms: the person's registrations,
    calls recorded; ``fail`` maps an operation name to the exception it raises."""

    def __init__(self) -> None:
        self.registrations: list[dict[str, Any]] = []
        self.calls: list[tuple[Any, ...]] = []
        self.fail: dict[str, Exception] = {}
        self.fail_ids: dict[str, Exception] = {}

    def _maybe_fail(self, operation: str, registration_id: str | None = None) -> None:
        if operation in self.fail:
            raise self.fail[operation]
        if registration_id in self.fail_ids:
            raise self.fail_ids[registration_id]

    def list_registrations(self, registrant: str) -> list[dict[str, Any]]:
        self.calls.append(("list", registrant))
        self._maybe_fail("list")
        return list(self.registrations)

    def withdraw(self, registration_id: str, registrant: str) -> dict[str, Any]:
        self.calls.append(("withdraw", registration_id, registrant))
        self._maybe_fail("withdraw", registration_id)
        return {"status": "withdrawn"}

    def change_contact(
        self, registration_id: str, registrant: str, channel: str, value: str
    ) -> dict[str, Any]:
        self.calls.append(("contact", registration_id, registrant, channel, value))
        self._maybe_fail("contact")
        return {"status": "active", "pending_contact_hint": "***-0199", "code_expires_at": "x"}


@pytest.fixture
def lifecycle_gateway(monkeypatch: pytest.MonkeyPatch) -> LifecycleGateway:
    fake = LifecycleGateway()
    monkeypatch.setattr(gateway, "client", lambda: fake)
    return fake
