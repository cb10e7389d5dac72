"""How far apart are two trained models? The tool behind "is training reproducible here?".

    python -m scripts.compare_models MODEL_A MODEL_B [--sets tests/nlu tests/nlu_dev]

Parses every line of the sets with both models (the whole pipeline, guard included) and prints
each model's macro-F1 and emergency recall, how many lines get a different intent (from the
classifier, and after the guard), and the largest and median difference in the classifier's
confidence. Two trainings with the same settings on the same machine should print zeros; the
figures for two settings (or two machines) say how much a model's last digits move.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from pathlib import Path

from scripts.nlu_data import read_examples
from scripts.nlu_gate import Prediction, parse_all, report


def differences(first: list[Prediction], second: list[Prediction]) -> dict[str, float]:
    deltas = [abs(a.confidence - b.confidence) for a, b in zip(first, second, strict=True)]
    return {
        "lines": len(first),
        "intent_changed": sum(a.intent != b.intent for a, b in zip(first, second, strict=True)),
        "classifier_changed": sum(
            a.classifier_intent != b.classifier_intent for a, b in zip(first, second, strict=True)
        ),
        "max_confidence_delta": max(deltas, default=0.0),
        "median_confidence_delta": statistics.median(deltas) if deltas else 0.0,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs=2, type=Path)
    parser.add_argument("--sets", nargs="+", type=Path, default=[Path("tests/nlu")])
    args = parser.parse_args(argv)
    missing = [str(model) for model in args.models if not model.exists()]
    if missing:
        print(f"no model at {', '.join(missing)}", file=sys.stderr)
        return 2
    examples = [example for folder in args.sets for example in read_examples(folder)]
    runs = [asyncio.run(parse_all(model, examples)) for model in args.models]
    for model, predictions in zip(args.models, runs, strict=True):
        summary = report(predictions)
        emergency = summary["emergency"]
        print(
            f"{model}: macro-F1 {summary['macro_f1']:.4f}, emergency recall "
            f"{emergency['recall']:.3f} (classifier alone {emergency['classifier_recall']:.3f})"
        )
    diff = differences(*runs)
    print(
        f"{diff['lines']} lines: {diff['intent_changed']} answered differently, "
        f"{diff['classifier_changed']} classified differently; confidence delta max "
        f"{diff['max_confidence_delta']:.2e}, median {diff['median_confidence_delta']:.2e}"
    )
    for a, b in zip(*runs, strict=True):
        if a.classifier_intent != b.classifier_intent:
            print(f"  {a.example.text!r}: {a.classifier_intent} / {b.classifier_intent}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
