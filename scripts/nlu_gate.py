"""The NLU quality gate: fails the build when intent quality on tests/nlu drops.

    python -m scripts.nlu_gate results/nlu/intent_report.json

Reads the report ``rasa test nlu`` writes and requires intent macro-F1 >= 0.90 and recall 1.0 on
``emergency`` (a person in danger must always be recognised).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

MIN_MACRO_F1 = 0.90
MIN_EMERGENCY_RECALL = 1.0


def check(report: dict) -> list[str]:
    """The failures, as sentences; empty when the gate passes."""
    failures = []
    macro_f1 = report["macro avg"]["f1-score"]
    if macro_f1 < MIN_MACRO_F1:
        failures.append(f"intent macro-F1 {macro_f1:.3f} < {MIN_MACRO_F1}")
    emergency = report.get("emergency")
    if emergency is None:
        failures.append("no emergency examples in the test data")
    elif emergency["recall"] < MIN_EMERGENCY_RECALL:
        failures.append(
            f"emergency recall {emergency['recall']:.3f} < {MIN_EMERGENCY_RECALL} "
            f"(confused with: {emergency.get('confused_with', {})})"
        )
    return failures


AVERAGES = ("macro avg", "weighted avg", "micro avg")


def summary(report: dict) -> str:
    intents = {
        name: scores
        for name, scores in report.items()
        if isinstance(scores, dict) and "support" in scores and name not in AVERAGES
    }
    worst = sorted(intents.items(), key=lambda item: item[1]["f1-score"])[:5]
    emergency = report.get("emergency", {})
    return (
        f"intent macro-F1 {report['macro avg']['f1-score']:.3f}, "
        f"accuracy {report.get('accuracy', float('nan')):.3f}, "
        f"emergency recall {emergency.get('recall', float('nan')):.3f} "
        f"(support {emergency.get('support', 0)})\n"
        "lowest F1: " + ", ".join(f"{name} {s['f1-score']:.2f}" for name, s in worst)
    )


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    report = json.loads(Path(argv[0]).read_text())
    print(summary(report))
    failures = check(report)
    for failure in failures:
        print(f"NLU gate FAILED: {failure}", file=sys.stderr)
    if not failures:
        print("NLU gate passed")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
