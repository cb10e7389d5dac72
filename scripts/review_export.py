"""Reviewed messages into training data: ``data/nlu/reviewed/<date>.yml``.

    python -m scripts.review_export                         # make review-export
    python -m scripts.review_export --from accepted.json    # make review-export FROM=accepted.json

Maintainers read what people wrote, correct the intent and accept a line as a training example
(issue 15). Without ``--from``, the lines are the review inbox's labelled items, from the
gateway's database (``HOTLINE_DATABASE_URL``, read by the gateway's settings loader):
:func:`export_from_database` marks those written ``exported`` and keeps the refused ones
labelled, with the reason, which the inbox shows. With ``--from``, a JSON list of
``{"text", "intent", "language"}`` objects. Each line is
written to the file of the day, in Rasa's NLU format with one block per intent and language
(the ``metadata: language`` form of ``data/nlu``), merged with what the file already holds; or
refused, with the reason, and never written:

- **identifying**: :func:`formats.deidentify.identifying_details` still finds a name, number,
  address, ... (the console de-identifies before a maintainer accepts; this is the last check).
  Its text is never printed.
- **language**: not English or Spanish. **intent**: not an intent of the domain
  (``bot/domain/*.yml``), or one only the gateway sends (``transfer_unanswered``: a texter must
  never be able to trigger it).
- **markup**: text Rasa would read as entity markup ("[x](y)"), **empty** or **unprintable**
  (characters a YAML file cannot hold).
- **duplicate**: the same line, or a near copy (:class:`difflib.SequenceMatcher` ratio 0.9 or
  more on folded text, as the blind evaluation measures it: ``scripts.blind_eval``), of a line of
  the training data, of the test sets (``tests/nlu``, ``tests/nlu_dev``), of the blind set
  (``tests/nlu_blind``: read here so that it never leaks into training, and never shown), of the
  day's file, or of another line of the same export.

Prints what was written and what was refused, by reason; the exit code is 1 only when the input
cannot be read, 2 when the gateway's settings are missing (``make review-export`` reads ``.env``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from channels.review.intents import domain_intents
from formats.deidentify import identifying_details
from scripts.blind_eval import TrainingLines
from scripts.nlu_data import read_examples

if TYPE_CHECKING:
    from channels.review.service import Labelled, ReviewInbox

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "data" / "nlu" / "reviewed"
LANGUAGES = ("en", "es")
REASONS = {
    "identifying": "identifying details",
    "language": "not English or Spanish",
    "intent": "not an intent people type",
    "markup": "reads as entity markup",
    "empty": "empty",
    "unprintable": "unprintable characters",
    "duplicate": "duplicate or near copy",
}
# Rasa reads "[text](entity)", "[text]{...}" and "[text][...]" in an example as an entity.
_ENTITY_MARKUP = re.compile(r"\[[^\]\n]*\][(\[{]")
# What a YAML file may hold (YAML 1.1 "printable"): no other control character, no surrogate.
_UNPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class ReviewedExample:
    """A line a maintainer accepted as an example of ``intent``, in ``language`` ("en", "es")."""

    text: str
    intent: str
    language: str


@dataclass(frozen=True)
class Refusal:
    """A line not written, why (a key of :data:`REASONS`), and what was found: the kinds of
    details, or the line it copies ("" when that line is the blind set's)."""

    example: ReviewedExample
    reason: str
    detail: str = ""

    def describe(self) -> str:
        shown = self.reason not in ("identifying", "unprintable")
        text = _shorten(self.example.text) if shown else "(text not shown)"
        detail = f": {self.detail}" if self.detail else ""
        return (
            f"{REASONS[self.reason]}{detail} - {self.example.intent}/{self.example.language} {text}"
        )


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote to ``path`` and what it refused."""

    path: Path
    written: tuple[ReviewedExample, ...] = ()
    refused: tuple[Refusal, ...] = ()

    def refused_by_reason(self) -> dict[str, int]:
        return dict(Counter(refusal.reason for refusal in self.refused))

    def summary(self) -> str:
        lines = [f"written {len(self.written)} to {self.path}"]
        by_reason = ", ".join(
            f"{REASONS[reason]} {count}"
            for reason, count in sorted(self.refused_by_reason().items())
        )
        lines.append(f"refused {len(self.refused)}" + (f" ({by_reason})" if by_reason else ""))
        lines += [f"  refused: {refusal.describe()}" for refusal in self.refused]
        return "\n".join(lines)


@dataclass(frozen=True)
class Sources:
    """Where the domain and the lines a new example must not copy are. Folders are read
    recursively (``*.yml``); a missing one holds nothing."""

    domain: Path
    training: Sequence[Path]
    tests: Sequence[Path]
    blind: Sequence[Path] = field(default=())

    @classmethod
    def of(cls, root: Path) -> Sources:
        return cls(
            domain=root / "bot" / "domain",
            training=(root / "data" / "nlu",),
            tests=(root / "tests" / "nlu", root / "tests" / "nlu_dev"),
            blind=(root / "tests" / "nlu_blind",),
        )


def export(
    items: Iterable[ReviewedExample],
    out_dir: Path,
    today: date,
    sources: Sources | None = None,
) -> ExportResult:
    """Writes the acceptable ``items`` to ``out_dir/<today>.yml`` (merged with the examples the
    file already holds) and says what it wrote and refused. The file is left as it was when
    nothing new is accepted."""
    sources = sources or Sources.of(ROOT)
    path = out_dir / f"{today.isoformat()}.yml"
    already = _examples_in(path)
    checker = _Checker(sources, [example.text for example in already])
    written: list[ReviewedExample] = []
    refused: list[Refusal] = []
    for item in items:
        example, refusal = checker.check(item)
        if refusal is not None:
            refused.append(refusal)
        elif example is not None:
            written.append(example)
    if written:
        _write(path, [*already, *written], today)
    return ExportResult(path, tuple(written), tuple(refused))


class _Checker:
    """Decides, line by line, what may be written; remembers what it accepted."""

    def __init__(self, sources: Sources, day_lines: list[str]) -> None:
        self.intents = set(domain_intents(sources.domain))
        # (what the lines are, their index, whether a copied line may be shown)
        self.known = [
            ("a training line", TrainingLines(_lines_under(sources.training)), True),
            ("a test line", TrainingLines(_lines_under(sources.tests)), True),
            ("a line of the blind set", TrainingLines(_lines_under(sources.blind)), False),
        ]
        self.accepted = list(day_lines)

    def check(self, item: ReviewedExample) -> tuple[ReviewedExample | None, Refusal | None]:
        text = " ".join(item.text.split())
        example = ReviewedExample(text, item.intent.strip(), _language(item.language))
        refusal = self._refusal(example)
        if refusal is None:
            self.accepted.append(example.text)
        return (None, refusal) if refusal else (example, None)

    def _refusal(self, example: ReviewedExample) -> Refusal | None:
        if _UNPRINTABLE.search(example.text):
            return Refusal(example, "unprintable")
        if not example.text:
            return Refusal(example, "empty")
        found = identifying_details(example.text, example.language)
        if found:
            return Refusal(example, "identifying", ", ".join(found))
        if example.language not in LANGUAGES:
            return Refusal(example, "language", example.language)
        if example.intent not in self.intents:
            return Refusal(example, "intent", example.intent)
        if _ENTITY_MARKUP.search(example.text):
            return Refusal(example, "markup")
        return self._duplicate(example)

    def _duplicate(self, example: ReviewedExample) -> Refusal | None:
        copied = _near(example.text, self.accepted)
        if copied is not None:
            return Refusal(example, "duplicate", f"the day's file or this export: {copied!r}")
        for where, lines, shown in self.known:
            copied = lines.nearest(example.text)
            if copied is not None:
                return Refusal(example, "duplicate", where + (f": {copied!r}" if shown else ""))
        return None


def _language(language: str) -> str:
    """ "es-MX" -> "es", "EN" -> "en"."""
    return re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]


def _lines_under(folders: Iterable[Path]) -> list[str]:
    return [
        example.text
        for folder in folders
        for path in _nlu_files(folder)
        for example in read_examples(path)
    ]


def _nlu_files(folder: Path) -> list[Path]:
    if folder.is_file():
        return [folder]
    return [path for path in sorted(folder.rglob("*.yml")) if path.stat().st_size > 0]


def _near(text: str, lines: Sequence[str]) -> str | None:
    """The first of ``lines`` near a copy of ``text``, or None: for the day's and this
    export's lines, few enough to index afresh for each new one."""
    return TrainingLines(list(lines)).nearest(text) if lines else None


def _examples_in(path: Path) -> list[ReviewedExample]:
    if not path.is_file():
        return []
    return [
        ReviewedExample(example.text, example.intent, example.language)
        for example in read_examples(path)
    ]


def render(examples: Sequence[ReviewedExample], today: date) -> str:
    """The NLU file: one block per intent and language, sorted, each example once."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for example in examples:
        texts = grouped.setdefault((example.intent, example.language), [])
        if example.text not in texts:
            texts.append(example.text)
    lines = [
        f"# Reviewed messages accepted on {today.isoformat()}: de-identified, written by",
        "# scripts/review_export.py (make review-export). Edit with care: it is training data.",
        'version: "3.1"',
        "nlu:",
    ]
    for (intent, language), texts in sorted(grouped.items()):
        lines += [f"- intent: {intent}", "  metadata:", f"    language: {language}"]
        lines.append("  examples: |")
        lines += [f"    - {text}" for text in texts]
    return "\n".join(lines) + "\n"


def _write(path: Path, examples: Sequence[ReviewedExample], today: date) -> None:
    """Writes the file whole, through a temporary file: a reader never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False
    ) as handle:
        handle.write(render(examples, today))
    os.replace(handle.name, path)


