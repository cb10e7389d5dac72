"""Countries as people name them (in English or Spanish, by name, demonym or code).

Every parser takes the raw message (or speech transcript) and returns the normalised value, or
``None`` when the text does not hold exactly one valid value: ``None`` means "ask again".
"""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale

from formats.text import fold_phrase, is_spanish

# Codes babel lists that are not ISO 3166-1 countries: exceptionally reserved (AC, CP, CQ, DG,
# EA, EU, EZ, IC, TA, UN) and user-assigned (QO, XA, XB, XK, ZZ).
_NOT_COUNTRIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}
)
# Demonyms and other names for the countries most common in this caseload. Spanish words
# ending in "o" also match their feminine and plural forms; other words their plural with "s".
_COUNTRY_ALIASES = {
    "MX": ("mexican", "mexicano", "mejico"),
    "GT": ("guatemalan", "guatemalteco", "guate"),
    "HN": ("honduran", "hondureño"),
    "SV": ("salvadoran", "salvadorean", "salvadorian", "salvadoreño"),
    "NI": ("nicaraguan", "nicaragüense"),
    "CU": ("cuban", "cubano"),
    "DO": ("dominican", "dominicano", "rep dominicana"),
    "HT": ("haitian", "haitiano"),
    "VE": ("venezuelan", "venezolano"),
    "CO": ("colombian", "colombiano", "columbia"),
    "EC": ("ecuadorian", "ecuadoran", "ecuatoriano"),
    "PE": ("peruvian", "peruano"),
    "CN": ("chinese", "chino", "prc"),
    "IN": ("indian",),
    "PH": ("filipino", "philippine"),
    "VN": ("vietnamese", "vietnamita", "viet nam"),
    "JM": ("jamaican", "jamaicano", "jamaiquino"),
    "BR": ("brazilian", "brasileño", "brasileiro"),
    "US": ("usa", "u s a", "united states of america", "american", "estadounidense",
           "norteamericano", "eeuu", "ee uu", "estados unidos de america", "the states"),
}  # fmt: skip
# Too common as ordinary words to look for inside a sentence: only a whole message counts.
_WHOLE_MESSAGE_COUNTRIES = {"us": "US", "u s": "US", "america": "US"}
# Places whose names contain a country's name but are not that country.
_NOT_COUNTRY_PLACES = ("new mexico", "nuevo mexico", "new jersey", "nueva jersey")


def parse_country(text: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of the one country the text names: "soy de México" -> "MX".

    Country names in English and Spanish (from babel), accents and case ignored, plus demonyms
    for the caseload's common countries ("salvadoreña" -> "SV"). Two countries give None.
    """
    words = fold_phrase(text)
    if words in _WHOLE_MESSAGE_COUNTRIES:
        return _WHOLE_MESSAGE_COUNTRIES[words]
    aliases, pattern = _country_matcher()
    found = {aliases[match.group(1)] for match in pattern.finditer(words)} - {""}
    return found.pop() if len(found) == 1 else None


def country_code(text: str) -> str | None:
    """An ISO code as systems send it ("MX", "mx"), or else a country name (``parse_country``).

    For API fields, where a two-letter value is a code; never for what people type, where
    "in" and "us" are words.
    """
    stripped = text.strip().upper()
    if len(stripped) == 2:
        return stripped if _is_country_code(stripped) else None
    return parse_country(text)


def is_country_name(words: str) -> bool:
    """Whether folded words (:func:`formats.text.fold_phrase`) name a country or its people,
    or a place named after one ("new mexico"): "mexico", "guatemaltecas", "el salvador"."""
    return words in _country_matcher()[0]


def country_name(code: str, language: str) -> str:
    """The country's name in Spanish when ``language`` is Spanish, else in English.

    Raises ValueError for a code that is not a country (``parse_country`` never returns one).
    """
    code = code.upper()
    if not _is_country_code(code):
        raise ValueError(f"not an ISO 3166-1 alpha-2 country code: {code!r}")
    return str(Locale("es" if is_spanish(language) else "en").territories[code])


def _is_country_code(code: str) -> bool:
    return (
        len(code) == 2
        and code.isascii()
        and code.isalpha()
        and code.isupper()
        and code not in _NOT_COUNTRIES
        and code in Locale("en").territories
    )


@lru_cache(maxsize=1)
def _country_matcher() -> tuple[dict[str, str], re.Pattern[str]]:
    """Folded name -> code, and one regex finding any of the names as whole words.

    Built on first use (babel reads its locale data then). Longer names are tried first so that
    "papua new guinea" is not read as "guinea"; places like "new mexico" map to "" (no country).
    """
    aliases: dict[str, str] = dict.fromkeys(_NOT_COUNTRY_PLACES, "")
    for code, names in _COUNTRY_ALIASES.items():
        for name in names:
            for form in _inflections(fold_phrase(name)):
                aliases[form] = code
    for language in ("en", "es"):
        for code, name in Locale(language).territories.items():
            if _is_country_code(code):
                for variant in _name_variants(name):
                    aliases.setdefault(fold_phrase(variant), code)
    longest_first = sorted(aliases, key=len, reverse=True)
    pattern = re.compile(r"(?<!\S)(" + "|".join(map(re.escape, longest_first)) + r")(?!\S)")
    return aliases, pattern


def _name_variants(name: str) -> list[str]:
    """ "St. Kitts & Nevis" -> also "Saint Kitts and Nevis"; "Myanmar (Burma)" -> "Myanmar"."""
    spelled = name.replace("St. ", "Saint ")
    return [
        name,
        re.sub(r"\s*\(.*?\)", "", name),
        spelled.replace("&", "and"),
        spelled.replace("&", "y"),
    ]


def _inflections(word: str) -> list[str]:
    if " " in word:
        return [word]
    if word.endswith("o"):
        stem = word[:-1]
        return [word, stem + "a", stem + "os", stem + "as"]
    return [word, word + "s"]
