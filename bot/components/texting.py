"""TextingNormalizer: the classifier reads each word by the spelling it means.

After the tokenizer and before the featurizers, each token's lemma (the form Rasa's
``CountVectorsFeaturizer`` counts, words and character n-grams alike) becomes
:func:`formats.texting.normal_word` of its text: no accents, no stretched letters, texting
shorthand spelled out ("xq" -> "porque", "pls" -> "please"). Training examples and messages go
through the same reading, so a texter's "q ayuda dan xq no tengo $" meets the words of "¿qué
ayuda dan porque no tengo dinero?". The text and the tokens' text stay as typed: the entity
extractors, the danger rules and the lexical featurizer still see them.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.rewriter import RuleComponent
from formats.texting import normal_word


def normalise_tokens(message: Message) -> None:
    for token in message.get(TOKENS_NAMES[TEXT]) or []:
        token.lemma = normal_word(token.text)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class TextingNormalizer(RuleComponent):
    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            normalise_tokens(example)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            normalise_tokens(message)
        return messages