def _shorten(text: str, most: int = 80) -> str:
    return repr(text if len(text) <= most else text[: most - 3] + "...")


# --- the command ------------------------------------------------------------------------------


class BadInput(ValueError):
    """The input file cannot be read as a list of reviewed examples."""


def read_items(path: Path) -> list[ReviewedExample]:
    """The reviewed examples of a JSON (or YAML, by its suffix) list of objects with the string
    fields ``text``, ``intent`` and ``language``."""
    try:
        raw = path.read_text(encoding="utf-8")
        loaded: Any = yaml.safe_load(raw) if path.suffix in (".yml", ".yaml") else json.loads(raw)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as error:
        raise BadInput(f"cannot read {path}: {error}") from error
    if not isinstance(loaded, list):
        raise BadInput(f"{path}: expected a list of {{text, intent, language}} objects")
    return [_item(entry, position) for position, entry in enumerate(loaded)]


def _item(entry: Any, position: int) -> ReviewedExample:
    fields = ("text", "intent", "language")
    if not isinstance(entry, dict) or not all(isinstance(entry.get(f), str) for f in fields):
        raise BadInput(f"item {position}: expected an object with text, intent and language")
    return ReviewedExample(entry["text"], entry["intent"], entry["language"])


# -- from the review inbox's database ------------------------------------------------------------


