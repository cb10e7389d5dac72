"""The NLU quality gate: fails the build when intent quality on a held-out set drops.

    python -m scripts.nlu_gate tests/nlu                      # models/hotline.tar.gz
    python -m scripts.nlu_gate --model M --out results/nlu tests/nlu tests/nlu_dev
    python -m scripts.nlu_gate --flagship tests/nlu_flagship.yml tests/nlu

Parses every line of the given sets through the trained model (the whole pipeline, emergency guard
included, as the hotline runs it) and requires intent macro-F1 >= 0.90, recall 1.0 on
``emergency``, and at most one threatened or frightened line in 20 (``report_threat``) read as a
question about immigration status: the fault the gate is for (fear words tied to immigration in
the training data) reads many of them that way, while a single line can move with the machine a
model was trained on, as the classifier's own emergency recall does. With ``--flagship``, each of
those requests (the README's and the simulator's examples) must also be understood as its intent
without a "Did you mean" (no ``nlu_fallback``).
Beside the gate's figures it reports

* the classifier's own emergency recall (what DIET said before the guard looked: the guard notes
  it in the parse), which moves with the machine a model was trained on, and
* the guard's own recall (the danger rules alone, no model), which does not.

Writes ``report.json`` (per-intent and per-language scores, the three emergency figures) and
``errors.json`` (every wrong line with what was predicted) to ``--out``; ``flagship.json`` with
``--flagship``.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import logging
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from formats.danger import signals_danger
from scripts.nlu_data import Example, read_examples
from scripts.tf_env import pin_tensorflow

MIN_MACRO_F1 = 0.90
MIN_EMERGENCY_RECALL = 1.0
EMERGENCY = "emergency"
THREAT = "report_threat"
IMMIGRATION_STATUS = "ask_immigration_status"
MAX_THREAT_AS_STATUS_SHARE = 0.05
# Intents whose answer starts a form (a sign-up, a look-up, a search, a withdrawal, a change of
# contact): a threatened person read as one of them would get questions, not a person.
FORM_OPENING = frozenset(
    {"register_notifications", "check_custody_status", "find_local_help", "unsubscribe",
     "update_contact"}
)  # fmt: skip
FALLBACK = "nlu_fallback"
GUARD_KEY = "emergency_guard"  # bot.components.emergency_guard.GUARD_KEY, read without Rasa


@dataclass(frozen=True)
class Prediction:
    example: Example
    intent: str  # what the hotline understood: classifier, fallback and guard together
    classifier_intent: str  # before the emergency guard
    confidence: float
    asked_back: bool = False  # below the fallback threshold: "Did you mean <intent>?"


def prediction_from_parse(example: Example, parsed: dict[str, Any]) -> Prediction:
    """Scored as ``rasa test nlu`` scores it: an unsure answer counts as the guess it asks
    about ("Did you mean ...?"), and is counted apart as asked back."""
    intent = (parsed.get("intent") or {}).get("name") or "None"
    best_guess = next(
        (r["name"] for r in parsed.get("intent_ranking") or [] if r.get("name") != FALLBACK),
        intent,
    )
    guard = parsed.get(GUARD_KEY) or {}
    classifier_intent = guard.get("classifier_intent") or intent
    return Prediction(
        example=example,
        intent=best_guess if intent == FALLBACK else intent,
        classifier_intent=best_guess if classifier_intent == FALLBACK else classifier_intent,
        confidence=float((parsed.get("intent") or {}).get("confidence") or 0.0),
        asked_back=intent == FALLBACK,
    )


def scores(pairs: list[tuple[str, str]]) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support per true label, from (true, predicted) pairs."""
    true_count = Counter(truth for truth, _ in pairs)
    predicted_count = Counter(predicted for _, predicted in pairs)
    right = Counter(truth for truth, predicted in pairs if truth == predicted)
    table = {}
    for label in sorted(true_count):
        precision = right[label] / predicted_count[label] if predicted_count[label] else 0.0
        recall = right[label] / true_count[label]
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        table[label] = {
            "precision": precision,
            "recall": recall,
            "f1-score": f1,
            "support": true_count[label],
        }
    return table


