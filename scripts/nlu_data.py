"""Reading Rasa NLU YAML (training data, test sets) without Rasa: examples by intent and language.

Used by the NLU gate and by the data tests, so that both read a line the same way.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

_LINK = re.compile(r"\[([^\]]{1,200})\]\([^)]{0,200}\)")
_ENTITY = re.compile(r"\[([^\]]{1,200})\]\{[^}]{0,400}\}")


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    language: str
    source: str


def strip_markup(text: str) -> str:
    """ "in [Houston](location)" -> "in Houston"; also the {"entity": ...} form."""
    return _ENTITY.sub(r"\1", _LINK.sub(r"\1", text))


def read_examples(folder: Path | str) -> list[Example]:
    """Every example of every ``*.yml`` file in ``folder`` and its sub-folders (such as
    ``data/nlu/reviewed``), or of the one file ``folder`` names, in file order, markup removed."""
    found: list[Example] = []
    paths = [Path(folder)] if Path(folder).is_file() else sorted(Path(folder).rglob("*.yml"))
    for path in paths:
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if "intent" not in item:
                continue
            language = (item.get("metadata") or {}).get("language", "?")
            for line in item["examples"].splitlines():
                line = line.strip()
                if line.startswith("- "):
                    found.append(
                        Example(strip_markup(line[2:]), item["intent"], language, path.name)
                    )
    return found


def by_intent_and_language(folder: Path | str) -> dict[tuple[str, str], list[str]]:
    """(intent, language) -> example texts."""
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for example in read_examples(folder):
        grouped[(example.intent, example.language)].append(example.text)
    return grouped
