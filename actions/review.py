"""Which turns are worth a maintainer's look, and reporting them to the gateway's review inbox.

``action_validate_slot_mappings`` runs after every message of the person; it calls
:func:`report_turn`, which asks :func:`classify` whether the turn is one the assistant may have
misunderstood, and why:

- ``unsure``: the NLU fell below the fallback threshold (``nlu_fallback``), and
  ``unsure_twice`` when the message before was unsure too;
- ``barely_sure``: an intent read with less than ``threshold + 0.10``;
- ``said_no``: NO to "Did you mean ...?": the message it asked about is the one to look at;
- ``frustrated_after_answer``: frustration or a request for a person right after an answer:
  the message that was answered is the one to look at.

A confident turn gives nothing. The threshold is the FallbackClassifier's in ``config.yml``
(read once, on first use; 0.50 when the file is not there, as in the action server's image).

The report goes to ``POST /api/review-items`` in a worker thread that the turn does not wait
for, with a short timeout; a failure is logged (never the text) and changes nothing in the
conversation. The gateway de-identifies the text before storing it.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker

from actions.gateway import DEFAULT_GATEWAY_URL, GatewayClient, GatewayError, GatewayUnavailable
from actions.slots import PENDING_INTENT

log = logging.getLogger(__name__)

CONFIG = Path(__file__).resolve().parent.parent / "config.yml"
DEFAULT_THRESHOLD = 0.50
MARGIN = 0.10  # "barely sure": under threshold + MARGIN
UNSURE = "nlu_fallback"
COMPLAINTS = frozenset({"frustration", "request_human"})
# What the assistant does that is not an answer to a question (asking back, a session).
NOT_ANSWERS = frozenset({"action_clarify", "action_resolve_guess", "action_session_start"})
# Intents whose reading is not the NLU's guess about a question (a bare yes/no, a number...).
NOT_QUESTIONS = frozenset({UNSURE, "affirm", "deny", "inform", *COMPLAINTS})
TIMEOUT_SECONDS = 1.0  # the report is off the turn's path; a stuck gateway costs a thread 1 s
_pending: set[asyncio.Future[Any]] = set()  # reports in flight, kept from the garbage collector


@dataclass(frozen=True)
class Turn:
    """One message of the person, as the NLU read it, and what the assistant did before it."""

    text: str
    intent: str
    confidence: float | None
    best_guess: tuple[str, float | None]  # the most likely real intent (for an unsure turn)
    bot_before: str  # the assistant's last utterance before it ("" when none)
    action_before: str  # the assistant's last action before it ("" when none)


@dataclass(frozen=True)
class Finding:
    """A turn worth a look: why, the message to look at, and the bot's turn before it."""

    reason: str
    text: str
    predicted_intent: str
    confidence: float | None
    previous_bot: str


def classify(tracker: Tracker, threshold: float) -> Finding | None:
    """Whether the latest turn is worth a look, and why; None for an ordinary one."""
    turns = user_turns(tracker)
    if not turns or _not_typed(turns[-1].text):
        return None
    current, before = turns[-1], (turns[-2] if len(turns) > 1 else None)
    if current.intent == UNSURE:
        twice = before is not None and before.intent == UNSURE
        return _finding("unsure_twice" if twice else "unsure", current, current.best_guess)
    if before is None or _not_typed(before.text):
        return _barely_sure(current, threshold)
    guess = tracker.get_slot(PENDING_INTENT)
    if current.intent == "deny" and current.action_before == "action_clarify" and guess:
        confidence = before.best_guess[1] if before.best_guess[0] == guess else None
        return _finding("said_no", before, (str(guess), confidence))
    if current.intent in COMPLAINTS and _answered(current, before):
        return _finding("frustrated_after_answer", before, (before.intent, before.confidence))
    return _barely_sure(current, threshold)


def user_turns(tracker: Tracker) -> list[Turn]:
    """The person's messages in order, each with the assistant's last utterance and action
    before it. Rasa's events end with the latest message; without events, it is the only one."""
    turns: list[Turn] = []
    bot, action = "", ""
    for event in tracker.events:
        kind = event.get("event")
        if kind == "bot":
            bot = str(event.get("text") or "")
        elif kind == "action" and event.get("name") not in (None, "action_listen"):
            action = str(event["name"])
        elif kind == "user":
            turns.append(_turn(event.get("text"), event.get("parse_data") or {}, bot, action))
    if not turns:
        latest = tracker.latest_message or {}
        turns.append(_turn(latest.get("text"), latest, "", ""))
    return turns


