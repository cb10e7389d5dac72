"""``make evaluate``'s verdict and report, from figures (no model needed)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from scripts import evaluate
from scripts.evaluate import Evaluated


def summary(macro_f1: float = 0.93, missed: tuple[str, ...] = ()) -> dict[str, Any]:
    intents = {
        "emergency": {"precision": 0.95, "recall": 1.0, "f1-score": 0.97, "support": 30},
        "greet": {"precision": 1.0, "recall": 0.8, "f1-score": 0.89, "support": 20},
    }
    return {
        "examples": 50,
        "accuracy": 0.92,
        "macro_f1": macro_f1,
        "macro_f1_by_language": {"en": macro_f1, "es": macro_f1 - 0.01},
        "asked_back": 0.04,
        "asked_back_when_right": 0.02,
        "emergency": {
            "support": 30, "precision": 0.95, "recall": 1.0 - 0.1 * len(missed),
            "missed": list(missed),
        },
        "threat": {"support": 20, "precision": 0.9, "recall": 0.8, "as_immigration_status": []},
        "intents": intents,
        "intents_by_language": {"en": intents, "es": {"greet": intents["greet"]}},
        "flagship_failures": [],
    }  # fmt: skip


def evaluated(label: str, **kwargs: Any) -> Evaluated:
    wrong = [{"text": "hola <b>", "language": "es", "intent": "greet", "predicted": "thank",
              "confidence": 0.41}]  # fmt: skip
    pairs = [("greet", "greet"), ("greet", "thank"), ("emergency", "emergency")]
    return Evaluated(label, f"{label}.tar.gz", summary(**kwargs), wrong, [(0.9, True)], pairs)


STORIES_PASSED = {"passed": True, "stories": 37, "failed": 0}


def test_no_regression_passes():
    live = evaluated("live", macro_f1=0.935)
    assert evaluate.regressions(evaluated("this model"), live, STORIES_PASSED) == []


def test_a_drop_of_more_than_a_hundredth_against_the_live_model_fails():
    live = evaluated("live", macro_f1=0.95)
    (failure,) = evaluate.regressions(evaluated("this model"), live, STORIES_PASSED)
    assert "0.020 below the live model's 0.950" in failure


def test_a_missed_emergency_fails_whatever_the_live_model_did():
    this = evaluated("this model", missed=("he is at my door",))
    (failure,) = evaluate.regressions(this, None, STORIES_PASSED)
    assert "he is at my door" in failure


def test_a_failed_story_fails():
    stories = {"passed": False, "stories": 37, "failed": 2}
    assert evaluate.regressions(evaluated("this model"), None, stories) == [
        "2 story test(s) failed"
    ]


def test_below_the_gates_floor_fails_even_with_nothing_live():
    (failure,) = evaluate.regressions(evaluated("this model", macro_f1=0.85), None, STORIES_PASSED)
    assert "macro-F1 0.850 < 0.9" in failure


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append(dict(attrs)["src"] or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_the_page_shows_both_models_the_pictures_and_the_escaped_wrong_lines():
    models = [evaluated("this model"), evaluated("live", macro_f1=0.95)]
    page = evaluate.render(models, STORIES_PASSED, {"sessions": 10, "shares": {}}, ["worse"])
    collected = Collector()
    collected.feed(page)
    text = " ".join(collected.text)
    assert collected.images == ["confusion.png", "confidence.png"]
    assert "this model.tar.gz" in text and "live.tar.gz" in text
    assert "0.930" in text and "0.950" in text
    assert "hola &lt;b&gt;" in page and "hola <b>" not in page  # a line is text, not markup
    assert "Regression: worse" in text
    assert "37 of 37 stories passed" in text


def test_the_pictures_are_written(tmp_path: Path):
    this = evaluated("this model")
    evaluate.confusion_picture(this.pairs, tmp_path / "confusion.png")
    evaluate.histogram_picture([(0.9, True), (0.3, False)], 0.65, tmp_path / "confidence.png")
    for name in ("confusion.png", "confidence.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_marker_shares_come_from_rasas_overall_statistics(tmp_path: Path):
    overall = tmp_path / "stats-overall.csv"
    overall.write_text(
        "sender_id,session_idx,marker,statistic,value\n"
        "all,nan,-,total_number_of_sessions,8\n"
        "all,nan,reached_a_person,number_of_sessions_where_marker_applied_at_least_once,2\n"
        "all,nan,reached_a_person,percentage_of_sessions_where_marker_applied_at_least_once,25.0\n"
        "all,nan,looped_in_fallback,percentage_of_sessions_where_marker_applied_at_least_once,0.0\n"
    )
    assert evaluate.marker_shares(overall) == {
        "sessions": 8,
        "shares": {"reached_a_person": 25.0, "looped_in_fallback": 0.0},
    }


@pytest.mark.parametrize("found", [{"error": ["no tracker store"]}, {"sessions": 0, "shares": {}}])
def test_markers_that_cannot_be_shown_say_why(found):
    assert "<table>" not in evaluate.markers_section(found)


def test_before_any_release_the_live_model_is_make_trains(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(evaluate, "MODELS", tmp_path)
    (tmp_path / "hotline.tar.gz").write_bytes(b"make train's model")
    candidate = tmp_path / "hotline-20261206-0400-abc.tar.gz"
    candidate.write_bytes(b"a new version")
    assert evaluate.models_to_compare(candidate) == [
        ("this model", candidate),
        ("live", tmp_path / "hotline.tar.gz"),
    ]
    candidate.write_bytes(b"make train's model")  # the same file: compared once
    assert evaluate.models_to_compare(candidate) == [("this model", candidate)]
