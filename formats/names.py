"""People's full names: the lead-in removed ("my name is"), cased, and their initials.

Every parser takes the raw message (or speech transcript) and returns the normalised value, or
``None`` when the text does not hold exactly one valid value: ``None`` means "ask again".
"""

from __future__ import annotations

import re

from formats.name_words import (
    ABBREVIATIONS,
    FIRST_NAMES,
    ORDINARY_WORDS,
    SURNAMES,
    TITLES,
)
from formats.places import place_length
from formats.text import fold

# What introduces a person's name in a sentence: "my name is", "the offender's name is", "se
# llama", "el nombre del agresor es", "nombre:".
_NAMING = (
    r"(?:(?:his|her|their|my|your|the|[^\W\d_]+'?s)\s+){0,2}(?:(?:full|real|first|last)\s+)?name"
    r"(?:\s+of\s+(?:the|my|his|her|their)\s+[^\W\d_]+)?\s*(?:is\b|:|'s\b)"
    r"|(?:(?:su|el|mi)\s+)?(?:nombre|apellido)(?:\s+completo)?"
    r"(?:\s+(?:del|de\s+la|de\s+mi|de\s+su|de)\s+[^\W\d_]+)?\s+es\b|(?:nombre|apellido)\s*:"
    r"|se\s+llama(?:ba)?\b|me\s+llamo\b"
)
_NAME_LEAD_IN = re.compile(
    r"^\s*(?:" + _NAMING + r"|(?:it|he|she)(?:'s|\s+is)\b|i(?:'m|\s+am)\b|(?:es|soy)\b)\s*:?",
    re.IGNORECASE,
)
# The same, anywhere in a message; from the start of a word only, so each word is tried once.
NAME_LEAD_IN = re.compile(r"(?<![^\W\d_])(?:" + _NAMING + r")\s*:?", re.IGNORECASE)
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['\-][^\W\d_]+)*|[^\W\d_]\.")
# Single letters are not here: "JOHN E SMITH" has a middle initial, not the particle "e".
NAME_PARTICLES = {
    "de", "del", "la", "las", "los", "da", "das", "do", "dos", "di", "du", "van", "von", "der",
    "den", "le",
}  # fmt: skip
# Words that show the message is a sentence, not a name ("I don't know", "no sé").
_NOT_NAME_WORDS = {
    "i", "dont", "know", "not", "no", "is", "the", "what", "who", "why", "name", "nombre",
    "se", "que", "sabe", "sabes", "idea", "sure", "sorry", "unknown", "desconocido", "tengo",
    "have", "remember", "recuerdo", "was", "are", "am", "soy", "llama", "that", "this", "eso",
    "esto", "because", "porque", "siento",
}  # fmt: skip
_MAX_NAME_LENGTH = 100


def normalise_full_name(text: str) -> str | None:
    """A person's full name, tidied: "his name is JOSE o'neil-pérez" -> "Jose O'Neil-Pérez".

    Lead-ins ("his name is", "se llama", ...) are dropped and spaces collapsed. Words typed all
    in lower or upper case are title-cased (particles such as "de la" after the first word are
    lower-cased); mixed case ("McDonald") is kept. At least two words of letters (apostrophes,
    hyphens and initials like "F." allowed), at most 100 characters; otherwise None.
    """
    text = _NAME_LEAD_IN.sub("", text.replace("\u2019", "'"), count=1)
    words = text.strip().strip("\"'.!?,; ").split()
    if not words or not all(_NAME_WORD.fullmatch(word) for word in words):
        return None
    folded = [fold(word).replace("'", "") for word in words]
    if any(word in _NOT_NAME_WORDS for word in folded):
        return None
    if sum(word not in NAME_PARTICLES for word in folded) < 2:
        return None
    name = " ".join(_name_case(word, position) for position, word in enumerate(words))
    return name if len(name) <= _MAX_NAME_LENGTH else None


def _name_case(word: str, position: int) -> str:
    if word != word.lower() and word != word.upper():
        return word
    if position > 0 and fold(word) in NAME_PARTICLES:
        return word.lower()
    return word.title()


def name_initials(full_name: str) -> str:
    """ "John Doe" -> "J. D."; particles are skipped: "María de la Cruz" -> "M. C."."""
    return " ".join(
        f"{word[0].upper()}."
        for word in full_name.split()
        if word[0].isalpha() and fold(word) not in NAME_PARTICLES
    )


# --- names inside a message, for hiding them ------------------------------------------------

_TOKEN = re.compile(r"[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*")
_APOSTROPHES = re.compile(r"['\u2019]")
_POSSESSIVE = re.compile(r"['\u2019]s$")
_SENTENCE_END = re.compile(r"[.!?\n:;\u00a1\u00bf]")
# Words that say the next one is a name, whatever its case: "a man named pepe", "alias chuy".
_NAMED = {"named", "called", "llamado", "llamada", "alias", "aka", "apodado", "apodo"}
# After one of these, "llamada" and "llamado" are the noun, a call: "la llamada automatica".
_ARTICLES = {
    "la", "el", "una", "un", "esa", "ese", "esta", "este", "otra", "otro", "mi", "tu", "su",
    "cada", "primera", "ultima", "sin",
}  # fmt: skip
_A_CALL = {"llamada", "llamado"}
# Words before a place: "Elizabeth" after "in" is the city in New Jersey, not a person.
_PLACE_CUES = {
    "in", "at", "from", "near", "to", "of", "around", "en", "de", "desde", "hasta", "a",
    "cerca", "para", "por",
}  # fmt: skip
_SHORT_TITLES = TITLES & ABBREVIATIONS
_MOST_NAME_WORDS = 6
_MOST_WORDS_AFTER_LEAD_IN = 5


class _Word:
    """A word of the message and what the name rules need to know of it."""

    def __init__(self, match: re.Match[str], gap: str, previous: _Word | None) -> None:
        raw = _POSSESSIVE.sub("", match.group())  # "Ramirez's custody": the name is "Ramirez"
        self.start, self.end = match.start(), match.start() + len(raw)
        self.key = _APOSTROPHES.sub("", fold(raw))
        self.parts = [_APOSTROPHES.sub("", fold(part)) for part in raw.split("-")]
        self.capitalised = raw[0].isupper() and any(char.islower() for char in raw)
        self.shouted = len(raw) > 1 and raw.isupper()
        self.linked = previous is not None and gap != "" and gap.isspace() and "\n" not in gap
        self.sentence_start = previous is None or (
            _SENTENCE_END.search(gap) is not None
            and not (gap.lstrip().startswith(".") and previous.key in ABBREVIATIONS)
        )
        # "Mr. jankowski": any word after an abbreviated title (not "the judge decided").
        self.after_short_title = (
            previous is not None and previous.key in _SHORT_TITLES and gap.strip() in ("", ".")
        )
        self.after_article: bool = previous is not None and previous.key in _ARTICLES
        self.after_named = (
            previous is not None
            and previous.key in _NAMED
            and self.linked
            and not (previous.key in _A_CALL and previous.after_article)
        )
        self.after_place_cue = previous is not None and previous.key in _PLACE_CUES
        self.ordinary = all(part in ORDINARY_WORDS for part in self.parts)
        self.particle = self.key in NAME_PARTICLES
        self.known_name = any(part in FIRST_NAMES or part in SURNAMES for part in self.parts)
        self.place = False

    def could_be_name(self) -> bool:
        """Not an ordinary word, a place or a particle, and looks like a name."""
        if self.place or self.ordinary or self.particle:
            return False
        return self.known_name or self.capitalised or self.shouted


def name_spans(text: str) -> list[tuple[int, int]]:
    """Where the message names a person: after a lead-in ("my name is ana perez and ..."), a
    capitalised word that is not an ordinary one nor a place ("my ex Jose Villanueva", not "I
    live in Houston"), or a common first name or surname in any case ("mi hijo jose").

    A capitalised word that starts a sentence is taken only when it is a known name or another
    name word follows ("Xochitl Perez called"), since every sentence starts with one.
    Words in capitals ("PLEASE HELP") are taken only after a name ("JOSE VILLANUEVA").
    """
    words = _words_of(text)
    _mark_places(words)
    after_lead_in = _after_lead_ins(text, words)
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        if i in after_lead_in:
            last = max(j for j in after_lead_in[i])
        elif _starts_name(words, i):
            last = _name_end(words, i)
        else:
            i += 1
            continue
        spans.append((words[i].start, words[last].end))
        i = last + 1
    return spans


def _words_of(text: str) -> list[_Word]:
    words: list[_Word] = []
    end = 0
    for match in _TOKEN.finditer(text):
        previous = words[-1] if words else None
        words.append(_Word(match, text[end : match.start()], previous))
        end = match.end()
    return words


def _mark_places(words: list[_Word]) -> None:
    """Marks the words that name a place (in place). A place that is a person's name too
    ("Elizabeth", "Lawrence") counts as one after "in", "from", "en", ... only."""
    keys = [word.key for word in words]
    i = 0
    while i < len(words):
        length = place_length(keys, i)
        if length == 1 and words[i].known_name and not words[i].after_place_cue:
            length = 0
        for word in words[i : i + length]:
            word.place = True
        i += max(length, 1)


def _after_lead_ins(text: str, words: list[_Word]) -> dict[int, list[int]]:
    """For each name after a lead-in ("me llamo ana maria lopez, y ..."), its first word's index
    and all its words' indices: up to five words in a row that are not ordinary words."""
    starts = {word.start: index for index, word in enumerate(words)}
    found: dict[int, list[int]] = {}
    for lead_in in NAME_LEAD_IN.finditer(text):
        first = starts.get(lead_in.end() + _blank_length(text, lead_in.end()))
        if first is None or words[first].ordinary or words[first].particle:
            continue
        run = [first]
        for j in range(first + 1, min(first + _MOST_WORDS_AFTER_LEAD_IN, len(words))):
            if not words[j].linked or (words[j].ordinary and not words[j].particle):
                break
            run.append(j)
        while words[run[-1]].particle:
            run.pop()
        found[first] = run
    return found


def _blank_length(text: str, position: int) -> int:
    end = position
    while end < len(text) and text[end] in " \t":
        end += 1
    return end - position


def _starts_name(words: list[_Word], i: int) -> bool:
    word = words[i]
    if word.key == "jose" and [w.key for w in words[max(0, i - 2) : i]] == ["no", "way"]:
        return False  # "no way jose"
    if word.after_short_title or word.after_named:
        return not word.ordinary and not word.particle and not word.place
    if not word.could_be_name() or (word.shouted and not word.known_name):
        return False
    if word.known_name or not word.sentence_start:
        return True
    return i + 1 < len(words) and words[i + 1].linked and words[i + 1].could_be_name()


def _name_end(words: list[_Word], first: int) -> int:
    """The index of the last word of the name starting at ``first``: the name words that
    follow it, with particles between them ("Maria de la Cruz")."""
    last = first
    j = first + 1
    while j < len(words) and j - first < _MOST_NAME_WORDS and words[j].linked:
        if words[j].could_be_name():
            last = j
        elif not words[j].particle:
            break
        j += 1
    return last
