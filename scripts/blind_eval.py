"""Evaluation on the blind set: messages written by someone who never saw the training data.

    python -m scripts.blind_eval                        # models/hotline.tar.gz on tests/nlu_blind
    python -m scripts.blind_eval --baseline --gate      # beside Rasa's default pipeline; targets

1. **Near-copies of training lines are removed.** A blind line is dropped when it is within 0.9
   similarity of any line of ``data/nlu``. Similarity is :class:`difflib.SequenceMatcher`'s
   ratio (twice the matching characters over the total length, autojunk off) on folded text
   (:func:`formats.text.fold_phrase`: lower case, no accents, no punctuation), so "He's at my
   door!" and "hes at my door" are one line. Two upper bounds of the ratio screen the pairs first
   (the lengths, and the characters the lines share, as ``quick_ratio`` counts them), so
   thousands of lines by thousands take seconds.
2. **The model is evaluated whole**, as the hotline runs it (classifier, FallbackClassifier,
   YesNoAnswer, EmergencyGuard) and scored as the NLU gate scores it (``scripts/nlu_gate.py``):
   per-intent precision, recall and F1, macro-F1 and accuracy, macro-F1 per language and the gap
   between English and Spanish, emergency precision and recall, ``report_threat`` recall, and how
   often a right answer was asked back ("Did you mean ...?", ``nlu_fallback``).
3. **With --baseline**, Rasa's default NLU pipeline (the one ``rasa init`` writes, commented
   out, in ``rasa/cli/initial_project/config.yml``) is trained on the same ``data/nlu`` into a
   temporary folder (``rasa train nlu``) and scored the same way, side by side. The trained
   baseline is kept in ``models/baseline/`` under a digest of its data and configuration, so
   its hour of training is spent once per version of the data.

Writes ``report.json``, ``report.md`` and ``errors.json`` (the model's wrong lines) to ``--out``.
With ``--gate`` the exit code is 1 when a target is missed (macro-F1 >= 0.95, emergency recall
1.0, report_threat recall >= 0.95, English/Spanish macro-F1 gap <= 0.03, and, with --baseline,
macro-F1 above the default pipeline's).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import numpy as np
import rasa

from formats.text import fold_phrase
from scripts.nlu_data import Example, read_examples
from scripts.nlu_gate import errors, parse_all, report
from scripts.tf_env import reproducible_env

SIMILARITY = 0.9
THREAT = "report_threat"
TARGETS = {
    "macro_f1": 0.95,
    "emergency_recall": 1.0,
    "threat_recall": 0.95,
    "language_gap": 0.03,
}
# What `rasa init` writes for Rasa 3.6, commented out (rasa/cli/initial_project/config.yml):
# the pipeline Rasa trains when a project configures none.
DEFAULT_PIPELINE: list[dict[str, Any]] = [
    {"name": "WhitespaceTokenizer"},
    {"name": "RegexFeaturizer"},
    {"name": "LexicalSyntacticFeaturizer"},
    {"name": "CountVectorsFeaturizer"},
    {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
    {"name": "DIETClassifier", "epochs": 100},
    {"name": "EntitySynonymMapper"},
    {"name": "ResponseSelector", "epochs": 100},
    {"name": "FallbackClassifier", "threshold": 0.3, "ambiguity_threshold": 0.1},
]
VENV_BIN = Path(sys.executable).parent
BASELINE_STORE = Path("models/baseline")


# --- 1. near-copies of training lines ---------------------------------------------------------


_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789 "


def char_counts(text: str) -> np.ndarray:
    """How often each character occurs (anything outside a-z, 0-9 and space in one bucket)."""
    counts = np.zeros(len(_ALPHABET) + 1, dtype=np.int32)
    for char in text:
        index = _ALPHABET.find(char)
        counts[index if index >= 0 else len(_ALPHABET)] += 1
    return counts


class TrainingLines:
    """The training lines, folded and sorted by length, asked "is any within ``threshold``?".

    Two upper bounds of the ratio screen the pairs before it is computed: the lengths
    (2·min / sum), by bisection on the sorted lengths, then the characters the two lines share
    (``SequenceMatcher.quick_ratio``, for all candidates at once with numpy).
    """

    def __init__(self, texts: list[str], threshold: float = SIMILARITY) -> None:
        self.lines = sorted({fold_phrase(text) for text in texts}, key=len)
        self._lengths = np.array([len(line) for line in self.lines])
        self._counts = np.array([char_counts(line) for line in self.lines]).reshape(
            len(self.lines), len(_ALPHABET) + 1
        )
        self.threshold = threshold

    def has_near(self, text: str) -> bool:
        return self.nearest(text) is not None

    def nearest(self, text: str) -> str | None:
        """The first line (folded) within ``threshold`` of ``text``, or None."""
        line = fold_phrase(text)
        length = len(line)
        start = int(np.searchsorted(self._lengths, length * self.threshold / (2 - self.threshold)))
        end = int(
            np.searchsorted(self._lengths, length * (2 - self.threshold) / self.threshold, "right")
        )
        shared = np.minimum(self._counts[start:end], char_counts(line)).sum(axis=1)
        bound = 2 * shared / np.maximum(self._lengths[start:end] + length, 1)
        matcher = SequenceMatcher(None, line, "", autojunk=False)
        for offset in np.flatnonzero(bound >= self.threshold):
            matcher.set_seq2(self.lines[start + int(offset)])
            if matcher.ratio() >= self.threshold:
                return self.lines[start + int(offset)]
        return None


def drop_near_training(
    blind: list[Example], training: list[Example], threshold: float = SIMILARITY
) -> tuple[list[Example], list[Example]]:
    """The blind lines far enough from every training line, and those dropped."""
    index = TrainingLines([example.text for example in training], threshold)
    kept: list[Example] = []
    dropped: list[Example] = []
    for example in blind:
        (dropped if index.has_near(example.text) else kept).append(example)
    return kept, dropped


def blind_set_summary(kept: list[Example], dropped: list[Example]) -> dict[str, Any]:
    """How many lines, how many dropped (in all and per intent), how many evaluated."""
    return {
        "lines": len(kept) + len(dropped),
        "dropped": len(dropped),
        "kept": len(kept),
        "dropped_by_intent": dict(sorted(Counter(e.intent for e in dropped).items())),
        "threshold": SIMILARITY,
        "similarity": "difflib.SequenceMatcher ratio on folded text",
    }


# --- 2. figures -------------------------------------------------------------------------------


def figures(summary: dict[str, Any]) -> dict[str, Any]:
    """The headline figures of an NLU gate report (``scripts.nlu_gate.report``)."""
    by_language = summary["macro_f1_by_language"]
    threat = summary["intents"].get(THREAT)
    return {
        "examples": summary["examples"],
        "macro_f1": summary["macro_f1"],
        "accuracy": summary["accuracy"],
        "macro_f1_en": by_language.get("en"),
        "macro_f1_es": by_language.get("es"),
        "language_gap": (
            abs(by_language["en"] - by_language["es"]) if {"en", "es"} <= set(by_language) else None
        ),
        "emergency_precision": summary["emergency"]["precision"],
        "emergency_recall": summary["emergency"]["recall"],
        "threat_recall": threat["recall"] if threat else None,
        "asked_back_when_right": summary["asked_back_when_right"],
    }


def missed_targets(model: dict[str, Any], baseline: dict[str, Any] | None) -> list[str]:
    """The targets the model's figures miss, as sentences; empty when all are met."""
    failures = []
    for name in ("macro_f1", "emergency_recall", "threat_recall"):
        value = model[name]
        if value is None:
            failures.append(f"{name}: no examples")
        elif value < TARGETS[name]:
            failures.append(f"{name} {value:.3f} < {TARGETS[name]}")
    gap = model["language_gap"]
    if gap is None:
        failures.append("language_gap: needs both English and Spanish lines")
    elif gap > TARGETS["language_gap"]:
        failures.append(f"language_gap {gap:.3f} > {TARGETS['language_gap']}")
    if baseline is not None and model["macro_f1"] <= baseline["macro_f1"]:
        failures.append(
            f"macro_f1 {model['macro_f1']:.3f} not above the default pipeline's "
            f"{baseline['macro_f1']:.3f}"
        )
    return failures


