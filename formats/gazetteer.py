"""Places and language names in a message, found in lists of names rather than learned.

The assistant needs a place ("shelters in Houston", "estoy en el condado de Pima") to look up
local help, and a language name ("in Spanish", "en inglés") to switch languages. Both are closed
sets that a list covers better than a classifier: every US state, county and city of 15,000 people
or more (``bot.components.gazetteer`` builds the list from GeoNames at training time), in English
and Spanish, typed with or without accents and capitals. Any city of the list is found, not only
the ones the training examples happened to name, and a message gives the same places on every
machine.

A name that is also an ordinary word ("mobile", "mesa", "el centro", "socorro") is a place only
when written as a name (capitals, in a message that is not all capitals) or followed by a state
("mesa az"). A name inside a person's name ("Hector Salinas", :func:`formats.names.name_spans`)
is not a place unless a state follows or a word such as "in" or "en" comes before it.
"County"/"condado de" around a capitalised name makes it a place. A language is found only when
the message names one language: "my English is not good, en español" names two, and which one
the person wants is the language action's business.

Matching is on folded words (``formats.text``), longest name first, linear in the message.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from formats.names import name_spans
from formats.text import fold

# Words before a place ("help in Houston", "cerca de Tucson", "from El Paso").
PLACE_PREPOSITIONS = frozenset(
    ["in", "near", "around", "at", "from", "outside", "en", "cerca", "desde", "hacia"]
)
COUNTY_AFTER = frozenset({"county", "parish", "co"})  # Harris County, Orleans Parish
COUNTY_BEFORE = frozenset({"condado", "parroquia"})  # condado de Harris
# Two-letter state codes are places right after a place ("Houston, TX", "Lubbock tx"); "in",
# "me", "or", "ok", "hi", "oh" only in capitals there, being words first.
LANGUAGE_NAMES = {
    "english": "en", "ingles": "en", "inglish": "en",
    "spanish": "es", "espanol": "es", "castellano": "es", "spanich": "es",
}  # fmt: skip
MAX_NAME_WORDS = 5
MAX_STATE_WORDS = 3  # carolina del norte
_FIELDS = ("names", "state_names", "state_codes", "ordinary_words")
_TOKEN = re.compile(r"[^\W_]+(?:['\u2019.][^\W_]+)*")


@dataclass(frozen=True)
class Found:
    """One entity: where it is in the text, the text itself, and its value."""

    entity: str  # "location" or "language"
    start: int
    end: int
    text: str
    value: str
    end_token: int  # the index of the token after it


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str
    folded: str


def fold_name(name: str) -> str:
    """A name as the gazetteer keeps it: folded words joined by single spaces."""
    return " ".join(_fold_token(token) for token in _TOKEN.findall(name))


@dataclass(frozen=True)
class Gazetteer:
    """Place names and state names (folded, see :func:`fold_name`), the states' postal codes, and
    the ordinary words (a name made only of them needs to be written as a name)."""

    names: frozenset[str]
    state_names: frozenset[str]
    state_codes: frozenset[str]
    ordinary_words: frozenset[str]

    @classmethod
    def build(
        cls,
        places: Iterable[str],
        states: Iterable[str],
        state_codes: Iterable[str],
        ordinary_words: Iterable[str],
    ) -> Gazetteer:
        state_names = {fold_name(state) for state in states} - {""}
        return cls(
            frozenset({fold_name(place) for place in places} - {""}) | state_names,
            frozenset(state_names),
            frozenset(code.upper() for code in state_codes),
            frozenset(fold_name(word) for word in ordinary_words),
        )

    def to_json(self) -> dict[str, list[str]]:
        return {field: sorted(getattr(self, field)) for field in _FIELDS}

    @classmethod
    def from_json(cls, data: Mapping[str, list[str]]) -> Gazetteer:
        return cls(*(frozenset(data[field]) for field in _FIELDS))

    def find(self, text: str) -> list[Found]:
        """The places and language names in ``text``, left to right, never overlapping."""
        reading = _Reading(text, self)
        found: list[Found] = []
        i = 0
        while i < len(reading.tokens):
            end = reading.place_at(i, after_place=bool(found) and found[-1].end_token == i)
            if end is None:
                i += 1
                continue
            span = text[reading.tokens[i].start : reading.tokens[end - 1].end]
            found.append(Found("location", reading.tokens[i].start,
                               reading.tokens[end - 1].end, span, span, end))  # fmt: skip
            i = end
        return sorted(found + reading.language(), key=lambda f: f.start)


class _Reading:
    """One message, tokenised and folded, with what the rules ask of it."""

    def __init__(self, text: str, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.tokens = [_Token(m.start(), m.end(), m.group(), _fold_token(m.group()))
                       for m in _TOKEN.finditer(text)]  # fmt: skip
        letters = [c for c in text if c.isalpha()]
        self.shouting = bool(letters) and all(c.isupper() for c in letters)
        self.text = text

    @functools.cached_property
    def people(self) -> list[tuple[int, int]]:
        """Where the message names a person: read only when a place name is found, since most
        messages name none."""
        return name_spans(self.text)

    def language(self) -> list[Found]:
        named = [t for t in self.tokens if t.folded in LANGUAGE_NAMES]
        if len({LANGUAGE_NAMES[t.folded] for t in named}) != 1:
            return []
        return [Found("language", t.start, t.end, t.text, LANGUAGE_NAMES[t.folded], 0)
                for t in named]  # fmt: skip

    def words(self, i: int, length: int) -> str:
        return " ".join(t.folded for t in self.tokens[i : i + length])

    def place_at(self, i: int, after_place: bool) -> int | None:
        """Where the place starting at token ``i`` ends (exclusive), or None."""
        if after_place:  # "Houston, TX", "miami florida", "Albuquerque new mexico"
            state = self._state_at(i)
            if state is not None:
                return state
        if i > 0 and self.tokens[i - 1].folded in PLACE_PREPOSITIONS and self._capital_code(i):
            return i + 1  # "in TX"
        county = self._county_at(i)
        if county is not None:
            return county
        for length in range(min(MAX_NAME_WORDS, len(self.tokens) - i), 0, -1):
            if self.words(i, length) in self.gazetteer.names and self._reads_as_place(i, length):
                return i + length
        return None

    def _state_at(self, i: int) -> int | None:
        """Where a state's name or code starting at token ``i`` ends, or None."""
        if self._state_code(i):
            return i + 1
        for length in range(min(MAX_STATE_WORDS, len(self.tokens) - i), 0, -1):
            if self.words(i, length) in self.gazetteer.state_names:
                return i + length
        return None

    def _capital_code(self, i: int) -> bool:
        token = self.tokens[i].text
        return not self.shouting and token.isupper() and token in self.gazetteer.state_codes

    def _state_code(self, i: int) -> bool:
        token = self.tokens[i]
        if token.text.upper() not in self.gazetteer.state_codes:
            return False
        return token.text[:1].isupper() or token.folded not in self.gazetteer.ordinary_words

    def _county_at(self, i: int) -> int | None:
        """ "Harris County", "condado de Harris": the name and the word that makes it a county."""
        tokens = self.tokens
        if tokens[i].folded in COUNTY_BEFORE and i + 1 < len(tokens):
            start = i + 2 if tokens[i + 1].folded in {"de", "del"} else i + 1
            for length in range(min(MAX_NAME_WORDS - 1, len(tokens) - start), 0, -1):
                if self._named(start, length):
                    return start + length
            return None
        for length in range(min(MAX_NAME_WORDS - 1, len(tokens) - i - 1), 0, -1):
            if tokens[i + length].folded in COUNTY_AFTER and self._named(i, length):
                return i + length + 1
        return None

    def _named(self, i: int, length: int) -> bool:
        """A known name, or written as one (capitals, in a message that is not all capitals)."""
        return self.words(i, length) in self.gazetteer.names or (
            not self.shouting and _capitalized(self.tokens[i : i + length])
        )

    def _reads_as_place(self, i: int, length: int) -> bool:
        if self._state_follows(i + length):
            return True
        after_preposition = i > 0 and self.tokens[i - 1].folded in PLACE_PREPOSITIONS
        if self._in_a_persons_name(i, length) and not after_preposition:
            return False
        if after_preposition and self.words(i, length) in self.gazetteer.state_names:
            return True  # "vivo en florida", "moved to colorado"
        words = self.words(i, length).split()
        if not all(word in self.gazetteer.ordinary_words for word in words):
            return True
        # An ordinary word too: a place only where it is written as a name.
        return (
            not self.shouting
            and _capitalized(self.tokens[i : i + length])
            and (i > 0 or length > 1)
        )

    def _in_a_persons_name(self, i: int, length: int) -> bool:
        start, end = self.tokens[i].start, self.tokens[i + length - 1].end
        return any(s < end and start < e for s, e in self.people)

    def _state_follows(self, after: int) -> bool:
        return after < len(self.tokens) and self._state_at(after) is not None


def _capitalized(tokens: list[_Token]) -> bool:
    """Written as a name: every word starts with a capital letter (the callers check first that
    the message is not all capitals, where a capital says nothing)."""
    return all(t.text[:1].isupper() for t in tokens)


def _fold_token(token: str) -> str:
    return fold(token).replace("'", "").replace("\u2019", "").replace(".", "")
