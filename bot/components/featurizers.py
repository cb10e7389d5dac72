"""Rasa's sparse featurizers, cheaper on the training data; a turn is featurized as before.

Every feature matrix a featurizer makes during training is fingerprinted by Rasa's training
cache, by writing each non-zero value out as text ("  (0, 17)\\t1") and hashing the text; and
Rasa's ``CountVectorsFeaturizer.process`` calls scikit-learn's ``transform`` twice per message and
attribute. On the training data (8,000 examples and the domain's actions), `py-spy` on a
fine-tune (2026-12-06) found a quarter of the run in those fingerprints and a tenth in the count
featurizer's own loop. The subclasses here keep Rasa's settings, vocabularies and model files:

* their features are fingerprinted by hashing their arrays (shape, type, indices and values),
  not their text: the same content gives the same fingerprint, other content another one;
* the count featurizer featurizes the training data with one ``transform`` per attribute, over
  every message's tokens, cut back into one matrix per message (counting is row by row, so the
  matrices are the ones the per-message calls give; a turn, one message, takes Rasa's path).
"""

from __future__ import annotations

import hashlib
from collections import Counter

import numpy as np
import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.featurizers.sparse_featurizer.lexical_syntactic_featurizer import (
    LexicalSyntacticFeaturizer,
)
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from bot.components.source import KeyedBySource


class ArrayFingerprintFeatures(Features):
    """Sparse features whose fingerprint hashes the matrix's arrays instead of its text."""

    _cached_fingerprint: str | None

    def fingerprint(self) -> str:
        if self._cached_fingerprint is None:
            matrix = self.features.tocoo()
            digest = hashlib.sha256()
            for part in (self.type, repr(self.origin), self.attribute, repr(matrix.shape)):
                digest.update(part.encode() + b"\0")
            for array in (matrix.row, matrix.col, matrix.data):
                digest.update(array.dtype.str.encode() + b"\0")
                digest.update(np.ascontiguousarray(array).tobytes())
            self._cached_fingerprint = digest.hexdigest()
        return self._cached_fingerprint


class ArrayFingerprints(KeyedBySource):
    """Mixin for a Rasa featurizer: its features are :class:`ArrayFingerprintFeatures`."""

    _identifier: str

    def add_features_to_message(
        self,
        sequence: scipy.sparse.spmatrix | None,
        sentence: scipy.sparse.spmatrix | None,
        attribute: str,
        message: Message,
    ) -> None:
        for kind, matrix in ((FEATURE_TYPE_SEQUENCE, sequence), (FEATURE_TYPE_SENTENCE, sentence)):
            if matrix is not None:
                message.add_features(
                    ArrayFingerprintFeatures(matrix, kind, attribute, self._identifier)
                )


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class FingerprintedLexicalSyntacticFeaturizer(ArrayFingerprints, LexicalSyntacticFeaturizer):
    """Rasa's featurizer of word shapes (case, prefixes, position) with array fingerprints."""


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class BatchedCountVectorsFeaturizer(ArrayFingerprints, CountVectorsFeaturizer):
    """Rasa's count featurizer, the training data in one call per attribute, array fingerprints,
    and a fine-tune that keeps ``max_features``."""

    def _fit_loaded_vectorizer(self, attribute: str, attribute_texts: list[str]) -> None:
        """A fine-tune's new vocabulary, within ``max_features`` when there is a cap.

        Rasa's fine-tune adds every item of the whole training data the vocabulary lacks and
        ignores the cap: one example added to ``data/nlu`` grew the letter n-grams from 6,000
        to 16,506 (2026-12-06), the ones the cap had left out of the full training, each a new
        input to DIET with untrained weights in 3 epochs, and a model of 72 MB instead of 42.
        With a cap, the most frequent new items fill what room is left under it (none once the
        vocabulary is full, as after a full training); without one, Rasa's way.
        """
        if not self.max_features:
            super()._fit_loaded_vectorizer(attribute, attribute_texts)
            return
        vectorizer = self.vectorizers[attribute]
        room = self.max_features - len(vectorizer.vocabulary)
        if room <= 0:
            return
        analyze = vectorizer.build_analyzer()
        counts = Counter(
            item
            for text in attribute_texts
            for item in analyze(text)
            if item not in vectorizer.vocabulary
        )
        most_frequent = sorted(counts, key=lambda item: (-counts[item], item))[:room]
        self._update_vectorizer_vocabulary(attribute, set(most_frequent))

    def process(self, messages: list[Message]) -> list[Message]:
        if self.vectorizers is None or len(messages) < 2:
            return super().process(messages)
        for attribute in self._attributes:
            self._featurize(attribute, messages)
        return messages

    def _featurize(self, attribute: str, messages: list[Message]) -> None:
        vectorizer = self.vectorizers.get(attribute)
        if not vectorizer:
            return
        tokenized = [
            (message, tokens)
            for message in messages
            if (tokens := self._get_processed_message_tokens_by_attribute(message, attribute))
        ]
        if not tokenized:
            return
        counts = _Rows(vectorizer.transform([token for _, tokens in tokenized for token in tokens]))
        sentences = (
            _Rows(vectorizer.transform([" ".join(tokens) for _, tokens in tokenized]))
            if attribute in DENSE_FEATURIZABLE_ATTRIBUTES
            else None
        )
        start = 0
        for row, (message, tokens) in enumerate(tokenized):
            sequence = counts.between(start, start + len(tokens))
            sentence = None if sentences is None else sentences.between(row, row + 1)
            self.add_features_to_message(sequence, sentence, attribute, message)
            start += len(tokens)


class _Rows:
    """A CSR matrix cut into row ranges, each as ``transform(...)`` of those rows alone returns
    it after ``sort_indices().tocoo()``: without scipy's slicing, the slowest part of a cut."""

    def __init__(self, matrix: scipy.sparse.csr_matrix) -> None:
        matrix.sort_indices()
        self.indptr, self.indices, self.data = matrix.indptr, matrix.indices, matrix.data
        self.columns = matrix.shape[1]

    def between(self, start: int, end: int) -> scipy.sparse.coo_matrix:
        first, last = self.indptr[start], self.indptr[end]
        rows = np.repeat(
            np.arange(end - start, dtype=self.indices.dtype), np.diff(self.indptr[start : end + 1])
        )
        return scipy.sparse.coo_matrix(
            (self.data[first:last], (rows, self.indices[first:last])),
            shape=(end - start, self.columns),
        )
