"""Which turns go to the review inbox, and why (``actions.review``): each reason from the
events Rasa sends, nothing for confident turns; the threshold from config.yml; the report is
posted off the turn, and a gateway that fails or hangs changes nothing in the conversation."""

from __future__ import annotations

import logging
import socket
import time
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker

from actions import gateway, review
from actions.language import ValidatePredefinedSlots
from actions.review import Finding, classify, fallback_threshold
from tests.actions.conftest import SENDER, make_tracker

THRESHOLD = 0.65
GREETING = "Hi, this is the VOICE hotline. How can I help?"


def user(
    text: str, intent: str, confidence: float = 0.95, ranking: list[tuple[str, float]] | None = None
) -> dict[str, Any]:
    ranked = ranking or [(intent, confidence)]
    return {
        "event": "user",
        "text": text,
        "parse_data": {
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": [{"name": name, "confidence": c} for name, c in ranked],
        },
    }


def said(text: str, action: str = "utter_greet") -> list[dict[str, Any]]:
    """The assistant's action and what it said, then listening."""
    return [
        {"event": "action", "name": action},
        {"event": "bot", "text": text},
        {"event": "action", "name": "action_listen"},
    ]


def unsure(text: str, guess: str = "check_custody_status", score: float = 0.41) -> dict[str, Any]:
    ranking = [("nlu_fallback", THRESHOLD), (guess, score), ("ask_vine", 0.2)]
    return user(text, "nlu_fallback", THRESHOLD, ranking)


def tracker(*events: dict[str, Any] | list[dict[str, Any]], **slots: Any) -> Tracker:
    flat: list[dict[str, Any]] = []
    for event in events:
        flat.extend(event if isinstance(event, list) else [event])
    latest = next(e for e in reversed(flat) if e["event"] == "user")
    return Tracker(
        sender_id=SENDER,
        slots={"language": "en", **slots},
        latest_message={"text": latest["text"], **latest["parse_data"]},
        events=flat,
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


# -- each reason ---------------------------------------------------------------------------------


def test_below_the_threshold_is_unsure_with_the_best_guess():
    found = classify(tracker(said(GREETING), unsure("my cousin got picked up")), THRESHOLD)
    assert found == Finding(
        "unsure", "my cousin got picked up", "check_custody_status", 0.41, GREETING
    )


def test_two_unsure_messages_in_a_row():
    events = tracker(
        said(GREETING),
        unsure("my cousin got picked up"),
        said("Did you mean custody status? Reply YES (1) or NO (2).", "action_clarify"),
        unsure("the guy from before", guess="ask_removal_process", score=0.3),
    )
    found = classify(events, THRESHOLD)
    assert found is not None
    assert (found.reason, found.text, found.predicted_intent) == (
        "unsure_twice",
        "the guy from before",
        "ask_removal_process",
    )


@pytest.mark.parametrize(("confidence", "reason"), [(0.66, "barely_sure"), (0.749, "barely_sure")])
def test_just_above_the_threshold_is_barely_sure(confidence, reason):
    events = tracker(said(GREETING), user("what help is there", "ask_services", confidence))
    assert classify(events, THRESHOLD) == Finding(
        reason, "what help is there", "ask_services", confidence, GREETING
    )


def test_no_to_did_you_mean_reviews_the_message_it_asked_about():
    asked = "Did you mean custody status? Reply YES (1) or NO (2)."
    events = tracker(
        said(GREETING),
        unsure("my cousin got picked up"),
        said(asked, "action_clarify"),
        user("no", "deny", 1.0),
        pending_intent="check_custody_status",
    )
    assert classify(events, THRESHOLD) == Finding(
        "said_no", "my cousin got picked up", "check_custody_status", 0.41, GREETING
    )


@pytest.mark.parametrize("complaint", ["frustration", "request_human"])
def test_frustration_right_after_an_answer_reviews_the_message_answered(complaint):
    events = tracker(
        said(GREETING),
        user("what is vine", "ask_vine", 0.93),
        said("VINE tells you when an offender's custody changes.", "utter_ask_vine"),
        user("that's not what I asked", complaint, 0.9),
    )
    assert classify(events, THRESHOLD) == Finding(
        "frustrated_after_answer", "what is vine", "ask_vine", 0.93, GREETING
    )


# -- nothing to look at --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "events",
    [
        pytest.param([said(GREETING), user("hello", "greet", 0.99)], id="a confident greeting"),
        pytest.param([user("what is vine", "ask_vine", 0.75)], id="at threshold plus the margin"),
        pytest.param(
            [
                user("what is vine", "ask_vine", 0.93),
                said("VINE tells you when an offender's custody changes.", "utter_ask_vine"),
                user("thanks", "thank", 0.97),
            ],
            id="a confident answer, then thanks",
        ),
        pytest.param(
            [
                unsure("my cousin got picked up"),
                said("Did you mean custody status?", "action_clarify"),
                user("yes", "affirm", 1.0),
            ],
            id="yes to did you mean",
        ),
        pytest.param(
            [
                unsure("my cousin got picked up"),
                said("Did you mean custody status?", "action_clarify"),
                user("I want a person", "request_human", 0.96),
            ],
            id="a person asked for after asking back (no answer was given)",
        ),
        pytest.param(
            [user("/transfer_unanswered", "transfer_unanswered", 0.5)],
            id="an intent the gateway sent",
        ),
        pytest.param([user("no", "deny", 1.0)], id="a bare no, nothing asked"),
    ],
)
def test_ordinary_turns_give_nothing(events):
    assert classify(tracker(*events), THRESHOLD) is None


