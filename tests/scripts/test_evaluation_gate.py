"""``make evaluate``'s gate on a real, deliberately worse model: the same pipeline and data, with
DIET trained for one epoch instead of its configured number, and without the linear classifier
blended with it. The gate must refuse it, both on the NLU gate's own floor and as a drop against
the live model, and say so in its report.

Everything else (the featurizers, the gazetteer, the rules) comes from Rasa's training cache of
``make train``, so only the one epoch is trained. Needs the trained model: ``make test-gate``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from scripts import evaluate
from scripts.model_versions import Registry, Version
from scripts.train import MODEL, ROOT, rasa_train

pytestmark = pytest.mark.model
LINEAR = "LinearIntentClassifier"


def one_epoch_config(folder: Path) -> Path:
    """``config.yml`` with DIET's epochs cut to one and no second opinion to make up for it."""
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    (diet,) = [c for c in config["pipeline"] if c["name"].endswith("DIETClassifier")]
    assert diet["epochs"] > 1
    diet["epochs"] = 1
    config["pipeline"] = [c for c in config["pipeline"] if not c["name"].endswith(LINEAR)]
    path = folder / "config-one-epoch.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A model folder whose registry has the trained model live (as ``make retrain`` keeps it)."""
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` first")
    folder = tmp_path / "models"
    folder.mkdir()
    shutil.copyfile(MODEL, folder / "hotline-live.tar.gz")
    registry = Registry.load(folder)
    live = Version("hotline-live.tar.gz", "trained", "2026-12-06T00:00:00", "full", 0.0)
    live.released = True
    registry.versions.append(live)
    registry.live = live.file
    registry.save()
    monkeypatch.setattr(evaluate, "MODELS", folder)
    monkeypatch.setattr(evaluate, "CACHE", tmp_path / "cache")  # evaluated here, not remembered
    return folder


def test_the_gate_refuses_a_model_trained_for_one_epoch(tmp_path: Path, models: Path):
    worse = models / "hotline-one-epoch.tar.gz"
    rasa_train(worse, skip_validation=True, config=one_epoch_config(tmp_path))
    out = tmp_path / "report"

    code = evaluate.main(["--model", str(worse), "--out", str(out), "--no-markers"])

    assert code == 1
    summary = json.loads((out / "summary.json").read_text())
    this, live = summary["models"]["this model"], summary["models"]["live"]
    assert this["macro_f1"] < live["macro_f1"] - 0.01
    assert summary["stories"]["passed"]  # the dialogue is the same; the NLU is what got worse
    regressions = summary["regressions"]
    assert any("below the live model's" in failure for failure in regressions), regressions
    assert any(failure.startswith("intent macro-F1") for failure in regressions), regressions
    assert "Regression" in (out / "index.html").read_text()
