"""UnknownWords: a message none of whose words the training examples hold is never an alarm by
the classifier's say-so alone; the danger rules still make real danger an emergency."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.emergency_guard import guard
from bot.components.unknown_words import UNKNOWN_KEY, all_unknown, overrule, words_of
from formats.danger import danger_categories
from scripts.nlu_data import read_examples
from tests.bot.helpers import ROOT

VOCABULARY = frozenset(
    word for example in read_examples(ROOT / "data" / "nlu") for word in words_of(example.text)
)
NONSENSE = [
    "blorp", "bleep bloop", "blerg", "xyzzy", "zxcvb plonk", "kwyjibo", "zorb", "florp snorp",
    "grumpf", "wibble wobble", "frobnicate", "skibidi", "pfff", "zzzz", "aaaaaa", "jklñ",
    "glorbo flarp", "bzzzt",
]  # fmt: skip


def classified(text: str, intent: str, confidence: float = 0.99, *ranked: str) -> Message:
    """A message as the classifier (and the FallbackClassifier) left it."""
    ranking = [{"name": name, "confidence": 0.1} for name in (intent, *ranked)]
    return Message(
        data={
            TEXT: text,
            INTENT: {"name": intent, "confidence": confidence},
            INTENT_RANKING_KEY: ranking,
        }
    )


def after_the_pipeline(message: Message) -> str:
    """The intent after this component and the EmergencyGuard that follows it."""
    overrule(message, VOCABULARY)
    guard(message)
    return str(message.get(INTENT)["name"])


@pytest.mark.parametrize("text", NONSENSE)
def test_nonsense_read_as_an_emergency_is_asked_again_not_an_alarm(text):
    message = classified(text, "emergency", 0.998)
    assert after_the_pipeline(message) == "nlu_fallback"
    assert message.get(INTENT_RANKING_KEY) == [{"name": "nlu_fallback", "confidence": 0.998}]
    assert message.get(UNKNOWN_KEY) == {"classifier_intent": "emergency"}


@pytest.mark.parametrize("text", NONSENSE[:4])
def test_nonsense_with_an_emergency_as_the_unsure_guess_is_not_an_alarm(text):
    message = classified(text, "nlu_fallback", 0.65, "emergency", "greet")
    assert after_the_pipeline(message) == "nlu_fallback"


@pytest.mark.parametrize(
    "text", ["socorroooo", "HEEELP", "auxilio", "hlep", "ayudaaaa", "sos", "911 xfavor"]
)
def test_real_danger_in_words_never_seen_is_still_an_emergency(text):
    assert after_the_pipeline(classified(text, "emergency")) == "emergency"


@pytest.mark.parametrize(
    ("text", "intent"),
    [("he is outside my house", "emergency"), ("blorp", "greet"), ("holitas", "greet")],
)
def test_known_words_or_other_intents_are_left_as_they_are(text, intent):
    message = classified(text, intent)
    assert after_the_pipeline(message) == intent
    assert message.get(UNKNOWN_KEY) is None


@pytest.mark.parametrize("folder", ["data/nlu", "tests/nlu", "tests/nlu_dev"])
def test_every_emergency_line_of_every_set_stays_an_emergency(folder: str):
    """Its words are known, or the danger rules hear it: no emergency of any set is overruled."""
    examples = [e for e in read_examples(ROOT / folder) if e.intent == "emergency"]
    assert examples
    overruled = [
        e.text
        for e in examples
        if all_unknown(e.text, VOCABULARY) and not danger_categories(e.text)
    ]
    assert overruled == []


def test_numbers_and_signs_alone_are_no_unknown_words():
    assert not all_unknown("4821", VOCABULARY)
    assert not all_unknown("?!", VOCABULARY)
    assert all_unknown("blorp 4821", VOCABULARY)


def test_the_vocabulary_is_saved_in_the_model(tmp_path: Path):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from bot.components.unknown_words import UnknownWords

    storage = LocalModelStorage(tmp_path)
    resource = Resource("unknown_words")
    context = ExecutionContext(GraphSchema({}), "test")
    data = TrainingData([Message(data={TEXT: "Help me now", INTENT: "emergency"})])
    UnknownWords.create({}, storage, resource, context).train(data)
    loaded = UnknownWords.load({}, storage, resource, context)
    assert loaded.learned == frozenset({"help", "me", "now"})
    (message,) = loaded.process([classified("blorp", "emergency")])
    assert message.get(INTENT)["name"] == "nlu_fallback"
