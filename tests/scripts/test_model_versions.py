"""The model registry: which version is live, what a rollback restores, what is kept."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from scripts.model_versions import Registry, Version, make_live_copy, rasa_urls, version_file_name


def version(directory: Path, name: str, released: bool = True, f1: float | None = None) -> Version:
    (directory / name).write_bytes(name.encode())
    evaluation = {"macro_f1": f1} if f1 is not None else {}
    return Version(name, f"fp-{name}", "2026-12-05T20:00:00", "full", 250.0, evaluation, released)


@pytest.fixture
def registry(tmp_path: Path) -> Registry:
    registry = Registry(tmp_path)
    for name in ("a.tar.gz", "b.tar.gz", "c.tar.gz"):
        registry.add(version(tmp_path, name))
    registry.live = "c.tar.gz"
    return registry


def test_saved_and_loaded_unchanged(registry: Registry):
    registry.versions[0].evaluation = {"macro_f1": 0.93}
    registry.save()
    loaded = Registry.load(registry.directory)
    assert loaded.versions == registry.versions
    assert loaded.live == "c.tar.gz"
    assert not (registry.directory / "versions.json.tmp").exists()


def test_no_registry_yet_is_empty(tmp_path: Path):
    assert Registry.load(tmp_path).versions == []


def test_a_rollback_restores_the_release_before_the_live_one(registry: Registry):
    assert registry.previous_release().file == "b.tar.gz"
    registry.live = "b.tar.gz"  # rolled back once: the next rollback goes further back
    assert registry.previous_release().file == "a.tar.gz"
    registry.live = "a.tar.gz"
    assert registry.previous_release() is None


def test_a_rollback_skips_unreleased_and_deleted_versions(registry: Registry):
    registry.versions[1].released = False  # b failed its evaluation
    assert registry.previous_release().file == "a.tar.gz"
    (registry.directory / "a.tar.gz").unlink()
    assert registry.previous_release() is None


def test_pruning_keeps_the_newest_the_live_and_the_rollback(registry: Registry):
    for name in ("d.tar.gz", "e.tar.gz"):
        registry.add(version(registry.directory, name, released=False))
    deleted = registry.prune(keep=2)
    assert deleted == ["a.tar.gz"]  # b is what a rollback restores, c is live
    assert [v.file for v in registry.versions] == ["b.tar.gz", "c.tar.gz", "d.tar.gz", "e.tar.gz"]
    assert not (registry.directory / "a.tar.gz").exists()
    assert (registry.directory / "b.tar.gz").exists()


def test_the_live_copy_is_the_version_and_its_fingerprint(registry: Registry):
    make_live_copy(registry.directory, registry.versions[1])
    assert (registry.directory / "hotline.tar.gz").read_bytes() == b"b.tar.gz"
    assert (registry.directory / "hotline.fingerprint").read_text() == "fp-b.tar.gz\n"


def test_version_names_sort_by_time_and_carry_the_fingerprint():
    first = version_file_name("0123456789abcdef", datetime(2026, 12, 5, 9, 5, 1))
    second = version_file_name("fedcba9876543210", datetime(2026, 12, 5, 21, 0, 0))
    assert first == "hotline-20261205-090501-0123456789.tar.gz"
    assert sorted([second, first]) == [first, second]


@pytest.mark.parametrize(
    ("setting", "urls"),
    [
        ("http://127.0.0.1:5005", ["http://127.0.0.1:5005"]),
        ("http://a:5005/, http://b:5005", ["http://a:5005", "http://b:5005"]),
        (" , ", []),
    ],
)
def test_the_replicas_come_from_the_rasa_url_setting(setting: str, urls: list[str]):
    assert rasa_urls(setting) == urls
