"""UnknownWords: no alarm on a message the model has never seen a word of.

DIET reads a message of words it never met ("blorp", "bleep bloop", "xyzzy") by its character
n-grams alone and can be all but certain of anything: "blorp" was an emergency at 0.998
(2026-12-06), so a texter's nonsense sent 911 advice and an urgent page to the specialists. The
issue's rule is the other way round: an off-topic or mocking message is never an alarm.

So when none of a message's words occurs in the training examples and the classifier called it
an emergency (or was unsure with an emergency as its best guess), the reading becomes
``nlu_fallback`` with nothing to guess: the assistant asks the person to say it another way and
reminds them of 911 (``action_clarify``), and a second such message reaches a specialist.

Real danger does not rest on this: ``EmergencyGuard`` runs after this component and the danger
rules (``formats.danger``: typos, elongations and both languages) still make it an emergency,
whatever the words. The vocabulary is the training examples' words, saved in the model.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.emergency_guard import EMERGENCY, FALLBACK, uncertain_about_emergency
from bot.components.stored import StoredComponent
from formats.text import fold_words

# Where the component says it overruled the classifier, and what the classifier had said.
UNKNOWN_KEY = "unknown_words"


def words_of(text: str) -> list[str]:
    """The message's words with a letter in them (numbers and signs are no words to know)."""
    return [word for word in fold_words(text) if any(char.isalpha() for char in word)]


def all_unknown(text: str, vocabulary: frozenset[str]) -> bool:
    """Whether the text has words and the training examples hold none of them."""
    words = words_of(text)
    return bool(words) and not any(word in vocabulary for word in words)


def reads_as_emergency(intent: dict[str, Any], ranking: list[dict[str, Any]]) -> bool:
    """An emergency, or unsure with an emergency as the best real guess."""
    return intent.get("name") == EMERGENCY or uncertain_about_emergency(intent, ranking)


def overrule(message: Message, vocabulary: frozenset[str]) -> None:
    intent = message.get(INTENT) or {}
    if not reads_as_emergency(intent, message.get(INTENT_RANKING_KEY) or []):
        return
    if not all_unknown(message.get(TEXT) or "", vocabulary):
        return
    unsure = {"name": FALLBACK, "confidence": float(intent.get("confidence") or 0.0)}
    message.set(INTENT, unsure, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [unsure], add_to_output=True)
    message.set(UNKNOWN_KEY, {"classifier_intent": intent.get("name")}, add_to_output=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class UnknownWords(StoredComponent):
    FILE = "vocabulary.json"

    @staticmethod
    def learn(training_data: TrainingData) -> frozenset[str]:
        texts = [example.get(TEXT) or "" for example in training_data.intent_examples]
        return frozenset(word for text in texts for word in words_of(text))

    @staticmethod
    def to_json(learned: frozenset[str]) -> Any:
        return sorted(learned)

    @staticmethod
    def from_json(data: Any) -> frozenset[str]:
        return frozenset(data)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            overrule(message, self.learned or frozenset())
        return messages