def _turn(text: Any, parse_data: dict[str, Any], bot: str, action: str) -> Turn:
    intent = parse_data.get("intent") or {}
    ranking = parse_data.get("intent_ranking") or []
    guess: dict[str, Any] = next((r for r in ranking if r.get("name") not in (None, UNSURE)), {})
    return Turn(
        text=str(text or ""),
        intent=str(intent.get("name") or ""),
        confidence=_number(intent.get("confidence")),
        best_guess=(str(guess.get("name") or ""), _number(guess.get("confidence"))),
        bot_before=bot,
        action_before=action,
    )


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _not_typed(text: str) -> bool:
    """Empty, or an intent the gateway sent ("/transfer_unanswered"), not a person's words."""
    return not text.strip() or text.lstrip().startswith("/")


def _answered(current: Turn, before: Turn) -> bool:
    """The assistant answered ``before`` (not asked back) just before ``current``."""
    return (
        bool(current.bot_before)
        and current.action_before not in NOT_ANSWERS
        and before.intent not in NOT_QUESTIONS
    )


def _barely_sure(current: Turn, threshold: float) -> Finding | None:
    confidence = current.confidence
    if current.intent in NOT_QUESTIONS or confidence is None:
        return None
    if confidence < threshold + MARGIN:
        return _finding("barely_sure", current, (current.intent, confidence))
    return None


def _finding(reason: str, turn: Turn, reading: tuple[str, float | None]) -> Finding:
    return Finding(reason, turn.text, reading[0], reading[1], turn.bot_before)


# -- the threshold -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def fallback_threshold(config: Path = CONFIG) -> float:
    """The FallbackClassifier's threshold in ``config.yml`` (read once)."""
    try:
        pipeline = (yaml.safe_load(config.read_text(encoding="utf-8")) or {}).get("pipeline")
        return _threshold_in(pipeline or [])
    except (OSError, yaml.YAMLError, TypeError, ValueError) as error:
        log.warning("review: no fallback threshold from %s (%s)", config, type(error).__name__)
        return DEFAULT_THRESHOLD


def _threshold_in(pipeline: Sequence[dict[str, Any]]) -> float:
    for component in pipeline:
        if component.get("name") == "FallbackClassifier":
            return float(component.get("threshold", DEFAULT_THRESHOLD))
    return DEFAULT_THRESHOLD


# -- reporting -----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def reporter() -> GatewayClient | None:
    """The review reports' own client (short timeout), from the environment; None without a
    token (nothing is reported)."""
    token = os.environ.get("HOTLINE_API_TOKEN", "")
    if not token:
        log.warning("review: HOTLINE_API_TOKEN is not set: turns are not reported")
        return None
    base_url = os.environ.get("HOTLINE_GATEWAY_URL") or DEFAULT_GATEWAY_URL
    return GatewayClient(base_url, token, timeout=TIMEOUT_SECONDS)


def payload(tracker: Tracker, finding: Finding, language: str) -> dict[str, Any]:
    return {"registrant": tracker.sender_id, "language": language, **asdict(finding)}


def send(client: GatewayClient | None, body: dict[str, Any]) -> bool:
    """Posts the report; False (logged, without the text) when it could not be."""
    if client is None:
        return False
    try:
        client.report_review_item(body)
    except (GatewayError, GatewayUnavailable) as error:
        log.warning("review: the turn was not reported (%s)", error)
        return False
    except Exception as error:  # in a thread nobody waits for: logged here or never
        log.warning("review: the turn was not reported (%s)", type(error).__name__)
        return False
    return True


def report_turn(tracker: Tracker, language: str) -> asyncio.Future[bool] | None:
    """Reports the latest turn when it is worth a look, in a worker thread the turn does not
    wait for; the future (tests await it), or None when there is nothing to report. Never
    raises: the conversation goes on whatever happens here."""
    try:
        finding = classify(tracker, fallback_threshold())
        if finding is None:
            return None
        body = payload(tracker, finding, language)
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(None, send, reporter(), body)
    except Exception:  # a report must never break the turn
        log.exception("review: could not classify or report the turn")
        return None
    _pending.add(future)
    future.add_done_callback(_pending.discard)
    return future
