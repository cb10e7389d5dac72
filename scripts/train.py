"""Train the assistant only when what it is trained from has changed.

The fingerprint is a SHA-256 over the content (not timestamps) of the config, the domain, the
training data, the spaCy pipeline's source, the custom NLU component, the locked dependencies and
the TensorFlow settings training runs under (``scripts/tf_env.py``). ``models/hotline.tar.gz``
is retrained when the fingerprint differs from the one saved beside it.

    python -m scripts.train            # train if needed
    python -m scripts.train --force    # train anyway
    python -m scripts.train --check    # exit 1 if a training is needed, 0 if the model is current
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

from scripts.tf_env import reproducible_env, settings_digest

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "hotline.tar.gz"
FINGERPRINT = ROOT / "models" / "hotline.fingerprint"
# The structure (below) ``models/hotline.tar.gz`` was trained with: ``make retrain`` fine-tunes
# it when only examples changed since, before any version was released.
STRUCTURE = ROOT / "models" / "hotline.structure"
SPACY_PIPELINE = ROOT / "build" / "spacy-hotline"
SPACY_SOURCES = ("bot/nlp", "requirements.lock")
TRAINING_DATA = ("data/nlu", "data/rules", "data/stories")
INPUTS = (
    "config.yml",
    "bot/domain",
    *TRAINING_DATA,
    "bot/nlp",
    "bot/components",
    "formats",  # what the components read messages with: a change can change what they learn
    "requirements.lock",
)
VENV_BIN = ROOT / ".venv" / "bin"
# Rasa's switch for its training cache (``rasa.engine.caching.CACHE_SIZE_ENV``): 0 MB turns it off.
CACHE_SIZE_VARIABLE = "RASA_MAX_CACHE_SIZE"


# What the dialogue and the model's shape are made of: when only NLU examples changed since a
# model was trained (this fingerprint is the same), it can be fine-tuned instead of retrained.
NLU_EXAMPLES = "data/nlu"


def input_files(inputs: tuple[str, ...] = INPUTS) -> list[Path]:
    files: list[Path] = []
    for name in inputs:
        path = ROOT / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files += sorted(
                p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts
            )
    return files


def fingerprint(inputs: tuple[str, ...] = INPUTS) -> str:
    digest = hashlib.sha256()
    digest.update(f"tensorflow settings {settings_digest()}".encode() + b"\0")
    for path in input_files(inputs):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def structure_fingerprint() -> str:
    """Everything but the NLU examples: config, domain, rules, stories, components, packages."""
    return fingerprint(tuple(name for name in INPUTS if name != NLU_EXAMPLES))


def is_current() -> bool:
    return (
        MODEL.exists() and FINGERPRINT.exists() and FINGERPRINT.read_text().strip() == fingerprint()
    )


def trained_structure() -> str | None:
    """The structure fingerprint ``make train`` trained ``models/hotline.tar.gz`` with, if known."""
    if not (MODEL.exists() and STRUCTURE.exists()):
        return None
    return STRUCTURE.read_text().strip() or None


def build_spacy_pipeline() -> None:
    """``build/spacy-hotline``, unless it was built from these very sources (a build imports
    spaCy in a process of its own: seconds of every fine-tune)."""
    stamp = SPACY_PIPELINE / "built-from"
    wanted = fingerprint(SPACY_SOURCES)
    if stamp.exists() and stamp.read_text().strip() == wanted:
        return
    subprocess.run(
        [str(VENV_BIN / "python"), "-m", "bot.nlp.build", str(SPACY_PIPELINE)], cwd=ROOT, check=True
    )
    stamp.write_text(wanted + "\n")


def cache_directory(finetuned: bool) -> Path:
    """Rasa's training cache for this training. Rasa reuses trained components by config and
    data alone, so a cache per TensorFlow setting keeps out a component trained under other
    settings, and fine-tunes get their own: a fine-tuned count featurizer keeps the old
    vocabulary and grows it, and a training from scratch on the same data restored it from the
    shared cache (2026-12-06: a 69 MB model, 16,495 character n-grams against the configured
    6,000, scoring unlike the same `make train` on a fresh clone)."""
    return ROOT / ".rasa" / f"cache-{settings_digest()}{'-finetune' if finetuned else ''}"


def rasa_train(
    out: Path,
    finetune: Path | None = None,
    epoch_fraction: float = 1.0,
    skip_validation: bool = False,
    config: Path = ROOT / "config.yml",
) -> float:
    """Trains into ``out`` (a .tar.gz path) under the pinned TensorFlow settings; with
    ``finetune``, continues that model's weights on the current data for a fraction of the
    epochs (Rasa refuses when the config or domain changed). Returns the seconds it took.

    A fine-tune skips ``rasa train``'s data validation (10 of its seconds here): it runs only
    when nothing but NLU examples changed since a model that passed it, and Rasa refuses to
    fine-tune on an intent the model does not know. ``skip_validation`` skips it too, for
    ``make test``, which has just run ``make validate``. ``config``: another pipeline (a test's
    deliberately worse one).

    A fine-tune also runs without Rasa's training cache (``--force`` and a cache of 0 MB): every
    NLU component reads the examples that changed, so there is nothing to restore, and filling
    the cache cost fingerprints of every node (a fine-tune 75.9 s with them, 71.4 s without;
    ``bot/training.py``)."""
    build_spacy_pipeline()
    data = [d for d in TRAINING_DATA if (ROOT / d).is_dir()]
    env = reproducible_env(
        {
            **os.environ,
            "HOTLINE_ACTIONS_URL": os.environ.get(
                "HOTLINE_ACTIONS_URL", "http://127.0.0.1:5055/webhook"
            ),
            "RASA_CACHE_DIRECTORY": str(cache_directory(finetuned=finetune is not None)),
            **({CACHE_SIZE_VARIABLE: "0"} if finetune else {}),
        }
    )
    tuning = (
        ["--finetune", str(finetune), "--epoch-fraction", str(epoch_fraction), "--force"]
        if finetune
        else []
    )
    if finetune or skip_validation:
        tuning.append("--skip-validation")
    name = out.name.removesuffix(".tar.gz")
    started = time.monotonic()
    subprocess.run(
        [str(VENV_BIN / "python"), "-m", "bot.training", "train", "--config", str(config),
         "--domain", "bot/domain", "--data", *data, "--out", str(out.parent),
         "--fixed-model-name", name, *tuning],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    return time.monotonic() - started


def train(skip_validation: bool = False) -> None:
    wanted = fingerprint()
    seconds = rasa_train(MODEL, skip_validation=skip_validation)
    FINGERPRINT.write_text(wanted + "\n")
    STRUCTURE.write_text(structure_fingerprint() + "\n")
    print(f"trained models/hotline.tar.gz in {seconds:.0f}s")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="train even if the model is current")
    parser.add_argument("--check", action="store_true", help="only say whether training is needed")
    parser.add_argument(
        "--skip-validation",
        action="store_true",
        help="skip rasa train's data validation (when `make validate` has just run)",
    )
    args = parser.parse_args(argv)
    if args.check:
        current = is_current()
        print("model is current" if current else "model needs training")
        return 0 if current else 1
    if not args.force and is_current():
        print(
            "model is current (nothing changed since it was trained); `make train FORCE=1` retrains"
        )
        build_spacy_pipeline()
        return 0
    train(skip_validation=args.skip_validation)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