def test_without_events_the_latest_message_is_the_turn():
    latest = make_tracker(
        text="que ayuda hay", intent="ask_services", intent_ranking=[{"name": "ask_services"}]
    )
    latest.latest_message["intent"]["confidence"] = 0.7
    found = classify(latest, THRESHOLD)
    assert found is not None and found.reason == "barely_sure"


# -- the threshold -------------------------------------------------------------------------------


def test_the_threshold_is_the_fallback_classifiers_in_config_yml(tmp_path: Path):
    fallback_threshold.cache_clear()
    assert fallback_threshold() == 0.50
    other = tmp_path / "config.yml"
    other.write_text("pipeline:\n  - name: DIETClassifier\n  - name: FallbackClassifier\n"
                     "    threshold: 0.5\n", encoding="utf-8")  # fmt: skip
    assert fallback_threshold(other) == 0.5
    assert fallback_threshold(tmp_path / "missing.yml") == review.DEFAULT_THRESHOLD


# -- reporting -----------------------------------------------------------------------------------


class Recorder:
    def __init__(self, error: Exception | None = None) -> None:
        self.reports: list[dict[str, Any]] = []
        self.error = error

    def report_review_item(self, payload: dict[str, Any]) -> dict[str, Any]:
        if self.error is not None:
            raise self.error
        self.reports.append(payload)
        return {"id": 1, "created": True}


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    fake = Recorder()
    monkeypatch.setattr(review, "reporter", lambda: fake)
    return fake


async def test_the_slot_validation_reports_an_unsure_turn_in_its_language(
    recorder, dispatcher, domain
):
    events = tracker(said(GREETING), unsure("necesito saber si mi primo sigue preso"))
    events.slots["language"] = None
    result = await ValidatePredefinedSlots().run(dispatcher, events, domain)
    assert {"event": "slot", "name": "language", "value": "es"} in [
        {key: event.get(key) for key in ("event", "name", "value")} for event in result
    ]
    for future in list(review._pending):
        await future
    assert recorder.reports == [
        {
            "registrant": SENDER,
            "language": "es",
            "reason": "unsure",
            "text": "necesito saber si mi primo sigue preso",
            "predicted_intent": "check_custody_status",
            "confidence": 0.41,
            "previous_bot": GREETING,
        }
    ]


async def test_a_confident_turn_posts_nothing(recorder):
    assert review.report_turn(tracker(user("hello", "greet", 0.99)), "en") is None
    assert recorder.reports == []


async def test_a_failing_gateway_is_logged_and_changes_nothing(monkeypatch, caplog):
    fake = Recorder(gateway.GatewayUnavailable("ConnectionError"))
    monkeypatch.setattr(review, "reporter", lambda: fake)
    caplog.set_level(logging.WARNING, logger="actions.review")
    text = "my name is Ana Pérez and they took my cousin"
    future = review.report_turn(tracker(unsure(text)), "en")
    assert future is not None and await future is False
    assert "not reported" in caplog.text and "Ana" not in caplog.text


async def test_no_token_reports_nothing(monkeypatch):
    monkeypatch.delenv("HOTLINE_API_TOKEN", raising=False)
    review.reporter.cache_clear()
    try:
        future = review.report_turn(tracker(unsure("my cousin got picked up")), "en")
        assert future is not None and await future is False
    finally:
        review.reporter.cache_clear()


def test_a_gateway_that_never_answers_costs_the_report_about_a_second():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        client = gateway.GatewayClient(f"http://127.0.0.1:{port}", "t" * 20, review.TIMEOUT_SECONDS)
        started = time.monotonic()
        assert review.send(client, {"reason": "unsure"}) is False
        assert time.monotonic() - started < review.TIMEOUT_SECONDS + 1.0