# --- 3. the report ----------------------------------------------------------------------------

FIGURE_LABELS = {
    "examples": "lines evaluated",
    "macro_f1": "intent macro-F1",
    "accuracy": "accuracy",
    "macro_f1_en": "macro-F1, English",
    "macro_f1_es": "macro-F1, Spanish",
    "language_gap": "English/Spanish gap",
    "emergency_precision": "emergency precision",
    "emergency_recall": "emergency recall",
    "threat_recall": "report_threat recall",
    "asked_back_when_right": "asked back when right",
}


def _cell(value: Any) -> str:
    if value is None:
        return "n/a"
    return str(value) if isinstance(value, int) else f"{value:.3f}"


def render_markdown(result: dict[str, Any]) -> str:
    """report.md: the blind set, the figures side by side, per-intent scores, the targets."""
    blind = result["blind_set"]
    baseline = result.get("baseline")
    columns = ["model"] + (["Rasa default pipeline"] if baseline else [])
    lines = [
        "# Blind-set evaluation",
        "",
        f"{blind['lines']} blind lines; {blind['dropped']} dropped as within "
        f"{blind['threshold']} similarity of a training line ({blind['similarity']}); "
        f"{blind['kept']} evaluated. Model: `{result['model']['path']}`.",
        "",
        "| figure | " + " | ".join(columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    for key, label in FIGURE_LABELS.items():
        row = [_cell(result["model"]["figures"][key])]
        if baseline:
            row.append(_cell(baseline["figures"][key]))
        lines.append(f"| {label} | " + " | ".join(row) + " |")
    lines += ["", "## Per intent", ""]
    header = "| intent | dropped | support | precision | recall | F1 |" + (
        " default F1 |" if baseline else ""
    )
    lines += [header, "|---|" + "---:|" * (5 + bool(baseline))]
    for intent, row in result["model"]["report"]["intents"].items():
        dropped = blind["dropped_by_intent"].get(intent, 0)
        cells = [dropped, row["support"], row["precision"], row["recall"], row["f1-score"]]
        if baseline:
            cells.append(baseline["report"]["intents"].get(intent, {}).get("f1-score"))
        lines.append(f"| {intent} | " + " | ".join(_cell(cell) for cell in cells) + " |")
    failures = result["missed_targets"]
    lines += ["", "## Targets", ""]
    lines.append(
        "All met." if not failures else "\n".join(f"- missed: {failure}" for failure in failures)
    )
    return "\n".join(lines) + "\n"


# --- running the models -----------------------------------------------------------------------


def baseline_config() -> dict[str, Any]:
    return {"recipe": "default.v1", "language": "en", "pipeline": DEFAULT_PIPELINE}


def baseline_digest(training: Path) -> str:
    """What the baseline model depends on: its configuration, Rasa's version and every file of
    the training data (name and content)."""
    digest = hashlib.sha256(json.dumps([baseline_config(), rasa.__version__]).encode())
    for path in sorted(p for p in training.rglob("*") if p.is_file()):
        digest.update(path.relative_to(training).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def baseline_model(training: Path, store: Path = BASELINE_STORE) -> Path:
    """Rasa's default pipeline trained on ``training``, kept in ``store`` until the data changes.

    Its 100 epochs take about an hour on this machine, so one training serves every evaluation
    of the same data; the copy for older data is removed when a new one is kept.
    """
    model = store / f"baseline-{baseline_digest(training)}.tar.gz"
    if model.exists():
        print(f"Rasa's default pipeline: {model} (trained on this data before)")
        return model
    with tempfile.TemporaryDirectory(prefix="baseline-") as workdir:
        trained = train_baseline(Path(workdir), training)
        store.mkdir(parents=True, exist_ok=True)
        for older in store.glob("baseline-*.tar.gz"):
            older.unlink()
        partial = model.with_suffix(".partial")
        shutil.copyfile(trained, partial)
        partial.replace(model)  # never a half-copied model under the final name
    return model


def train_baseline(workdir: Path, training: Path) -> Path:
    """Rasa's default NLU pipeline trained on ``training`` in ``workdir``; the model's path."""
    config = workdir / "config.yml"
    config.write_text(json.dumps(baseline_config()), encoding="utf-8")  # JSON is YAML
    subprocess.run(
        [str(VENV_BIN / "rasa"), "train", "nlu", "--config", str(config), "--nlu", str(training),
         "--out", str(workdir), "--fixed-model-name", "baseline"],
        env=reproducible_env({**os.environ, "RASA_CACHE_DIRECTORY": str(workdir / "cache")}),
        check=True,
    )  # fmt: skip
    return workdir / "baseline.tar.gz"


@dataclass(frozen=True)
class Evaluated:
    path: Path
    summary: dict[str, Any]
    wrong: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "figures": figures(self.summary), "report": self.summary}


def evaluate(model: Path, examples: list[Example]) -> Evaluated:
    predictions = asyncio.run(parse_all(model, examples))
    return Evaluated(model, report(predictions), errors(predictions))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blind", type=Path, default=Path("tests/nlu_blind"))
    parser.add_argument("--training", type=Path, default=Path("data/nlu"))
    parser.add_argument("--model", type=Path, default=Path("models/hotline.tar.gz"))
    parser.add_argument("--out", type=Path, default=Path("results/blind"))
    parser.add_argument("--baseline", action="store_true", help="also Rasa's default pipeline")
    parser.add_argument("--gate", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if not args.model.exists():
        print(f"no model at {args.model}: run `make train`", file=sys.stderr)
        return 2
    blind = read_examples(args.blind)
    if not blind:
        print(f"no examples in {args.blind}", file=sys.stderr)
        return 2
    kept, dropped = drop_near_training(blind, read_examples(args.training))
    print(f"{len(blind)} blind lines, {len(dropped)} dropped as near training lines")
    model = evaluate(args.model, kept)
    baseline = None
    if args.baseline:
        baseline = evaluate(baseline_model(args.training), kept)
    baseline_figures = figures(baseline.summary) if baseline else None
    failures = missed_targets(figures(model.summary), baseline_figures)
    result = {
        "blind_set": blind_set_summary(kept, dropped),
        "model": model.as_json(),
        "baseline": baseline.as_json() if baseline else None,
        "targets": TARGETS,
        "missed_targets": failures,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    (args.out / "errors.json").write_text(json.dumps(model.wrong, indent=2, ensure_ascii=False))
    markdown = render_markdown(result)
    (args.out / "report.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    return 1 if args.gate and failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
