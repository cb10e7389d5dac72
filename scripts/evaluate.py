"""``make evaluate``: one report on a model, beside the live model and the last released one.

    python -m scripts.evaluate                          # models/hotline.tar.gz
    python -m scripts.evaluate --model models/hotline-20261205-....tar.gz --out results/evaluation

Writes ``results/evaluation/index.html`` (and ``summary.json``):

* the figures side by side for this model, the live one and the last released one
  (``models/versions.json``, ``make retrain``): macro-F1 and accuracy, macro-F1 per language,
  emergency precision and recall, ``report_threat`` recall, how often a message was asked back
  ("Did you mean", the fallback rate) and how often a right answer was;
* this model's intent table per language, its confusion matrix and confidence histogram as
  pictures, and every misclassified held-out line;
* the story tests (``rasa test core --fail-on-prediction-errors``);
* Rasa markers (``rasa evaluate markers``, ``bot/markers.yml``) over the conversations in the
  tracker store: the share that reached a person, completed a sign-up, or looped in fallback.

Exits 1 on a regression against the live model (macro-F1 down more than 0.01), on anything the
NLU gate refuses (``scripts/nlu_gate.py``: macro-F1 below 0.90, any missed emergency, threats
read as immigration status, a flagship request misread or asked back), or on a failed story.
A model's NLU figures are kept (``results/evaluation-cache``) by the model file's SHA-256 and the
test sets', so the live and released models are evaluated once, not at every run.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import hashlib
import html
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scripts.model_versions import Registry
from scripts.nlu_data import Example, read_examples
from scripts.nlu_gate import (
    Prediction,
    check,
    errors,
    flagship_failures,
    parse_all,
    report,
    scores,
)
from scripts.tf_env import reproducible_env
from scripts.train import ROOT, VENV_BIN

MODELS = ROOT / "models"
TEST_SET = ROOT / "tests" / "nlu"
FLAGSHIP = ROOT / "tests" / "nlu_flagship.yml"
STORIES = ROOT / "tests" / "stories"
MARKERS = ROOT / "bot" / "markers.yml"
# A model's NLU figures by the SHA-256 of the file and of the test sets, shared by every report
# (make evaluate's, make retrain's per version): the live model is evaluated once, not per run.
CACHE = ROOT / "results" / "evaluation-cache"
MAX_MACRO_F1_DROP = 0.01
MARKER_NAMES = {
    "reached_a_person": "reached a person",
    "completed_a_sign_up": "completed a sign-up",
    "looped_in_fallback": "looped in fallback",
}


@dataclass(frozen=True)
class Evaluated:
    label: str  # "this model", "live", "last released"
    file: str
    summary: dict[str, Any]
    wrong: list[dict[str, Any]]
    confidences: list[tuple[float, bool]]  # (confidence, right) per line
    pairs: list[tuple[str, str]]  # (true, predicted) per line


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def test_set_digest(examples: Sequence[Example]) -> str:
    return hashlib.sha256(
        "\n".join(f"{e.intent}\t{e.language}\t{e.text}" for e in examples).encode()
    ).hexdigest()


def evaluate_model(
    label: str, model: Path, examples: list[Example], flagship: list[Example], cache_dir: Path
) -> Evaluated:
    """The model's NLU figures on ``examples`` (and the flagship requests), from the cache when
    this exact model and these sets were evaluated before."""
    digest = test_set_digest(examples + flagship)[:16]
    cached = cache_dir / f"{sha256(model)[:16]}-{digest}.json"
    if cached.exists():
        saved = json.loads(cached.read_text())
    else:
        print(f"evaluating {model.name} on {len(examples)} held-out lines...", flush=True)
        parsed = asyncio.run(parse_all(model, examples + flagship))
        saved = figures(parsed[: len(examples)], parsed[len(examples) :])
        cache_dir.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(saved, ensure_ascii=False))
    return Evaluated(
        label,
        model.name,
        saved["summary"],
        saved["wrong"],
        [(c, r) for c, r in saved["confidences"]],
        [(t, p) for t, p in saved["pairs"]],
    )


def figures(predictions: list[Prediction], flagship: list[Prediction]) -> dict[str, Any]:
    summary = report(predictions)
    summary["flagship_failures"] = flagship_failures(flagship)
    summary["asked_back"] = sum(p.asked_back for p in predictions) / max(len(predictions), 1)
    summary["intents_by_language"] = {
        language: scores(
            [(p.example.intent, p.intent) for p in predictions if p.example.language == language]
        )
        for language in sorted({p.example.language for p in predictions})
    }
    return {
        "summary": summary,
        "wrong": errors(predictions),
        "confidences": [(p.confidence, p.intent == p.example.intent) for p in predictions],
        "pairs": [(p.example.intent, p.intent) for p in predictions],
    }


def models_to_compare(candidate: Path) -> list[tuple[str, Path]]:
    """This model, then the live and the last released ones when they are other files."""
    registry = Registry.load(MODELS)
    compared = [("this model", candidate)]
    seen = {sha256(candidate)}
    live, previous = registry.live_version, registry.previous_release()
    others = [
        # Before any release, the live model is make train's (make run serves it).
        ("live", MODELS / (live.file if live else "hotline.tar.gz")),
        ("last released", MODELS / previous.file if previous else None),
    ]
    for label, path in others:
        digest = sha256(path) if path and path.exists() else None
        if path and digest and digest not in seen:
            seen.add(digest)
            compared.append((label, path))
    return compared


def story_tests(model: Path, out: Path) -> dict[str, Any]:
    result = subprocess.run(
        [str(VENV_BIN / "rasa"), "test", "core", "--model", str(model), "--stories",
         str(STORIES), "--fail-on-prediction-errors", "--out", str(out)],
        cwd=ROOT, env=reproducible_env(os.environ), check=False, capture_output=True, text=True,
    )  # fmt: skip
    failed = out / "failed_test_stories.yml"
    failed_text = failed.read_text() if failed.exists() else ""
    failed_count = failed_text.count("- story:")
    total = len(read_story_names(STORIES))
    return {"passed": result.returncode == 0, "stories": total, "failed": failed_count}


def read_story_names(folder: Path) -> list[str]:
    return [
        line.split(":", 1)[1].strip()
        for path in sorted(folder.rglob("*.yml"))
        for line in path.read_text().splitlines()
        if line.startswith("- story:")
    ]


def markers(env: Mapping[str, str], out: Path) -> dict[str, Any]:
    """The markers' share of stored conversations (sessions), or why they could not be read."""
    shutil.rmtree(out, ignore_errors=True)  # Rasa refuses to overwrite its files
    out.mkdir(parents=True)
    result = subprocess.run(
        [str(VENV_BIN / "rasa"), "evaluate", "markers", "all", "--config", str(MARKERS),
         "--endpoints", "bot/endpoints.yml", "--domain", "bot/domain",
         "--stats-file-prefix", str(out / "stats"), str(out / "markers.csv")],
        cwd=ROOT, env=reproducible_env({**os.environ, **env}), check=False, capture_output=True,
        text=True,
    )  # fmt: skip
    overall = out / "stats-overall.csv"
    if result.returncode != 0 or not overall.exists():
        return {"error": (result.stderr or result.stdout).strip().splitlines()[-1:]}
    return marker_shares(overall)


