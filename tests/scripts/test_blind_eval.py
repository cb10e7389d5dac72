"""The blind-set evaluation's pure parts: the near-copy filter, the figures and targets, the
report, and the default pipeline it compares with. No model is trained or loaded."""

from __future__ import annotations

import random
import string
import time
from pathlib import Path

import pytest
import rasa
import yaml

from scripts import blind_eval
from scripts.blind_eval import (
    DEFAULT_PIPELINE,
    TrainingLines,
    blind_set_summary,
    drop_near_training,
    figures,
    missed_targets,
    render_markdown,
)
from scripts.nlu_data import Example
from scripts.nlu_gate import Prediction, report


def example(text, intent="greet", language="en"):
    return Example(text=text, intent=intent, language=language, source="test.yml")


TRAINING = [
    example("he is at my door right now"),
    example("quiero inscribirme para recibir avisos", "register_notifications", "es"),
    example("how do the custody alerts work", "ask_vine"),
]


@pytest.mark.parametrize(
    "text",
    [
        "he is at my door right now",  # the same line
        "He's at my door right now!",  # folded: case, apostrophe, punctuation
        "he is at my door rigth now",  # a typo: ratio above 0.9
        "quiero inscribirme para recibir los avisos",
        "Quiero inscribirme para recibir avisos.",
    ],
)
def test_near_copies_of_training_lines_are_dropped(text):
    assert TrainingLines([e.text for e in TRAINING]).has_near(text)


@pytest.mark.parametrize(
    "text",
    [
        "my ex is parked outside",
        "how do alerts work",  # shares words, but below 0.9
        "quiero saber si ya lo soltaron",
        "",
    ],
)
def test_lines_written_apart_are_kept(text):
    assert not TrainingLines([e.text for e in TRAINING]).has_near(text)


def test_the_threshold_is_the_ratio_on_folded_text():
    lines = TrainingLines(["abcdefghij"], threshold=0.9)
    assert lines.has_near("abcdefghi")  # ratio 2*9/19 = 0.947
    assert not lines.has_near("abcdefgh")  # ratio 2*8/18 = 0.889


def test_drop_says_what_it_kept_and_what_it_dropped_per_intent():
    blind = [
        example("HE IS AT MY DOOR RIGHT NOW", "emergency"),
        example("hola, buenas noches", language="es"),
    ]
    kept, dropped = drop_near_training(blind, TRAINING)
    assert [e.text for e in kept] == ["hola, buenas noches"]
    summary = blind_set_summary(kept, dropped)
    assert (summary["lines"], summary["dropped"], summary["kept"]) == (2, 1, 1)
    assert summary["dropped_by_intent"] == {"emergency": 1}


def test_the_filter_is_fast_on_sets_the_size_of_the_blind_one():
    rng = random.Random(13)  # noqa: S311 - test data, not secrets
    words = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 8))) for _ in range(400)]

    def line():
        return " ".join(rng.choices(words, k=rng.randint(3, 12)))

    training = [line() for _ in range(3000)]
    blind = [line() for _ in range(1300)]
    started = time.process_time()
    index = TrainingLines(training)
    assert sum(index.has_near(text) for text in blind) == 0
    assert time.process_time() - started < 20


def predicted(text, truth, said, language="en", asked_back=False):
    return Prediction(example(text, truth, language), said, said, 0.9, asked_back)


SAMPLE = [
    predicted("he has a gun", "emergency", "emergency"),
    predicted("tiene una pistola", "emergency", "emergency", "es"),
    predicted("he keeps texting me threats", "report_threat", "report_threat"),
    predicted("me amenaza", "report_threat", "ask_immigration_status", "es"),
    predicted("hi", "greet", "greet", asked_back=True),
    predicted("hola", "greet", "greet", "es"),
]


def test_figures_add_the_language_gap_and_threat_recall():
    figured = figures(report(SAMPLE))
    assert figured["threat_recall"] == 0.5
    assert figured["emergency_recall"] == 1.0
    assert figured["macro_f1_en"] == 1.0
    assert figured["language_gap"] == pytest.approx(1.0 - figured["macro_f1_es"])
    assert figured["asked_back_when_right"] == pytest.approx(1 / 5)


def test_figures_without_threats_or_a_language_say_none():
    figured = figures(report([predicted("hi", "greet", "greet")]))
    assert figured["threat_recall"] is None
    assert figured["language_gap"] is None


def good_figures(**changes):
    return {
        "macro_f1": 0.96,
        "emergency_recall": 1.0,
        "threat_recall": 0.97,
        "language_gap": 0.01,
        **changes,
    }


def test_targets_met():
    assert missed_targets(good_figures(), None) == []
    assert missed_targets(good_figures(), good_figures(macro_f1=0.9)) == []


