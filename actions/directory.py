"""The local services directory (``data/directory/services.yml``) and place matching.

People name places every way: "houston", "Houston TX", "nueva york", "Carolina del Norte", "NJ".
Matching is done on folded text (lower case, no accents), whole words only, cities before states.
Two-letter state codes only count when typed in capitals, and never the ones that are also common
words (IN, OR, ME, OK, HI, DE, LA...).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from formats.text import fold as fold_text

DEFAULT_DIRECTORY = Path(__file__).resolve().parent.parent / "data" / "directory" / "services.yml"
AMBIGUOUS_STATE_CODES = frozenset(
    {"IN", "OR", "ME", "OK", "HI", "DE", "LA", "AL", "MA", "PA", "ID"}
)
MAX_LISTED = 3
_PUNCTUATION = re.compile(r"[^\w\s]")
KIND_WORDS = {
    "shelter": ("shelter", "refugio", "albergue", "place to stay", "donde quedarme", "casa segura"),
    "counseling": ("counsel", "therap", "terapia", "psicolog", "consejer", "support group"),
    "legal_aid": ("lawyer", "attorney", "legal", "abogad", "juridic"),
    "victim_services": ("advocate", "victim services", "servicios para victimas", "defensor"),
}


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced text for matching ("Nueva York" -> "nueva york").

    Punctuation, apostrophes included, separates words ("O'Hare" -> "o hare", where
    ``formats.text.fold_phrase`` joins them), and underscores stay."""
    return " ".join(_PUNCTUATION.sub(" ", fold_text(text)).split())


@dataclass(frozen=True)
class Service:
    name: str
    kind: str
    city: str
    state: str
    state_name_en: str
    state_name_es: str
    phone: str
    languages: tuple[str, ...]
    hours: str
    city_aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    """The services found for a place, and how to name the place back to the person."""

    place: str
    services: tuple[Service, ...]


class ServicesDirectory:
    def __init__(self, services: Iterable[Service], sample: bool = False) -> None:
        self.services = tuple(services)
        self.sample = sample
        self._cities = self._index(
            (name, s) for s in self.services for name in (s.city, *s.city_aliases)
        )
        self._states = self._index(
            (name, s) for s in self.services for name in (s.state_name_en, s.state_name_es)
        )

    @staticmethod
    def _index(pairs: Iterable[tuple[str, Service]]) -> dict[str, list[Service]]:
        index: dict[str, list[Service]] = {}
        for name, service in pairs:
            index.setdefault(fold(name), []).append(service)
        return index

    @classmethod
    def from_yaml(cls, path: Path) -> ServicesDirectory:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        services = [
            Service(
                name=item["name"],
                kind=item["kind"],
                city=item["city"],
                state=item["state"],
                state_name_en=item["state_name_en"],
                state_name_es=item["state_name_es"],
                phone=item["phone"],
                languages=tuple(item.get("languages") or ()),
                hours=item.get("hours", ""),
                city_aliases=tuple(item.get("city_aliases") or ()),
            )
            for item in raw["services"]
        ]
        return cls(services, sample=bool(raw.get("sample")))

    def find(self, text: str, language: str = "en", wanted: str = "") -> Match | None:
        """The services for the city, else state, named in ``text``; None if none is.

        ``wanted`` is the rest of the conversation ("a shelter"): services of the kind it asks
        for come first, then those speaking the person's language.
        """
        folded = f" {fold(text)} "
        kind = wanted_kind(f"{wanted} {text}")
        city = self._longest_name_in(folded, self._cities)
        if city:
            services = self._cities[city]
            first = services[0]
            return Match(f"{first.city}, {first.state}", self._ranked(services, language, kind))
        state_services = self._state_in(text, folded)
        if state_services:
            first = state_services[0]
            state_name = first.state_name_es if language == "es" else first.state_name_en
            return Match(state_name, self._ranked(state_services, language, kind))
        return None

    def _state_in(self, text: str, folded: str) -> list[Service]:
        name = self._longest_name_in(folded, self._states)
        if name:
            return self._states[name]
        for code in re.findall(r"\b[A-Z]{2}\b", text):
            if code not in AMBIGUOUS_STATE_CODES:
                found = [s for s in self.services if s.state == code]
                if found:
                    return found
        return []

    @staticmethod
    def _longest_name_in(folded: str, index: dict[str, list[Service]]) -> str | None:
        present = [name for name in index if f" {name} " in folded]
        return max(present, key=len) if present else None

    @staticmethod
    def _ranked(services: list[Service], language: str, kind: str | None) -> tuple[Service, ...]:
        """The kind asked for first, then the person's language; at most ``MAX_LISTED``."""
        unique = list(dict.fromkeys(services))
        unique.sort(key=lambda s: (s.kind != kind, language not in s.languages))
        return tuple(unique[:MAX_LISTED])


def wanted_kind(text: str) -> str | None:
    """The kind of service a message asks for ("abogado" -> legal_aid), if it names one."""
    folded = fold(text)
    for kind, words in KIND_WORDS.items():
        if any(word in folded for word in words):
            return kind
    return None


def format_listing(services: Iterable[Service], *, spoken: bool = False) -> str:
    """One line per service, short enough for SMS: "Name, 713-555-0142 (24/7)"; on a call one
    sentence each, without brackets: "Name, 713-555-0142, 24/7."."""
    if spoken:
        return " ".join(f"{s.name}, {s.phone}, {s.hours}." for s in services)
    return "\n".join(f"{s.name}, {s.phone} ({s.hours})" for s in services)


@lru_cache(maxsize=4)
def load_directory(path: str | None = None) -> ServicesDirectory:
    """The directory at ``path`` (or ``HOTLINE_SERVICES_DIRECTORY``), read once per process."""
    chosen = path or os.environ.get("HOTLINE_SERVICES_DIRECTORY") or str(DEFAULT_DIRECTORY)
    return ServicesDirectory.from_yaml(Path(chosen))
