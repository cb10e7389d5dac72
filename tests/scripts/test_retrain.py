"""What ``make retrain`` decides before training: fine-tune the live model or train from
scratch, and how long it will take."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts import retrain
from scripts.model_versions import Registry, Version


@pytest.fixture
def models(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setattr(retrain, "MODELS", tmp_path)
    monkeypatch.setattr(retrain, "structure_fingerprint", lambda: "structure-now")
    monkeypatch.setattr(retrain, "trained_structure", lambda: None)
    return tmp_path


def live_registry(models: Path, structure: str) -> Registry:
    (models / "live.tar.gz").write_bytes(b"model")
    live = Version("live.tar.gz", "fp", "2026-12-05T20:00:00", "full", 250.0,
                   {"macro_f1": 0.92, "structure": structure}, released=True)  # fmt: skip
    return Registry(models, [live], live="live.tar.gz")


def test_only_examples_changed_fine_tunes_the_live_model(models: Path):
    mode, base = retrain.training_mode(live_registry(models, "structure-now"), full=False)
    assert (mode, base.file) == ("finetune", "live.tar.gz")


def test_a_changed_domain_config_or_rule_trains_from_scratch(models: Path):
    assert retrain.training_mode(live_registry(models, "structure-before"), full=False) == (
        "full",
        None,
    )


def test_full_or_nothing_live_trains_from_scratch(models: Path):
    assert retrain.training_mode(live_registry(models, "structure-now"), full=True)[0] == "full"
    assert retrain.training_mode(Registry(models), full=False) == ("full", None)


def test_before_any_release_make_trains_model_is_fine_tuned_when_its_structure_is_current(
    models: Path, monkeypatch
):
    (models / "hotline.tar.gz").write_bytes(b"make train's model")
    monkeypatch.setattr(retrain, "trained_structure", lambda: "structure-now")
    mode, base = retrain.training_mode(Registry(models), full=False)
    assert (mode, base.file) == ("finetune", "hotline.tar.gz")
    monkeypatch.setattr(retrain, "trained_structure", lambda: "structure-before")
    assert retrain.training_mode(Registry(models), full=False) == ("full", None)
    monkeypatch.setattr(retrain, "trained_structure", lambda: None)  # trained before it was kept
    assert retrain.training_mode(Registry(models), full=False) == ("full", None)


def test_the_estimate_is_the_last_training_of_the_same_kind(models: Path):
    registry = live_registry(models, "structure-now")
    assert retrain.estimate(registry, "full") == 250.0
    assert retrain.estimate(registry, "finetune") == retrain.DEFAULT_ESTIMATES["finetune"]
