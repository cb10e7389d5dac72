"""The NLU data: every canonical intent in both languages, enough examples, test kept apart."""

import pytest

from tests.bot.helpers import CANONICAL_INTENTS, examples

TRAINING = examples("data/nlu")
HELD_OUT = examples("tests/nlu")
MINIMUM = {"emergency": 60, "report_victimization": 40, "inform": 40}


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


def test_held_out_examples_are_not_training_examples():
    def normal(text):
        return " ".join(text.casefold().split())

    training = {normal(t) for texts in TRAINING.values() for t in texts}
    leaked = [t for texts in HELD_OUT.values() for t in texts if normal(t) in training]
    assert leaked == []


def test_no_example_has_two_intents():
    owner = {}
    clashes = []
    for (intent, _), texts in TRAINING.items():
        for text in texts:
            key = " ".join(text.casefold().split())
            if owner.setdefault(key, intent) != intent:
                clashes.append((text, owner[key], intent))
    assert clashes == []
