"""The intents a maintainer may label a message with: every intent the assistant's domain
declares (``bot/domain/*.yml``, read once when the gateway starts), but the ones only the
gateway sends, which no example may teach the model to read in a message."""

from __future__ import annotations

import functools
import logging
from pathlib import Path

import yaml

log = logging.getLogger(__name__)

DOMAIN_DIR = Path(__file__).resolve().parents[2] / "bot" / "domain"
# Sent by the gateway only (DESIGN.md): a texter must never be able to trigger it.
GATEWAY_ONLY_INTENTS = frozenset({"transfer_unanswered"})


def domain_intents(folder: Path = DOMAIN_DIR) -> tuple[str, ...]:
    """The domain's intents, sorted; empty (and logged) when the folder is missing."""
    if not folder.is_dir():
        log.warning("review: no domain folder at %s: no intent to label with", folder)
        return ()
    files = tuple((path, path.stat().st_mtime_ns) for path in sorted(folder.glob("*.yml")))
    return tuple(sorted(_declared_intents(files) - GATEWAY_ONLY_INTENTS))


@functools.lru_cache(maxsize=8)
def _declared_intents(files: tuple[tuple[Path, int], ...]) -> frozenset[str]:
    """Every intent the files declare (a name, or a name with its options), read once per
    version of the files: each gateway app (and each test's) would otherwise parse the whole
    domain again."""
    intents: set[str] = set()
    for path, _ in files:
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for intent in part.get("intents", []) or []:
            intents.update([intent] if isinstance(intent, str) else intent)
    return frozenset(intents)
