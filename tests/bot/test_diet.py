"""``bot/components/diet.py``: DIET's batches hold messages of similar length, every message once
per epoch, in an order its seed decides; nothing else of Rasa's DIET changes."""

from __future__ import annotations

import numpy as np
import pytest
import rasa.utils.train_utils
import yaml
from hypothesis import given
from hypothesis import strategies as st
from rasa.shared.nlu.constants import TEXT
from rasa.utils.tensorflow.constants import LABEL, SEQUENCE_LENGTH
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.feature_array import FeatureArray
from rasa.utils.tensorflow.model_data import RasaModelData

from bot.components import diet
from tests.bot.helpers import ROOT


def padded_words(lengths: np.ndarray, order: np.ndarray, batch_size: int) -> int:
    """The words a model reads when each batch is padded to its longest message."""
    runs = [lengths[order[i : i + batch_size]] for i in range(0, len(order), batch_size)]
    return sum(len(run) * int(run.max()) for run in runs)


@given(
    lengths=st.lists(st.integers(min_value=1, max_value=60), max_size=300),
    batch_size=st.integers(min_value=1, max_value=64),
    seed=st.integers(min_value=0, max_value=2**31 - 1),
)
def test_every_example_once_and_each_batch_a_run_of_the_sorted_lengths(lengths, batch_size, seed):
    lengths = np.array(lengths, dtype=np.int64)
    order = diet.similar_length_order(lengths, batch_size, np.random.RandomState(seed))
    assert sorted(order.tolist()) == list(range(len(lengths)))
    cuts = [lengths[order[i : i + batch_size]] for i in range(0, len(order), batch_size)]
    # Each run of batch_size (as Rasa cuts them) is a stretch of the lengths sorted: laid end to
    # end by their shortest message, the runs give the sorted lengths back.
    runs = sorted(sorted(run.tolist()) for run in cuts)
    assert [length for run in runs for length in run] == sorted(lengths.tolist())
    assert all(len(run) == batch_size for run in cuts[:-1])


def test_the_same_seed_gives_the_same_order_and_another_seed_another():
    lengths = np.random.RandomState(0).randint(1, 30, size=500)
    first = diet.similar_length_order(lengths, 32, np.random.RandomState(7))
    again = diet.similar_length_order(lengths, 32, np.random.RandomState(7))
    other = diet.similar_length_order(lengths, 32, np.random.RandomState(8))
    assert first.tolist() == again.tolist()
    assert first.tolist() != other.tolist()


def test_batches_are_padded_far_less_than_random_ones():
    """Lengths as this project's messages have them: mostly short, a few long."""
    rng = np.random.RandomState(1)
    lengths = np.minimum(rng.geometric(0.1, size=10_000), 55)
    random_order = rng.permutation(len(lengths))
    bucketed = diet.similar_length_order(lengths, 128, rng)
    assert padded_words(lengths, random_order, 128) > 2 * lengths.sum()
    assert padded_words(lengths, bucketed, 128) < 1.25 * lengths.sum()


def test_a_batch_size_below_one_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        diet.similar_length_order(np.array([3, 1]), 0, np.random.RandomState(0))


def model_data(lengths: list[int]) -> RasaModelData:
    ids = np.arange(len(lengths), dtype=np.float64).reshape(-1, 1)
    return RasaModelData(
        label_key=LABEL,
        label_sub_key="ids",
        data={
            TEXT: {SEQUENCE_LENGTH: [FeatureArray(np.array(lengths), number_of_dimensions=1)]},
            LABEL: {"ids": [FeatureArray(ids, number_of_dimensions=2)]},
        },
    )


def test_the_generator_hands_rasa_batches_of_similar_length():
    np.random.seed(3)
    lengths = [1, 9, 2, 8, 3, 7, 4, 6, 5, 10, 1, 9]
    generator = diet.SimilarLengthBatchGenerator(model_data(lengths), batch_size=4, epochs=1)
    ordered = diet.text_lengths(generator._data)
    assert ordered is not None and sorted(ordered.tolist()) == sorted(lengths)
    batches = sorted(sorted(ordered[i : i + 4].tolist()) for i in range(0, len(lengths), 4))
    assert batches == [[1, 1, 2, 3], [4, 5, 6, 7], [8, 9, 9, 10]]
    ids = generator._data[LABEL]["ids"][0].reshape(-1).astype(int)
    assert [lengths[i] for i in ids] == ordered.tolist()  # the labels moved with their messages


def test_without_text_sequences_rasas_order_is_kept():
    assert diet.text_lengths({}) is None
    assert diet.text_lengths({TEXT: {}}) is None


def test_rasas_generator_is_back_after_training_even_on_error():
    with pytest.raises(RuntimeError), diet.similar_length_batches():
        assert rasa.utils.train_utils.RasaBatchDataGenerator is diet.SimilarLengthBatchGenerator
        raise RuntimeError("training failed")
    assert rasa.utils.train_utils.RasaBatchDataGenerator is RasaBatchDataGenerator


def test_config_yml_trains_this_diet():
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    names = [component["name"] for component in config["pipeline"]]
    assert "bot.components.diet.SimilarLengthDIETClassifier" in names
    assert "DIETClassifier" not in names
