"""The code a hotline component runs, as a digest, for Rasa's training cache.

Rasa keeps what a component trained, and the training data a component processed, under a key
made of the component's configuration, its inputs and the source of its class alone
(``rasa.engine.training.fingerprinting``). The hotline's components do most of their work in
functions beside the class and in ``formats`` (the texting reader, the gazetteer's matching, the
n-gram counts): a change there kept the key, and a training restored what the old code had
made. ``KeyedBySource`` adds to the key a digest of every module of the project the component's
class reaches (its own module, its bases' modules, and what those import from ``bot`` and
``formats``, read from their source and followed through), so a change to the danger rules
re-keys the emergency guard but not the featurizers: any component re-keyed ahead of DIET makes
Rasa train DIET again.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib
import inspect
import sys
from pathlib import Path
from typing import Any

PACKAGES = frozenset({"bot", "formats"})


@functools.cache
def imported(module: str) -> tuple[str, ...]:
    """The project modules ``module``'s source imports, anywhere in it (an import inside a
    function counts: it runs when the function does)."""
    tree = ast.parse(Path(str(sys.modules[module].__file__)).read_bytes())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return tuple(sorted(name for name in names if _ours(name)))


def _ours(module: str) -> bool:
    return module.partition(".")[0] in PACKAGES


def reached_modules(cls: type) -> list[str]:
    """The project's modules ``cls`` runs: its own and its bases', and, followed through, every
    project module those import."""
    pending = [
        base.__module__
        for base in inspect.getmro(cls)
        if base.__module__.partition(".")[0] in PACKAGES
    ]
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name not in seen:
            seen.add(name)
            importlib.import_module(name)
            pending += imported(name)
    return sorted(seen)


def source_digest(cls: type) -> str:
    """The files of :func:`reached_modules`, by module name and content."""
    digest = hashlib.sha256()
    for name in reached_modules(cls):
        digest.update(name.encode() + b"\0")
        digest.update(Path(str(sys.modules[name].__file__)).read_bytes() + b"\0")
    return digest.hexdigest()


class KeyedBySource:
    """Mix into a Rasa graph component: its cache entries follow the code it runs."""

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        return source_digest(cls)