def marker_shares(overall: Path) -> dict[str, Any]:
    """From Rasa's ``stats-overall.csv``: sessions in all, and per marker the share of sessions
    where it applied at least once."""
    with overall.open() as stream:
        rows = list(csv.DictReader(stream))
    sessions = next(
        (float(r["value"]) for r in rows if r["statistic"] == "total_number_of_sessions"), 0.0
    )
    shares = {
        r["marker"]: float(r["value"])
        for r in rows
        if r["statistic"] == "percentage_of_sessions_where_marker_applied_at_least_once"
    }
    return {"sessions": int(sessions), "shares": shares}


def regressions(this: Evaluated, live: Evaluated | None, stories: Mapping[str, Any]) -> list[str]:
    """The NLU gate's own failures (macro-F1 floor, any missed emergency, threats read as
    immigration status, a flagship request misread), a failed story, and a drop against the
    live model."""
    failures = check(this.summary) + list(this.summary.get("flagship_failures", []))
    if not stories.get("passed", False):
        failures.append(f"{stories.get('failed', '?')} story test(s) failed")
    if live is not None:
        drop = live.summary["macro_f1"] - this.summary["macro_f1"]
        if drop > MAX_MACRO_F1_DROP:
            failures.append(
                f"macro-F1 {this.summary['macro_f1']:.3f} is {drop:.3f} below the live "
                f"model's {live.summary['macro_f1']:.3f}"
            )
    return failures


# ---- pictures ------------------------------------------------------------------------------