@pytest.mark.parametrize(
    ("changes", "missed"),
    [
        ({"macro_f1": 0.94}, "macro_f1 0.940 < 0.95"),
        ({"emergency_recall": 0.99}, "emergency_recall 0.990 < 1.0"),
        ({"threat_recall": 0.9}, "threat_recall 0.900 < 0.95"),
        ({"threat_recall": None}, "threat_recall: no examples"),
        ({"language_gap": 0.05}, "language_gap 0.050 > 0.03"),
        ({"language_gap": None}, "language_gap: needs both English and Spanish lines"),
    ],
)
def test_each_missed_target_is_named(changes, missed):
    assert missed_targets(good_figures(**changes), None) == [missed]


def test_not_ahead_of_the_default_pipeline_is_a_missed_target():
    (missed,) = missed_targets(good_figures(), good_figures(macro_f1=0.97))
    assert "default pipeline" in missed


def result(with_baseline):
    summary = report(SAMPLE)
    evaluated = {"path": "models/m.tar.gz", "figures": figures(summary), "report": summary}
    return {
        "blind_set": {
            "lines": 10,
            "dropped": 4,
            "kept": 6,
            "dropped_by_intent": {"greet": 3, "report_threat": 1},
            "threshold": 0.9,
            "similarity": "difflib.SequenceMatcher ratio on folded text",
        },
        "model": evaluated,
        "baseline": evaluated if with_baseline else None,
        "missed_targets": ["threat_recall 0.500 < 0.95"],
    }


def test_report_shows_the_filter_the_figures_and_the_missed_targets():
    markdown = render_markdown(result(with_baseline=False))
    assert "10 blind lines; 4 dropped" in markdown
    assert "| report_threat recall | 0.500 |" in markdown
    assert "| report_threat | 1 | 2 | 1.000 | 0.500 | 0.667 |" in markdown
    assert "| emergency | 0 | 2 |" in markdown
    assert "- missed: threat_recall 0.500 < 0.95" in markdown
    assert "Rasa default" not in markdown


def test_report_puts_the_default_pipeline_side_by_side():
    markdown = render_markdown(result(with_baseline=True))
    assert "| figure | model | Rasa default pipeline |" in markdown
    assert "| emergency recall | 1.000 | 1.000 |" in markdown
    assert "| report_threat | 1 | 2 | 1.000 | 0.500 | 0.667 | 0.667 |" in markdown


def test_the_baseline_is_the_pipeline_rasa_init_writes():
    initial = Path(rasa.__file__).parent / "cli" / "initial_project" / "config.yml"
    text = initial.read_text(encoding="utf-8")
    block = text[text.index("\npipeline:") : text.index("# Configuration for Rasa Core")]
    commented = [line[2:] for line in block.splitlines() if line.startswith("#   ")]
    assert yaml.safe_load("\n".join(commented)) == DEFAULT_PIPELINE


def test_the_baseline_trains_nlu_only_on_the_same_data(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(blind_eval.subprocess, "run", lambda args, **_: calls.append(args))
    model = blind_eval.train_baseline(tmp_path, Path("data/nlu"))
    (args,) = calls
    assert args[1:3] == ["train", "nlu"]
    assert args[args.index("--nlu") + 1] == "data/nlu"
    assert model == tmp_path / "baseline.tar.gz"
    config = yaml.safe_load((tmp_path / "config.yml").read_text(encoding="utf-8"))
    assert config["pipeline"] == DEFAULT_PIPELINE


def _fake_training(calls):
    def train(workdir, training):
        calls.append(training)
        model = workdir / "baseline.tar.gz"
        model.write_bytes(b"model")
        return model

    return train


def test_the_baseline_is_trained_once_per_version_of_the_data(tmp_path, monkeypatch):
    training = tmp_path / "nlu"
    training.mkdir()
    (training / "a.yml").write_text("nlu: []\n", encoding="utf-8")
    calls = []
    monkeypatch.setattr(blind_eval, "train_baseline", _fake_training(calls))
    store = tmp_path / "store"
    first = blind_eval.baseline_model(training, store)
    assert blind_eval.baseline_model(training, store) == first
    assert calls == [training] and first.read_bytes() == b"model"

    (training / "a.yml").write_text("nlu: [changed]\n", encoding="utf-8")
    second = blind_eval.baseline_model(training, store)
    assert second != first and calls == [training, training]
    assert sorted(store.iterdir()) == [second]  # the copy for older data is gone


def test_the_baseline_digest_sees_names_and_contents(tmp_path):
    training = tmp_path / "nlu"
    (training / "reviewed").mkdir(parents=True)
    (training / "a.yml").write_text("x", encoding="utf-8")
    before = blind_eval.baseline_digest(training)
    (training / "reviewed" / "b.yml").write_text("", encoding="utf-8")
    added = blind_eval.baseline_digest(training)
    (training / "reviewed" / "b.yml").rename(training / "reviewed" / "c.yml")
    assert len({before, added, blind_eval.baseline_digest(training)}) == 3
