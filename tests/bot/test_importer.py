"""The caching importer: each file set parsed once per process, a changed file read again, every
caller given its own copy, and config.yml really uses it."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.importers import utils as rasa_importer_utils
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.training_data.message import Message

import bot.importer
from bot.importer import CachingFileImporter
from tests.bot.helpers import ROOT

DOMAIN = """version: "3.1"
intents: [greet, goodbye]
responses:
  utter_greet:
    - text: hello
"""
NLU = """version: "3.1"
nlu:
  - intent: greet
    examples: |
      - hello there
      - hi
  - intent: goodbye
    examples: |
      - bye now
"""
RULES = """version: "3.1"
rules:
  - rule: greet
    steps:
      - intent: greet
      - action: utter_greet
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(bot.importer, "_parsed", {})  # a process of its own
    (tmp_path / "domain.yml").write_text(DOMAIN)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "nlu.yml").write_text(NLU)
    (tmp_path / "data" / "rules.yml").write_text(RULES)
    return tmp_path


def importer(project: Path) -> CachingFileImporter:
    return CachingFileImporter(domain_path=str(project / "domain.yml"),
                               training_data_paths=[str(project / "data")])  # fmt: skip


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each time Rasa really reads NLU files."""
    seen: list[str] = []
    real = rasa_importer_utils.training_data_from_paths

    def counting(paths, language):
        seen.append(language)
        return real(paths, language)

    monkeypatch.setattr(rasa_importer_utils, "training_data_from_paths", counting)
    return seen


def examples(data) -> list[str]:
    return sorted(m.get("text") for m in data.training_examples)


def test_the_same_files_are_parsed_once_across_importers(project, parses):
    first, second = importer(project), importer(project)
    assert examples(first.get_nlu_data()) == ["bye now", "hello there", "hi"]
    assert examples(second.get_nlu_data()) == ["bye now", "hello there", "hi"]
    assert parses == ["en"]


def test_a_changed_file_is_read_again(project, parses):
    importer(project).get_nlu_data()
    (project / "data" / "nlu.yml").write_text(NLU.replace("- hi\n", "- hi\n      - good morning\n"))
    assert "good morning" in examples(importer(project).get_nlu_data())
    assert len(parses) == 2


def test_each_caller_gets_its_own_copy(project):
    first = importer(project).get_nlu_data()
    first.training_examples.append(Message.build("added by one caller", "greet"))
    assert "added by one caller" not in examples(importer(project).get_nlu_data())


def test_domain_and_rules_are_remembered_and_follow_the_domain(project):
    assert importer(project).get_domain().intents == importer(project).get_domain().intents
    steps = importer(project).get_stories().story_steps
    assert [step.block_name for step in steps] == ["greet"]
    (project / "domain.yml").write_text(
        DOMAIN.replace("[greet, goodbye]", "[greet, goodbye, thanks]")
    )
    assert "thanks" in importer(project).get_domain().intents


def test_rasa_builds_it_from_the_project_config():
    loaded = TrainingDataImporter.load_from_config(
        str(ROOT / "config.yml"), str(ROOT / "bot" / "domain"), []
    )
    combined = loaded.importer._importer  # E2EImporter(ResponsesSyncImporter(CombinedDataImporter))
    assert [type(one) for one in combined._importers] == [CachingFileImporter]
