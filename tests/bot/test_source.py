"""Rasa's training cache follows the code the hotline's components run: every component of
config.yml from ``bot.components`` adds to its cache key a digest of the project modules it
reaches, and only of those."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
import yaml

from bot.components.source import reached_modules, source_digest

OURS = [
    component["name"]
    for component in yaml.safe_load(Path("config.yml").read_text(encoding="utf-8"))["pipeline"]
    if component["name"].startswith("bot.components.")
]


def component_class(name: str) -> type:
    module, _, cls = name.rpartition(".")
    return getattr(importlib.import_module(module), cls)


def test_the_pipeline_has_components_of_ours():
    assert len(OURS) >= 6


@pytest.mark.parametrize("name", OURS)
def test_every_component_of_ours_is_keyed_by_the_code_it_reaches(name):
    cls = component_class(name)
    assert cls.fingerprint_addon({}) == source_digest(cls)
    assert cls.__module__ in reached_modules(cls)


def test_the_reading_of_texts_is_part_of_the_normalizers_key():
    from bot.components.texting import TextingNormalizer

    modules = reached_modules(TextingNormalizer)
    assert {"formats.texting", "formats.text", "bot.components.rewriter"} <= set(modules)


def test_constants_imported_by_name_are_followed():
    """``from formats.name_words import ORDINARY_WORDS`` (a frozenset) reaches its module."""
    from bot.components.gazetteer import GazetteerEntityExtractor

    assert "formats.name_words" in reached_modules(GazetteerEntityExtractor)


def test_the_danger_rules_key_the_guard_but_not_what_feeds_diet():
    """Editing the danger rules must not make Rasa train DIET again."""
    from bot.components.emergency_guard import EmergencyGuard
    from bot.components.featurizers import BatchedCountVectorsFeaturizer
    from bot.components.texting import TextingNormalizer

    assert "formats.danger" in reached_modules(EmergencyGuard)
    for upstream in (TextingNormalizer, BatchedCountVectorsFeaturizer):
        assert "formats.danger" not in reached_modules(upstream)


def test_the_digest_follows_the_content_of_a_reached_module(tmp_path, monkeypatch):
    from bot.components.texting import TextingNormalizer

    before = source_digest(TextingNormalizer)
    edited = tmp_path / "texting.py"
    module = sys.modules["formats.texting"]
    edited.write_text(Path(str(module.__file__)).read_text() + "\n# one more shorthand\n")
    monkeypatch.setattr(module, "__file__", str(edited))
    assert source_digest(TextingNormalizer) != before
