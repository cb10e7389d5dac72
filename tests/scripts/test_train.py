"""``scripts/train.py``: the spaCy pipeline built once per version of its sources, not at every
training; fine-tunes kept out of the training cache of trainings from scratch."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from scripts import train


@dataclass
class Builds:
    """The build commands run, and the sources' fingerprint as the test sets it."""

    sources: str = "sources-1"
    commands: list[list[str]] = field(default_factory=list)


@pytest.fixture
def builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Builds:
    pipeline = tmp_path / "spacy-hotline"
    seen = Builds()
    monkeypatch.setattr(train, "SPACY_PIPELINE", pipeline)
    monkeypatch.setattr(train, "fingerprint", lambda inputs: seen.sources)

    def fake_run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        seen.commands.append(command)
        pipeline.mkdir(exist_ok=True)  # as the real build writes it
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(train.subprocess, "run", fake_run)
    return seen


def test_the_pipeline_is_built_once_then_again_when_its_sources_change(builds: Builds):
    train.build_spacy_pipeline()
    train.build_spacy_pipeline()
    assert [command[-2:] for command in builds.commands] == [
        ["bot.nlp.build", str(train.SPACY_PIPELINE)]
    ]
    builds.sources = "sources-2"
    train.build_spacy_pipeline()
    assert len(builds.commands) == 2


def test_a_fine_tune_never_shares_rasas_cache_with_a_training_from_scratch(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    caches: list[str] = []
    monkeypatch.setattr(train, "build_spacy_pipeline", lambda: None)

    def fake_run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        caches.append(kwargs["env"]["RASA_CACHE_DIRECTORY"])
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(train.subprocess, "run", fake_run)
    train.rasa_train(tmp_path / "full.tar.gz")
    train.rasa_train(tmp_path / "tuned.tar.gz", finetune=tmp_path / "full.tar.gz")
    train.rasa_train(tmp_path / "again.tar.gz")
    assert caches[0] == caches[2] != caches[1]


def test_trainings_run_rasa_through_the_hotlines_training_fixes_and_fine_tunes_without_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    runs: list[tuple[list[str], dict[str, str]]] = []
    monkeypatch.setattr(train, "build_spacy_pipeline", lambda: None)
    monkeypatch.delenv(train.CACHE_SIZE_VARIABLE, raising=False)

    def fake_run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        runs.append((command, kwargs["env"]))
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(train.subprocess, "run", fake_run)
    train.rasa_train(tmp_path / "full.tar.gz")
    train.rasa_train(tmp_path / "tuned.tar.gz", finetune=tmp_path / "full.tar.gz")
    (full, full_env), (tuned, tuned_env) = runs
    assert full[1:4] == tuned[1:4] == ["-m", "bot.training", "train"]
    assert train.CACHE_SIZE_VARIABLE not in full_env and "--force" not in full
    assert tuned_env[train.CACHE_SIZE_VARIABLE] == "0" and "--force" in tuned
