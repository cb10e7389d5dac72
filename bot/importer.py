"""The training-data importer ``config.yml`` names: Rasa's file importer, parsing each file set
once per process.

Rasa 3.6's ``RasaFileImporter`` caches nothing, and one ``rasa train`` asks for the same data many
times: the validation before training and the training each build an importer, the stories are
parsed again for every request of the NLU data (stories carry examples too), and the domain is
parsed again for every request of the stories. With this project's 18 domain files and 4,000 NLU
examples each parse takes seconds of pure-Python YAML reading and schema checking, and a training
parsed the NLU files 7 times before its first epoch (``rasa train --debug``, 2026-12-05).

Here each answer is remembered under the SHA-256 of the files it was read from, so a file that
changes is read again and nothing stale is ever returned. Every caller gets its own copy (a
pickle round trip): Rasa adds to the training data it is given, and one caller's additions must
not reach the next.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.structures import StoryGraph
from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.nlu.training_data.training_data import TrainingData

T = TypeVar("T")

_parsed: dict[tuple[str, ...], bytes] = {}


def files_digest(paths: Iterable[str | Path]) -> str:
    """SHA-256 over the names and contents of these files (a folder: every file under it)."""
    digest = hashlib.sha256()
    for name in sorted(str(p) for p in paths):
        path = Path(name)
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file).encode() + b"\0")
            digest.update((file.read_bytes() if file.is_file() else b"missing") + b"\0")
    return digest.hexdigest()


def remembered(key: tuple[str, ...], parse: Callable[[], T]) -> T:
    """``parse()``'s answer for ``key``, parsed once; each call returns a fresh copy."""
    if key not in _parsed:
        _parsed[key] = pickle.dumps(parse(), protocol=pickle.HIGHEST_PROTOCOL)
    copy: T = pickle.loads(_parsed[key])  # noqa: S301 (bytes this process made, in memory)
    return copy


class CachingFileImporter(RasaFileImporter):
    """``RasaFileImporter`` that parses the domain, stories and NLU files once per process."""

    def _domain_key(self) -> str:
        return files_digest([self._domain_path] if self._domain_path else [])

    def get_domain(self) -> Domain:
        return remembered(("domain", self._domain_key()), super().get_domain)

    def get_stories(self, exclusion_percentage: int | None = None) -> StoryGraph:
        key = ("stories", files_digest(self._story_files), self._domain_key())
        if exclusion_percentage:  # a random share left out: a new draw every time, as in Rasa
            return super().get_stories(exclusion_percentage)
        return remembered(key, super().get_stories)

    def get_conversation_tests(self) -> StoryGraph:
        key = ("tests", files_digest(self._conversation_test_files), self._domain_key())
        return remembered(key, super().get_conversation_tests)

    def get_nlu_data(self, language: str | None = "en") -> TrainingData:
        key = ("nlu", str(language), files_digest(self._nlu_files))
        return remembered(key, lambda: super(CachingFileImporter, self).get_nlu_data(language))