def confusion_picture(pairs: list[tuple[str, str]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = sorted({label for pair in pairs for label in pair})
    index = {label: i for i, label in enumerate(labels)}
    counts = [[0] * len(labels) for _ in labels]
    for truth, predicted in pairs:
        counts[index[truth]][index[predicted]] += 1
    figure, axes = plt.subplots(figsize=(11, 10))
    axes.imshow([[min(c, 20) for c in row] for row in counts], cmap="Blues")
    axes.set_xticks(range(len(labels)), labels, rotation=90, fontsize=8)
    axes.set_yticks(range(len(labels)), labels, fontsize=8)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    for i, row in enumerate(counts):
        for j, count in enumerate(row):
            if count:
                colour = "white" if count > 10 else ("crimson" if i != j else "black")
                axes.text(j, i, str(count), ha="center", va="center", fontsize=7, color=colour)
    figure.tight_layout()
    figure.savefig(path, dpi=80)
    plt.close(figure)


def histogram_picture(confidences: list[tuple[float, bool]], threshold: float, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 4))
    bins = [i / 20 for i in range(21)]
    axes.hist([c for c, right in confidences if right], bins=bins, alpha=0.7, label="right")
    axes.hist([c for c, right in confidences if not right], bins=bins, alpha=0.7, label="wrong")
    axes.axvline(threshold, color="black", linestyle="--", label="asks back below")
    axes.set_xlabel("confidence")
    axes.set_ylabel("held-out lines")
    axes.set_yscale("log")
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=80)
    plt.close(figure)


def fallback_threshold() -> float:
    import yaml

    config = yaml.safe_load((ROOT / "config.yml").read_text())
    return next(
        float(c.get("threshold", 0.3))
        for c in config["pipeline"]
        if c["name"] == "FallbackClassifier"
    )


# ---- the page ------------------------------------------------------------------------------

ROWS = [
    ("macro-F1", lambda s: s["macro_f1"]),
    ("accuracy", lambda s: s["accuracy"]),
    *[
        (f"macro-F1 ({lang})", lambda s, lang=lang: s["macro_f1_by_language"].get(lang))
        for lang in ("en", "es")
    ],
    ("emergency recall", lambda s: s["emergency"]["recall"]),
    ("emergency precision", lambda s: s["emergency"]["precision"]),
    ("report_threat recall", lambda s: s["threat"]["recall"]),
    ("asked back (all lines)", lambda s: s["asked_back"]),
    ("asked back (right answers)", lambda s: s["asked_back_when_right"]),
]


def number(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else html.escape(str(value))


def comparison_table(evaluated: list[Evaluated]) -> str:
    head = "".join(
        f"<th>{html.escape(e.label)}<br><small>{html.escape(e.file)}</small></th>"
        for e in evaluated
    )
    rows = "".join(
        f"<tr><th>{name}</th>"
        + "".join(f"<td>{number(get(e.summary))}</td>" for e in evaluated)
        + "</tr>"
        for name, get in ROWS
    )
    return f"<table><tr><th></th>{head}</tr>{rows}</table>"


def intent_table(this: Evaluated) -> str:
    by_language = this.summary["intents_by_language"]
    languages = sorted(by_language)
    intents = sorted({i for table in by_language.values() for i in table})
    head = "".join(f"<th colspan=4>{lang}</th>" for lang in languages)
    sub = "<th>precision</th><th>recall</th><th>F1</th><th>lines</th>" * len(languages)
    rows = []
    for intent in intents:
        cells = []
        for lang in languages:
            row = by_language[lang].get(intent)
            cells += (
                [number(row["precision"]), number(row["recall"]), number(row["f1-score"]),
                 str(row["support"])]
                if row else ["", "", "", "0"]
            )  # fmt: skip
        weak = any(
            by_language[lang].get(intent, {}).get("f1-score", 1.0) < 0.85 for lang in languages
        )
        mark = ' class="weak"' if weak else ""
        rows.append(
            f"<tr{mark}><th>{html.escape(intent)}</th>"
            + "".join(f"<td>{c}</td>" for c in cells)
            + "</tr>"
        )
    return f"<table><tr><th></th>{head}</tr><tr><th>intent</th>{sub}</tr>{''.join(rows)}</table>"


def wrong_table(wrong: list[dict[str, Any]]) -> str:
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(str(w[key]))}</td>"
            for key in ("text", "language", "intent", "predicted", "confidence")
        )
        + "</tr>"
        for w in sorted(wrong, key=lambda w: (w["intent"], w["predicted"]))
    )
    return (
        "<table><tr><th>held-out line</th><th>lang</th><th>intent</th><th>understood as</th>"
        f"<th>confidence</th></tr>{rows}</table>"
    )


