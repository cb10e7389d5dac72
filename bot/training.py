"""Run Rasa's training with the hotline's four training fixes: ``python -m bot.training train ...``.

Under py-spy (2026-12-06), most of an examples-only fine-tune was Python outside TensorFlow, and
four of its costs buy nothing:

1. **Fingerprints for a cache that is off.** Rasa's ``TrainingHook`` fingerprints every graph
   node's inputs before it runs and its output after: the whole training data, every message's
   tokens one by one, after each of the nine NLU nodes, so that the training cache could
   restore an unchanged component next time. A fine-tune never has one to restore (it runs
   because the examples changed, and every NLU component reads them), so ``scripts/train.py``
   turns the cache off for it (``RASA_MAX_CACHE_SIZE=0``, Rasa's own switch). Rasa still
   computed every fingerprint and then threw it away; the hook below computes none when the
   cache is off (a fine-tune: 75.9 s before, 71.4 s after). With the cache on, it is Rasa's
   hook, unchanged.
2. **The model package at gzip's slowest level.** Rasa packs the model with ``tarfile``'s
   default, level 9: 4.0 s for this 51 MB model, against 1.2 s at level 1 for a file 1.3%
   larger (42.6 vs 43.2 MB, measured on one model). Reading is as fast at either level.
3. **Every message fingerprinted four times while the data is read.** Rasa's importers merge
   the training data four times, and each merge "sanitises" every example by setting its intent
   again, stripped of spaces, which makes the message forget its fingerprint, computed again at
   once to drop duplicates. Here a value that is already clean is not set again: the same
   examples, the same duplicates dropped, each fingerprint computed once.
4. **One scipy ``hstack`` per message and feature.** DIET combines each message's sparse
   features (letters, words, word shapes) one pair at a time with ``scipy.sparse.hstack``,
   126 microseconds a pair here, about 30,000 pairs a training. Two COO matrices side by side
   are their entries laid end to end, the second's columns shifted: 32 microseconds, the same
   matrix (``tests/bot/test_training.py`` compares them).

Everything else is Rasa's own command line, unchanged. None of it changes what is learned: the
same data in, the same model out.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import numpy as np
import rasa.engine.storage.local_model_storage
import rasa.engine.training.graph_trainer
import scipy.sparse
from rasa.engine.caching import CACHE_SIZE_ENV, DEFAULT_CACHE_SIZE_MB, TrainingCache
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.storage import ModelStorage
from rasa.engine.training.hooks import TrainingHook
from rasa.shared.nlu.constants import INTENT, RESPONSE
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from tarsafe import TarSafe

from bot.rasa_cli import run_rasa

# The model package's gzip level (see the module's docstring).
PACKAGE_COMPRESSION_LEVEL = 1


def cache_is_off() -> bool:
    """Rasa's own test (``LocalTrainingCache``): a maximum cache size of 0 MB turns it off."""
    return float(os.environ.get(CACHE_SIZE_ENV, DEFAULT_CACHE_SIZE_MB)) == 0.0


class CacheAwareTrainingHook(TrainingHook):
    """Rasa's ``TrainingHook``, which fingerprints nothing when there is no cache to fill."""

    def __init__(
        self, cache: TrainingCache, model_storage: ModelStorage, pruned_schema: GraphSchema
    ) -> None:
        super().__init__(cache=cache, model_storage=model_storage, pruned_schema=pruned_schema)
        self._cache_off = cache_is_off()

    def on_before_node(
        self,
        node_name: str,
        execution_context: ExecutionContext,
        config: dict[str, Any],
        received_inputs: dict[str, Any],
    ) -> dict:
        if self._cache_off:
            return {}
        return super().on_before_node(node_name, execution_context, config, received_inputs)

    def on_after_node(
        self,
        node_name: str,
        execution_context: ExecutionContext,
        config: dict[str, Any],
        output: Any,
        input_hook_data: dict,
    ) -> None:
        if self._cache_off:
            return
        super().on_after_node(node_name, execution_context, config, output, input_hook_data)


class FasterPackingTarSafe(TarSafe):
    """``TarSafe`` (Rasa's safe ``TarFile``) writing gzip at ``PACKAGE_COMPRESSION_LEVEL``."""

    @classmethod
    def gzopen(
        cls,
        name: Any,
        mode: str = "r",
        fileobj: Any = None,
        compresslevel: int = PACKAGE_COMPRESSION_LEVEL,
        **kwargs: Any,
    ) -> Any:
        return super().gzopen(name, mode, fileobj, compresslevel, **kwargs)


def sanitize_examples(examples: list[Message]) -> list[Message]:
    """``TrainingData.sanitize_examples`` (intents and responses stripped of surrounding spaces,
    duplicates dropped), setting only what the stripping changes."""
    for example in examples:
        for key in (INTENT, RESPONSE):
            value = example.get(key)
            if value and value.strip() != value:
                example.set(key, value.strip())
    return list(dict.fromkeys(examples))


def side_by_side(left: Any, right: Any) -> Any:
    """``scipy.sparse.hstack([left, right])`` for two sparse matrices of as many rows."""
    if not (scipy.sparse.isspmatrix_coo(left) and scipy.sparse.isspmatrix_coo(right)):
        return scipy.sparse.hstack([left, right])
    return scipy.sparse.coo_matrix(
        (
            np.concatenate([left.data, right.data]),
            (
                np.concatenate([left.row, right.row]),
                np.concatenate([left.col, right.col + left.shape[1]]),
            ),
        ),
        shape=(left.shape[0], left.shape[1] + right.shape[1]),
    )


def combine_sparse_features(self: Features, additional_features: Features) -> None:
    """``Features._combine_sparse_features``, with ``side_by_side``."""
    if self.features.shape[0] != additional_features.features.shape[0]:
        raise ValueError(
            f"Cannot combine sparse features as sequence dimensions do not "
            f"match: {self.features.shape[0]} != "
            f"{additional_features.features.shape[0]}."
        )
    self.features = side_by_side(self.features, additional_features.features)
    self._cached_fingerprint = None


def install() -> None:
    rasa.engine.training.graph_trainer.TrainingHook = CacheAwareTrainingHook
    rasa.engine.storage.local_model_storage.TarSafe = FasterPackingTarSafe
    TrainingData.sanitize_examples = staticmethod(sanitize_examples)
    Features._combine_sparse_features = combine_sparse_features


def main(argv: list[str]) -> None:
    run_rasa(argv, install)


if __name__ == "__main__":
    main(sys.argv[1:])
