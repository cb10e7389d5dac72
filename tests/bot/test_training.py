"""``bot/training.py``: no fingerprints for a training cache that is off, Rasa's hook unchanged
when it is on, the model package written at gzip's fastest level, and Rasa's sanitised examples
and combined features, computed faster."""

from __future__ import annotations

import gzip
import tarfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import rasa.engine.storage.local_model_storage as local_model_storage
import rasa.engine.training.graph_trainer as graph_trainer
import scipy.sparse
from rasa.engine.caching import CACHE_SIZE_ENV
from rasa.engine.graph import ExecutionContext, GraphSchema, SchemaNode
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import training


class RecordingCache:
    """The part of Rasa's ``TrainingCache`` the hook uses, recording what it is given."""

    def __init__(self) -> None:
        self.outputs: list[tuple[str, str]] = []

    def cache_output(self, fingerprint_key: str, output: Any, output_fingerprint: str,
                     model_storage: Any) -> None:  # fmt: skip
        self.outputs.append((fingerprint_key, output_fingerprint))


class Unfingerprintable:
    """An input or output whose fingerprint would fail the test: it must never be computed."""

    def fingerprint(self) -> str:
        raise AssertionError("fingerprinted although the cache is off")


def schema() -> GraphSchema:
    node = SchemaNode(needs={}, uses=WhitespaceTokenizer, constructor_name="create",
                      fn="process_training_data", config={})  # fmt: skip
    return GraphSchema({"tokenizer": node})


def run_node(hook: training.CacheAwareTrainingHook, value: Any) -> None:
    context = ExecutionContext(graph_schema=schema())
    before = hook.on_before_node("tokenizer", context, {}, {"data": value})
    hook.on_after_node("tokenizer", context, {}, value, before)


def hook(cache: RecordingCache) -> training.CacheAwareTrainingHook:
    return training.CacheAwareTrainingHook(cache=cache, model_storage=None, pruned_schema=schema())


def test_with_the_cache_off_nothing_is_fingerprinted_or_cached(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(CACHE_SIZE_ENV, "0")
    cache = RecordingCache()
    run_node(hook(cache), Unfingerprintable())
    assert cache.outputs == []


@pytest.mark.parametrize("size", [None, "1000"])
def test_with_the_cache_on_it_is_rasas_hook(monkeypatch: pytest.MonkeyPatch, size: str | None):
    if size is None:
        monkeypatch.delenv(CACHE_SIZE_ENV, raising=False)
    else:
        monkeypatch.setenv(CACHE_SIZE_ENV, size)
    cache = RecordingCache()
    run_node(hook(cache), ["some", "training", "data"])
    [(key, output)] = cache.outputs
    assert key and output  # both fingerprints computed, as by Rasa's TrainingHook


def test_the_model_package_is_written_at_the_fastest_level(tmp_path: Path):
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "weights").write_bytes(b"0123456789" * 10_000)
    archive = tmp_path / "model.tar.gz"
    with training.FasterPackingTarSafe.open(archive, "w:gz") as tar:
        tar.add(tmp_path / "model", arcname="")
    header = archive.read_bytes()[:10]
    assert header[8] == 4  # gzip's XFL byte: 4 = fastest compression, 2 = best (level 9)
    with gzip.open(archive) as unpacked, tarfile.open(fileobj=unpacked) as tar:
        assert tar.extractfile("weights").read() == b"0123456789" * 10_000  # type: ignore[union-attr]


def test_install_puts_both_in_rasas_place(monkeypatch: pytest.MonkeyPatch):
    # Saved first, so that the test's end restores Rasa's own.
    monkeypatch.setattr(graph_trainer, "TrainingHook", graph_trainer.TrainingHook)
    monkeypatch.setattr(local_model_storage, "TarSafe", local_model_storage.TarSafe)
    monkeypatch.setattr(TrainingData, "sanitize_examples", TrainingData.sanitize_examples)
    monkeypatch.setattr(Features, "_combine_sparse_features", Features._combine_sparse_features)
    training.install()
    assert graph_trainer.TrainingHook is training.CacheAwareTrainingHook
    assert local_model_storage.TarSafe is training.FasterPackingTarSafe
    assert TrainingData.sanitize_examples is training.sanitize_examples
    assert Features._combine_sparse_features is training.combine_sparse_features


# -- the data's sanitising and DIET's feature combination: Rasa's results, faster ---------------


def examples() -> list[Message]:
    return [
        Message.build("hello", "greet "),
        Message.build("hello", "greet"),  # the same example once stripped: dropped
        Message.build("bye", "goodbye"),
        Message(data={"text": "what are the hours", "intent": "faq", "response": " 9 to 5 "}),
        Message(data={"text": "no intent at all"}),
    ]


def summary(messages: list[Message]) -> list[tuple[object, ...]]:
    return [(m.get("text"), m.get("intent"), m.get("response")) for m in messages]


def test_sanitising_gives_rasas_examples():
    ours = training.sanitize_examples(examples())
    assert summary(ours) == summary(TrainingData.sanitize_examples(examples()))
    assert len(ours) == 4


def test_a_clean_example_keeps_its_fingerprint():
    clean, dirty = Message.build("bye", "goodbye"), Message.build("hi", " greet")
    clean_fingerprint, dirty_fingerprint = clean.fingerprint(), dirty.fingerprint()
    training.sanitize_examples([clean, dirty])
    assert clean._cached_fingerprint == clean_fingerprint  # not forgotten
    assert dirty.fingerprint() != dirty_fingerprint  # changed, so computed again


def random_coo(
    rows: int, columns: int, seed: int, dtype: type = np.float64
) -> scipy.sparse.coo_matrix:
    return scipy.sparse.random(
        rows, columns, density=0.05, format="coo", random_state=seed, dtype=dtype
    )


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (random_coo(7, 300, 1), random_coo(7, 200, 2)),
        (random_coo(1, 50, 3), random_coo(1, 60, 4, np.float32)),
        (scipy.sparse.coo_matrix((4, 10)), random_coo(4, 30, 5)),
        (random_coo(5, 20, 6).tocsr(), random_coo(5, 20, 7)),  # not both COO: scipy's own
    ],
)
def test_side_by_side_is_scipys_hstack(left, right):
    ours, scipys = training.side_by_side(left, right), scipy.sparse.hstack([left, right])
    assert ours.format == scipys.format and ours.shape == scipys.shape
    assert ours.dtype == scipys.dtype
    ours, scipys = ours.tocoo(), scipys.tocoo()
    for part in ("data", "row", "col"):
        assert np.array_equal(getattr(ours, part), getattr(scipys, part))


def test_features_of_other_lengths_are_refused_as_by_rasa():
    first = Features(random_coo(3, 10, 1), "sequence", "text", "words")
    other = Features(random_coo(4, 10, 2), "sequence", "text", "letters")
    with pytest.raises(ValueError, match="sequence dimensions do not match: 3 != 4"):
        training.combine_sparse_features(first, other)


def test_combined_features_forget_their_fingerprint():
    first = Features(random_coo(3, 10, 1), "sequence", "text", "words")
    before = first.fingerprint()
    training.combine_sparse_features(first, Features(random_coo(3, 5, 2), "sequence", "text", "x"))
    assert first.features.shape == (3, 15)
    assert first.fingerprint() != before