def markers_section(found: Mapping[str, Any]) -> str:
    if "error" in found:
        return f"<p>Markers could not be read: {html.escape(' '.join(found['error']))}</p>"
    if not found["sessions"]:
        return "<p>No stored conversations yet.</p>"
    rows = "".join(
        f"<tr><th>{html.escape(label)}</th><td>{found['shares'].get(name, 0.0):.1f}%</td></tr>"
        for name, label in MARKER_NAMES.items()
    )
    return (
        f"<p>{found['sessions']} conversation sessions in the tracker store.</p>"
        f"<table><tr><th>marker</th><th>share of sessions</th></tr>{rows}</table>"
    )


STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; max-width: 1200px }
table { border-collapse: collapse; margin: 1em 0 }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top }
td { font-variant-numeric: tabular-nums }
tr.weak { background: #fff3cd }
.verdict { padding: .6em 1em; border-radius: 4px; font-weight: 600 }
.pass { background: #d1e7dd } .fail { background: #f8d7da }
"""


def render(
    evaluated: list[Evaluated],
    stories: Mapping[str, Any],
    found_markers: Mapping[str, Any],
    failures: list[str],
) -> str:
    this = evaluated[0]
    verdict = (
        '<p class="verdict pass">No regression: this model may be released.</p>'
        if not failures
        else '<p class="verdict fail">Regression: '
        + "; ".join(html.escape(f) for f in failures)
        + "</p>"
    )
    story_line = (
        f"{stories['stories'] - stories['failed']} of {stories['stories']} stories passed"
        + (" (every prediction right)" if stories["passed"] else "")
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Model evaluation</title>
<style>{STYLE}</style></head><body>
<h1>Model evaluation</h1>
{verdict}
<h2>Side by side (held-out set, {this.summary["examples"]} lines)</h2>
{comparison_table(evaluated)}
<h2>Story tests</h2><p>{story_line}.</p>
<h2>Conversations (Rasa markers)</h2>{markers_section(found_markers)}
<h2>Intents by language</h2><p>Rows below 0.85 F1 in a language are marked.</p>
{intent_table(this)}
<h2>Confusion matrix</h2><img src="confusion.png" alt="confusion matrix of intents">
<h2>Confidence</h2><img src="confidence.png" alt="confidence histogram, right and wrong answers">
<h2>Misclassified held-out lines ({len(this.wrong)})</h2>
{wrong_table(this.wrong)}
</body></html>
"""


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODELS / "hotline.tar.gz")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "evaluation")
    parser.add_argument("--no-markers", action="store_true", help="skip the stored conversations")
    args = parser.parse_args(argv)
    if not args.model.exists():
        print(f"no model at {args.model}: run `make train`", file=sys.stderr)
        return 2
    examples, flagship = read_examples(TEST_SET), read_examples(FLAGSHIP)
    args.out.mkdir(parents=True, exist_ok=True)
    evaluated = [
        evaluate_model(label, path, examples, flagship, CACHE)
        for label, path in models_to_compare(args.model)
    ]
    this = evaluated[0]
    print("story tests...", flush=True)
    with tempfile.TemporaryDirectory() as stories_out:
        stories = story_tests(args.model, Path(stories_out))
    found_markers = {"error": ["skipped"]} if args.no_markers else markers({}, args.out / "markers")
    live = next((e for e in evaluated if e.label == "live"), None)
    failures = regressions(this, live, stories)
    confusion_picture(this.pairs, args.out / "confusion.png")
    histogram_picture(this.confidences, fallback_threshold(), args.out / "confidence.png")
    (args.out / "index.html").write_text(render(evaluated, stories, found_markers, failures))
    (args.out / "summary.json").write_text(
        json.dumps(
            {
                "models": {e.label: {"file": e.file, **e.summary} for e in evaluated},
                "stories": stories,
                "markers": found_markers,
                "regressions": failures,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    print(f"wrote {args.out / 'index.html'}: macro-F1 {this.summary['macro_f1']:.3f}, "
          f"{len(this.wrong)} misread held-out lines")  # fmt: skip
    for failure in failures:
        print(f"REGRESSION: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