def macro_f1(table: dict[str, dict[str, float]]) -> float:
    return sum(row["f1-score"] for row in table.values()) / max(len(table), 1)


def recall_of(predictions: list[Prediction], said_emergency: Any) -> float:
    emergencies = [p for p in predictions if p.example.intent == EMERGENCY]
    return sum(1 for p in emergencies if said_emergency(p)) / max(len(emergencies), 1)


def report(predictions: list[Prediction]) -> dict[str, Any]:
    per_intent = scores([(p.example.intent, p.intent) for p in predictions])
    languages = sorted({p.example.language for p in predictions})
    per_language = {
        language: macro_f1(
            scores(
                [
                    (p.example.intent, p.intent)
                    for p in predictions
                    if p.example.language == language
                ]
            )
        )
        for language in languages
    }
    emergency = per_intent.get(EMERGENCY, {"precision": 0.0, "recall": 0.0, "support": 0})
    threat = per_intent.get(THREAT, {"precision": 0.0, "recall": 0.0, "support": 0})
    right = [p for p in predictions if p.intent == p.example.intent]
    return {
        "examples": len(predictions),
        "asked_back_when_right": sum(p.asked_back for p in right) / max(len(right), 1),
        "accuracy": sum(p.intent == p.example.intent for p in predictions)
        / max(len(predictions), 1),
        "macro_f1": macro_f1(per_intent),
        "macro_f1_by_language": per_language,
        "emergency": {
            "support": emergency["support"],
            "precision": emergency["precision"],
            "recall": emergency["recall"],
            "classifier_recall": recall_of(predictions, lambda p: p.classifier_intent == EMERGENCY),
            "guard_recall": recall_of(predictions, lambda p: signals_danger(p.example.text)),
            "missed": [
                p.example.text
                for p in predictions
                if p.example.intent == EMERGENCY and p.intent != EMERGENCY
            ],
        },
        "threat": {
            "support": threat["support"],
            "precision": threat["precision"],
            "recall": threat["recall"],
            "as_immigration_status": [
                p.example.text
                for p in predictions
                if p.example.intent == THREAT and p.intent == IMMIGRATION_STATUS
            ],
            "into_a_form": [
                p.example.text
                for p in predictions
                if p.example.intent == THREAT and p.intent in FORM_OPENING
            ],
        },
        "intents": per_intent,
    }


def check(summary: dict[str, Any]) -> list[str]:
    """The failures, as sentences; empty when the gate passes."""
    failures = []
    if summary["macro_f1"] < MIN_MACRO_F1:
        failures.append(f"intent macro-F1 {summary['macro_f1']:.3f} < {MIN_MACRO_F1}")
    emergency = summary["emergency"]
    if not emergency["support"]:
        failures.append("no emergency examples in the test data")
    elif emergency["recall"] < MIN_EMERGENCY_RECALL:
        failures.append(
            f"emergency recall {emergency['recall']:.3f} < {MIN_EMERGENCY_RECALL} "
            f"(missed: {emergency['missed']})"
        )
    threat = summary["threat"]
    if len(threat["as_immigration_status"]) > MAX_THREAT_AS_STATUS_SHARE * threat["support"]:
        failures.append(
            "threatened or afraid, answered as immigration status: "
            f"{summary['threat']['as_immigration_status']}"
        )
    into_a_form = threat.get("into_a_form", [])
    if len(into_a_form) > MAX_THREAT_AS_STATUS_SHARE * threat["support"]:
        failures.append(f"threatened or afraid, pushed into a form: {into_a_form}")
    return failures


def flagship_failures(predictions: list[Prediction]) -> list[str]:
    """Each flagship request not understood as its intent at once, as a sentence."""
    return [
        f"flagship {p.example.text!r}: "
        + (f"asked back about {p.intent}" if p.asked_back else f"read as {p.intent}")
        + f" ({p.confidence:.2f}), not {p.example.intent}"
        for p in predictions
        if p.asked_back or p.intent != p.example.intent
    ]


