"""What the hotline's trained rule components share: training learns one thing from the training
data (a gazetteer, a vocabulary), saved in the model as one JSON file and read back at load.
Subclasses say what they learn and how it is written; they are built without settings."""

from __future__ import annotations

import json
from abc import abstractmethod
from typing import Any, ClassVar

from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.rewriter import RuleComponent


class StoredComponent(RuleComponent):
    FILE: ClassVar[str]

    def __init__(
        self, model_storage: ModelStorage, resource: Resource, learned: Any = None
    ) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self.learned = learned

    @classmethod
    def built(cls, model_storage: ModelStorage, resource: Resource) -> StoredComponent:
        return cls(model_storage, resource)

    @staticmethod
    @abstractmethod
    def learn(training_data: TrainingData) -> Any:
        """What training keeps from the data."""

    @staticmethod
    @abstractmethod
    def to_json(learned: Any) -> Any:
        """``learned`` as JSON-serialisable data."""

    @staticmethod
    @abstractmethod
    def from_json(data: Any) -> Any:
        """What :meth:`to_json` wrote, back."""

    def train(self, training_data: TrainingData) -> Resource:
        self.learned = self.learn(training_data)
        with self._model_storage.write_to(self._resource) as directory:
            text = json.dumps(self.to_json(self.learned), ensure_ascii=False)
            (directory / self.FILE).write_text(text, encoding="utf-8")
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> StoredComponent:
        with model_storage.read_from(resource) as directory:
            data = json.loads((directory / cls.FILE).read_text(encoding="utf-8"))
        return cls(model_storage, resource, cls.from_json(data))
