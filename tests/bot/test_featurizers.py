"""The featurizers of bot.components.featurizers give Rasa's matrices: many messages featurized
in one call, as Rasa featurizes them one at a time (words and character n-grams, every attribute),
and word shapes as Rasa's; their fingerprints follow their content."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.featurizers.sparse_featurizer.lexical_syntactic_featurizer import (
    LexicalSyntacticFeaturizer,
)
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.featurizers import (
    ArrayFingerprintFeatures,
    BatchedCountVectorsFeaturizer,
    FingerprintedLexicalSyntacticFeaturizer,
)

TEXTS = [
    ("hes outside my house right now", "emergency"),
    ("quiero que me avisen cuando lo suelten", "register_notifications"),
    ("take me off the alerts pls", "unsubscribe"),
    ("ya no quiero seguir, salir", "cancel"),
    ("is this the same as VINE? 24 7", "ask_vine"),
    ("hola", "greet"),
    ("me llamo Ana y mi numero es 555 201 3344", "inform"),
    ("esto no sirve para nada", "frustration"),
]
SETTINGS: list[dict[str, Any]] = [
    {},
    {"analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4, "max_features": 300},
    {"OOV_token": "oov", "OOV_words": ["xyz"]},
]


def messages() -> list[Message]:
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    found = [Message(data={TEXT: text, INTENT: intent}) for text, intent in TEXTS]
    found.append(Message(data={TEXT: ""}))  # nothing to featurize
    tokenizer.process_training_data(TrainingData(found))
    return found


def trained(cls: type[Any], settings: dict[str, Any], tmp_path) -> Any:
    featurizer = cls.create(
        {**cls.get_default_config(), **settings},
        LocalModelStorage(tmp_path),
        Resource(f"cvf-{cls.__name__}"),
        ExecutionContext(node_name="cvf", graph_schema=None),
    )
    featurizer.train(TrainingData(messages()))
    return featurizer


def features(message: Message) -> list[tuple[str, str, np.ndarray]]:
    return sorted(
        (
            (feature.attribute, feature.type, feature.features.toarray())
            for feature in message.features
        ),
        key=lambda feature: feature[:2],
    )


@pytest.mark.parametrize("settings", SETTINGS)
def test_the_same_matrices_as_one_message_at_a_time(settings, tmp_path) -> None:
    batched = trained(BatchedCountVectorsFeaturizer, settings, tmp_path)
    single = trained(CountVectorsFeaturizer, settings, tmp_path)
    ours, rasas = messages(), messages()
    batched.process_training_data(TrainingData(ours))
    single.process_training_data(TrainingData(rasas))
    for mine, theirs in zip(ours, rasas, strict=True):
        left, right = features(mine), features(theirs)
        assert [(a, t) for a, t, _ in left] == [(a, t) for a, t, _ in right]
        for (_, _, a), (_, _, b) in zip(left, right, strict=True):
            assert a.dtype == b.dtype
            np.testing.assert_array_equal(a, b)
    assert any(features(message) for message in ours)
    assert features(ours[-1]) == []


def test_one_turn_is_featurized_as_before(tmp_path) -> None:
    batched = trained(BatchedCountVectorsFeaturizer, {}, tmp_path)
    single = trained(CountVectorsFeaturizer, {}, tmp_path)
    (mine,), (theirs,) = messages()[:1], messages()[:1]
    batched.process([mine])
    single.process([theirs])
    assert [(a, t) for a, t, _ in features(mine)] == [(a, t) for a, t, _ in features(theirs)]


def test_the_vectorizer_is_called_twice_per_attribute_not_per_message(tmp_path) -> None:
    """The reason for the class: scikit-learn's fixed cost of a call paid once per attribute."""
    featurizer = trained(BatchedCountVectorsFeaturizer, SETTINGS[1], tmp_path)
    calls: list[int] = []

    def counted(transform: Any) -> Any:
        def call(texts: list[str]) -> Any:
            calls.append(len(texts))
            return transform(texts)

        return call

    for vectorizer in featurizer.vectorizers.values():
        vectorizer.transform = counted(vectorizer.transform)
    many = [message for _ in range(50) for message in messages()]
    featurizer.process(many)
    assert 0 < len(calls) <= 2 * len(featurizer.vectorizers)
    assert sum(bool(features(message)) for message in many) == 50 * len(TEXTS)


