"""What the hotline's rule-based NLU components share: built without settings, the training data
passed on unchanged (``RuleComponent``); the rewriters, with nothing to train, add one function
that looks at each parsed message and may change its intent."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.source import KeyedBySource


class RuleComponent(KeyedBySource, GraphComponent):
    """A component of the hotline's own: built without settings, the training data passed on
    unchanged."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RuleComponent:
        return cls.built(model_storage, resource)

    @classmethod
    def built(cls, model_storage: ModelStorage, resource: Resource) -> RuleComponent:
        """A new one: a component with nothing to keep in the model needs neither argument."""
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


class IntentRewriter(RuleComponent):
    """Subclasses give their ``rewrite`` and register themselves with the recipe."""

    @staticmethod
    @abstractmethod
    def rewrite(message: Message) -> None:
        """Looks at one parsed message; may set its intent."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self.rewrite(message)
        return messages
