"""Choose the FallbackClassifier threshold from evidence, not by feel.

    rasa test nlu --model models/hotline.tar.gz --nlu DEV_DATA --successes --out results/dev
    python -m scripts.tune_fallback results/dev

Reads the confidences of correct and wrong predictions on a development set (never the held-out
tests/nlu) and prints, for each threshold, what share of right answers would be held back for a
"Did you mean...?" and what share of wrong answers would be caught before being acted on.
It suggests the threshold that catches the most wrong answers while holding back at most
``--max-held-back`` of the right ones (a clarifying question costs one extra SMS; a wrong answer
costs trust, and on this hotline sometimes more).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

THRESHOLDS = [round(0.30 + 0.05 * i, 2) for i in range(11)]


def confidences(results: Path) -> tuple[list[float], list[float]]:
    right = [e["intent_prediction"]["confidence"] for e in _read(results / "intent_successes.json")]
    wrong = [e["intent_prediction"]["confidence"] for e in _read(results / "intent_errors.json")]
    return right, wrong


def _read(path: Path) -> list[dict]:
    return json.loads(path.read_text()) if path.exists() else []


def table(right: list[float], wrong: list[float]) -> list[tuple[float, float, float]]:
    rows = []
    for threshold in THRESHOLDS:
        held_back = sum(c < threshold for c in right) / max(len(right), 1)
        caught = sum(c < threshold for c in wrong) / max(len(wrong), 1)
        rows.append((threshold, held_back, caught))
    return rows


def suggest(rows: list[tuple[float, float, float]], max_held_back: float) -> float:
    allowed = [row for row in rows if row[1] <= max_held_back]
    return max(allowed, key=lambda row: (row[2], -row[0]))[0] if allowed else rows[0][0]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "results", type=Path, help="the --out folder of `rasa test nlu --successes`"
    )
    parser.add_argument("--max-held-back", type=float, default=0.05)
    args = parser.parse_args(argv)
    right, wrong = confidences(args.results)
    if not right:
        print(f"no intent_successes.json in {args.results}: run rasa test nlu with --successes")
        return 2
    rows = table(right, wrong)
    print(f"{len(right)} right and {len(wrong)} wrong predictions")
    print("threshold  right held back  wrong caught")
    for threshold, held_back, caught in rows:
        print(f"  {threshold:.2f}        {held_back:6.1%}        {caught:6.1%}")
    print(f"suggested threshold: {suggest(rows, args.max_held_back):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
