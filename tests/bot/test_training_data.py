"""The NLU data: every canonical intent in both languages, enough examples, test kept apart."""

import re

import pytest

from scripts.blind_eval import TrainingLines
from tests.bot.helpers import CANONICAL_INTENTS, examples

TRAINING = examples("data/nlu")
HELD_OUT = examples("tests/nlu")
MINIMUM = {"emergency": 60, "report_victimization": 40, "inform": 40}
# A held-out line this similar to a training line would flatter the quality gate.
MAX_SIMILARITY = 0.9


def normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


@pytest.mark.parametrize("intent", sorted(CANONICAL_INTENTS))
@pytest.mark.parametrize("language", ["en", "es"])
def test_enough_training_examples(intent, language):
    count = len(TRAINING[(intent, language)])
    assert count >= MINIMUM.get(intent, 25), f"{intent}/{language}: {count}"


@pytest.mark.parametrize("intent", sorted(CANONICAL_INTENTS))
@pytest.mark.parametrize("language", ["en", "es"])
def test_held_out_examples_exist(intent, language):
    assert len(HELD_OUT[(intent, language)]) >= (20 if intent == "emergency" else 10)


def test_only_english_and_spanish_blocks():
    assert {language for _, language in TRAINING} == {"en", "es"}
    assert {language for _, language in HELD_OUT} == {"en", "es"}


def test_held_out_examples_are_not_training_examples_or_near_copies():
    training = TrainingLines([t for texts in TRAINING.values() for t in texts], MAX_SIMILARITY)
    too_close = [
        (text, training.nearest(text))
        for texts in HELD_OUT.values()
        for text in texts
        if training.has_near(text)
    ]
    assert too_close == []


def test_no_example_has_two_intents():
    owner: dict[str, str] = {}
    clashes = []
    for (intent, _), texts in TRAINING.items():
        for text in texts:
            if owner.setdefault(normal(text), intent) != intent:
                clashes.append((text, owner[normal(text)], intent))
    assert clashes == []
