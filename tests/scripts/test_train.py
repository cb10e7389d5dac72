"""``scripts/train.py``'s spaCy pipeline: built once per version of its sources, not at every
training."""

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