def test_the_same_matrices_give_the_same_fingerprint_and_other_ones_another(tmp_path) -> None:
    featurizer = trained(BatchedCountVectorsFeaturizer, SETTINGS[1], tmp_path)
    first, again = messages(), messages()
    featurizer.process(first)
    featurizer.process(again)
    prints = [[f.fingerprint() for f in message.features] for message in first[:-1]]
    assert prints == [[f.fingerprint() for f in message.features] for message in again[:-1]]
    assert all(isinstance(f, ArrayFingerprintFeatures) for m in first for f in m.features)
    every = [print_ for message in prints for print_ in message]
    assert len(set(every)) == len(every)  # distinct matrices, distinct fingerprints
    one = first[0].features[0]
    changed = one.features.copy()
    changed.data[0] += 1
    assert ArrayFingerprintFeatures(changed, one.type, one.attribute, one.origin).fingerprint() != (
        one.fingerprint()
    )


def test_word_shapes_as_rasas_with_array_fingerprints(tmp_path) -> None:
    ours = trained(FingerprintedLexicalSyntacticFeaturizer, {}, tmp_path)
    rasas = trained(LexicalSyntacticFeaturizer, {}, tmp_path)
    mine, theirs = messages(), messages()
    ours.process_training_data(TrainingData(mine))
    rasas.process_training_data(TrainingData(theirs))
    for left, right in zip(mine, theirs, strict=True):
        assert [(a, t) for a, t, _ in features(left)] == [(a, t) for a, t, _ in features(right)]
        for (_, _, a), (_, _, b) in zip(features(left), features(right), strict=True):
            np.testing.assert_array_equal(a, b)
    assert all(isinstance(f, ArrayFingerprintFeatures) for m in mine for f in m.features)
    assert sum(len(message.features) for message in mine) > 0


def fine_tuned(settings: dict[str, Any], tmp_path, added: list[str]) -> Any:
    """The featurizer trained on TEXTS, loaded for a fine-tune, trained again with ``added``."""
    first = trained(BatchedCountVectorsFeaturizer, settings, tmp_path)
    loaded = BatchedCountVectorsFeaturizer.load(
        {**BatchedCountVectorsFeaturizer.get_default_config(), **settings},
        LocalModelStorage(tmp_path),
        Resource("cvf-BatchedCountVectorsFeaturizer"),
        ExecutionContext(node_name="cvf", graph_schema=None, is_finetuning=True),
    )
    assert loaded.finetune_mode and loaded.vectorizers[TEXT].vocabulary == (
        first.vectorizers[TEXT].vocabulary_
    )
    more = messages() + [Message(data={TEXT: text, INTENT: "greet"}) for text in added]
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process_training_data(
        TrainingData(more)
    )
    loaded.train(TrainingData(more))
    return loaded


CAPPED = {"analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4}


def test_a_fine_tune_keeps_a_full_vocabulary_within_its_cap(tmp_path) -> None:
    # Rasa's own fine-tune added every n-gram of the training data the cap had left out.
    tuned = fine_tuned({**CAPPED, "max_features": 300}, tmp_path, ["zzyzx qwvj"])
    vocabulary = tuned.vectorizers[TEXT].vocabulary
    assert len(vocabulary) == 300
    assert not any("zz" in item or "qw" in item for item in vocabulary)


def test_a_fine_tune_fills_the_room_under_the_cap_with_the_most_frequent_new_items(
    tmp_path,
) -> None:
    (tmp_path / "uncapped").mkdir()
    uncapped = trained(
        BatchedCountVectorsFeaturizer, {**CAPPED, "max_features": 100_000}, tmp_path / "uncapped"
    )
    before = set(uncapped.vectorizers[TEXT].vocabulary_)
    tuned = fine_tuned({**CAPPED, "max_features": len(before) + 2}, tmp_path, ["qqq qqq j"])
    vocabulary = tuned.vectorizers[TEXT].vocabulary
    # "qq" 4 times; " qq", " qqq", "qq ", "qqq", "qqq " twice each (the first in order wins);
    # "j", " j", "j ", " j " once
    assert set(vocabulary) - before == {"qq", " qq"}
    assert sorted(vocabulary.values()) == list(range(len(before) + 2))  # new items at the end


def test_a_fine_tune_without_a_cap_adds_every_new_word_as_rasa_does(tmp_path) -> None:
    tuned = fine_tuned({}, tmp_path, ["zzyzx qwvj"])
    assert {"zzyzx", "qwvj"} <= set(tuned.vectorizers[TEXT].vocabulary)