def describe(summary: dict[str, Any]) -> str:
    emergency = summary["emergency"]
    worst = sorted(summary["intents"].items(), key=lambda item: item[1]["f1-score"])[:5]
    languages = ", ".join(f"{k} {v:.3f}" for k, v in summary["macro_f1_by_language"].items())
    return "\n".join(
        [
            f"{summary['examples']} examples: intent macro-F1 {summary['macro_f1']:.3f}, "
            f"accuracy {summary['accuracy']:.3f} (macro-F1 by language: {languages}); "
            f"asked back on {summary['asked_back_when_right']:.1%} of right answers",
            f"emergency (support {emergency['support']}): recall {emergency['recall']:.3f} "
            f"with the guard, precision {emergency['precision']:.3f}; classifier alone "
            f"{emergency['classifier_recall']:.3f}, guard alone {emergency['guard_recall']:.3f}",
            f"report_threat (support {summary['threat']['support']}): recall "
            f"{summary['threat']['recall']:.3f}, precision {summary['threat']['precision']:.3f}; "
            f"read as immigration status: {len(summary['threat']['as_immigration_status'])}, "
            f"pushed into a form: {len(summary['threat'].get('into_a_form', []))}",
            "lowest F1: " + ", ".join(f"{name} {s['f1-score']:.2f}" for name, s in worst),
        ]
    )


@functools.cache
def _pinned_tensorflow() -> None:
    """Once per process: TensorFlow's thread pools can be sized only before first use."""
    pin_tensorflow()
    from rasa.utils.tensorflow.environment import setup_tf_environment

    setup_tf_environment()


async def parse_all(model: Path, examples: list[Example]) -> list[Prediction]:
    """Every example through the model, with TensorFlow pinned as in training."""
    _pinned_tensorflow()
    from rasa.core.agent import Agent  # heavy: only when a model is really evaluated
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # not a debug line per parsed message
    logging.getLogger("rasa").setLevel(logging.WARNING)

    agent = Agent.load(str(model))
    predictions = []
    for example in examples:
        predictions.append(prediction_from_parse(example, await agent.parse_message(example.text)))
    return predictions


def errors(predictions: list[Prediction]) -> list[dict[str, Any]]:
    return [
        {
            "text": p.example.text,
            "intent": p.example.intent,
            "predicted": p.intent,
            "classifier": p.classifier_intent,
            "confidence": round(p.confidence, 3),
            "language": p.example.language,
        }
        for p in predictions
        if p.intent != p.example.intent
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", type=Path, help="folders of NLU YAML with intents")
    parser.add_argument("--model", type=Path, default=Path("models/hotline.tar.gz"))
    parser.add_argument("--out", type=Path, default=Path("results/nlu"))
    parser.add_argument(
        "--flagship", type=Path, help="NLU YAML of requests that must be understood at once"
    )
    args = parser.parse_args(argv)
    examples = [example for folder in args.sets for example in read_examples(folder)]
    flagship = read_examples(args.flagship) if args.flagship else []
    if not examples or (args.flagship and not flagship):
        print(f"no examples in {', '.join(map(str, args.sets))}", file=sys.stderr)
        return 2
    if not args.model.exists():
        print(f"no model at {args.model}: run `make train`", file=sys.stderr)
        return 2
    parsed = asyncio.run(parse_all(args.model, examples + flagship))
    predictions, flagship_predictions = parsed[: len(examples)], parsed[len(examples) :]
    summary = report(predictions)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    (args.out / "errors.json").write_text(
        json.dumps(errors(predictions), indent=2, ensure_ascii=False)
    )
    print(describe(summary))
    failures = check(summary) + flagship_failures(flagship_predictions)
    if flagship:
        (args.out / "flagship.json").write_text(
            json.dumps(
                [
                    {
                        "text": p.example.text,
                        "intent": p.example.intent,
                        "predicted": p.intent,
                        "confidence": round(p.confidence, 3),
                        "asked_back": p.asked_back,
                    }
                    for p in flagship_predictions
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        lowest = min(flagship_predictions, key=lambda p: p.confidence)
        print(
            f"flagship requests: {len(flagship_predictions)}, lowest confidence "
            f"{lowest.confidence:.2f} ({lowest.example.text!r})"
        )
    for failure in failures:
        print(f"NLU gate FAILED: {failure}", file=sys.stderr)
    if not failures:
        print("NLU gate passed")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
