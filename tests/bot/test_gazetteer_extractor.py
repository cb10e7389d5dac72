"""The gazetteer entity extractor with its real lists (GeoNames' US places, the training data's
ordinary words): every place the NLU sets annotate is found, the test sets' other lines yield no
place, and the list travels inside the model."""

from __future__ import annotations

from functools import cache

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.gazetteer import GazetteerEntityExtractor, build_gazetteer
from formats.gazetteer import Gazetteer
from tests.bot.helpers import ROOT

ANNOTATED_SETS = ["data/nlu", "tests/nlu", "tests/nlu_dev"]
TEST_SETS = ["tests/nlu", "tests/nlu_dev"]


@cache
def examples_of(path: str) -> TrainingData:
    return load_data(str(ROOT / path))


def training_data() -> TrainingData:
    return examples_of("data/nlu")


@cache
def gazetteer() -> Gazetteer:
    return build_gazetteer(training_data())


def annotated_places(example: Message) -> set[str]:
    text = example.get("text")
    return {text[e["start"] : e["end"]] for e in example.get("entities") or []
            if e["entity"] == "location"}  # fmt: skip


def found_places(text: str) -> set[str]:
    return {f.text for f in gazetteer().find(text) if f.entity == "location"}


@pytest.mark.parametrize("path", ANNOTATED_SETS)
def test_every_annotated_place_is_found(path):
    missed = [
        (example.get("text"), annotated_places(example))
        for example in examples_of(path).training_examples
        if not annotated_places(example) <= found_places(example.get("text"))
    ]
    assert missed == []


@pytest.mark.parametrize("path", TEST_SETS)
def test_no_place_where_the_test_sets_have_none(path):
    extra = [
        (example.get("text"), found_places(example.get("text")) - annotated_places(example))
        for example in examples_of(path).training_examples
        if found_places(example.get("text")) - annotated_places(example)
    ]
    assert extra == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Cities no training example names, in any case and language.
        ("shelters near spokane", {"spokane"}),
        ("necesito ayuda en Brownsville", {"Brownsville"}),
        ("victim advocate in GREEN BAY", {"GREEN BAY"}),
        ("consejeria en Nueva York", {"Nueva York"}),
        ("grief counseling in Tulsa Oklahoma", {"Tulsa", "Oklahoma"}),
        ("estoy en el condado de Hidalgo", {"condado de Hidalgo"}),
        ("help in San Juan", {"San Juan"}),  # Puerto Rico
    ],
)
def test_places_beyond_the_training_examples(text, expected):
    assert found_places(text) == expected


@pytest.mark.parametrize(
    "text",
    ["my mobile phone died", "SOCORRO", "is Hector Salinas still in jail", "I hope so",
     "mi hijo esta en el centro", "ME AMENAZO OTRA VEZ"],
)  # fmt: skip
def test_everyday_words_and_people_are_not_places(text):
    assert found_places(text) == set()


def test_the_list_is_saved_in_the_model_and_used_when_answering(tmp_path):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("gazetteer")
    context = ExecutionContext(GraphSchema({}), "test")
    GazetteerEntityExtractor.create({}, storage, resource, context).train(training_data())
    loaded = GazetteerEntityExtractor.load({}, storage, resource, context)
    (message,) = loaded.process([Message.build("any shelters in Laredo? in spanish please")])
    entities = {(e["entity"], e["value"], e["extractor"]) for e in message.get("entities")}
    assert entities == {
        ("location", "Laredo", "GazetteerEntityExtractor"),
        ("language", "es", "GazetteerEntityExtractor"),
    }