def export_from_database(
    inbox: ReviewInbox, out_dir: Path, today: date, sources: Sources | None = None
) -> ExportResult:
    """Exports the inbox's labelled items; marks the written ones ``exported`` and records on
    each refused one why (it stays labelled, for a maintainer to correct)."""
    items = inbox.labelled()
    examples = [ReviewedExample(item.text, item.intent, item.language) for item in items]
    result = export(examples, out_dir, today, sources)
    written, refused = outcomes(items, result)
    inbox.exported(written)
    inbox.refused(refused)
    return result


def outcomes(items: Sequence[Labelled], result: ExportResult) -> tuple[list[int], dict[int, str]]:
    """Which items were written (their ids) and why each other one was refused.

    :func:`export` answers with normalised examples, in the order of the items: each item is
    matched, in order, with the first unclaimed outcome of the same normalised example (two
    items of one text: the first written, the second refused as its copy)."""
    written = Counter(_key(example) for example in result.written)
    refusals: dict[tuple[str, str, str], list[Refusal]] = {}
    for refusal in result.refused:
        refusals.setdefault(_key(refusal.example), []).append(refusal)
    done: list[int] = []
    refused: dict[int, str] = {}
    for item in items:
        key = _key(ReviewedExample(item.text, item.intent, item.language))
        if written[key] > 0:
            written[key] -= 1
            done.append(item.id)
        elif refusals.get(key):
            refusal = refusals[key].pop(0)
            refused[item.id] = REASONS[refusal.reason] + (
                f": {refusal.detail}" if refusal.detail else ""
            )
    return done, refused


def _key(example: ReviewedExample) -> tuple[str, str, str]:
    """An example as :class:`_Checker` normalises it."""
    return (" ".join(example.text.split()), example.intent.strip(), _language(example.language))


def _inbox() -> ReviewInbox | None:
    """The review inbox of the gateway's database (migrated first, as the gateway does), or
    None after saying on stderr what is wrong with the settings."""
    from channels.config.settings import settings_for_command
    from channels.review.service import ReviewInbox
    from channels.storage.database import Database
    from channels.storage.privacy import Privacy

    settings = settings_for_command("review-export")
    if settings is None:
        return None
    database = Database(settings.database_url)
    database.migrate()
    return ReviewInbox(database, Privacy.from_settings(settings), domain_intents())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--from", dest="source", type=Path, default=None, help="a JSON list (default: the inbox)"
    )
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="default: data/nlu/reviewed")
    parser.add_argument("--date", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
    args = parser.parse_args(argv)
    today = args.date or date.today()
    if args.source is None:
        inbox = _inbox()
        if inbox is None:
            return 2
        try:
            result = export_from_database(inbox, args.out, today)
        finally:
            inbox.database.dispose()
        print(result.summary())
        print(f"marked {len(result.written)} exported in the review inbox")
        return 0
    try:
        items = read_items(args.source)
    except BadInput as error:
        print(error, file=sys.stderr)
        return 1
    result = export(items, args.out, today)
    print(result.summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
