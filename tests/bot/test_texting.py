"""TextingNormalizer: training examples and messages are counted by the words they mean, and
nothing but the lemma the featurizers count changes."""

from __future__ import annotations

from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.texting import TextingNormalizer


def tokenized(text: str) -> Message:
    message = Message(data={TEXT: text})
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    message.set(TOKENS_NAMES[TEXT], tokenizer.tokenize(message, TEXT))
    return message


def lemmas(message: Message) -> list[str]:
    return [token.lemma for token in message.get(TOKENS_NAMES[TEXT])]


def test_a_texted_message_is_counted_by_the_words_it_means() -> None:
    message = tokenized("q ayuda dan xq no tengo Dinero porfaaaa")
    TextingNormalizer().process([message])
    assert lemmas(message) == [
        "que",
        "ayuda",
        "dan",
        "porque",
        "no",
        "tengo",
        "dinero",
        "por favor",
    ]


def test_the_text_and_the_tokens_stay_as_typed() -> None:
    message = tokenized("pls HELLLP rn")
    TextingNormalizer().process([message])
    assert message.get(TEXT) == "pls HELLLP rn"
    assert [token.text for token in message.get(TOKENS_NAMES[TEXT])] == ["pls", "HELLLP", "rn"]


def test_training_examples_are_read_as_messages_are() -> None:
    example = tokenized("Sí, kiero los avisos")
    example.set("intent", "register_notifications")
    message = tokenized("si quiero los avisos")
    normalizer = TextingNormalizer()
    normalizer.process_training_data(TrainingData([example]))
    normalizer.process([message])
    assert lemmas(example) == lemmas(message)


def test_a_message_without_tokens_is_left_alone() -> None:
    message = Message(data={TEXT: ""})
    TextingNormalizer().process([message])
    assert message.get(TOKENS_NAMES[TEXT]) is None
