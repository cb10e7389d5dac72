"""Reading and creating the local ``.env`` (secrets never committed; ``.env.example`` is)."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV_FILE = ROOT / ".env"
EXAMPLE_FILE = ROOT / ".env.example"
# Settings that get a fresh random value in a new local .env.
GENERATED_SECRETS = (
    "TWILIO_AUTH_TOKEN",
    "HOTLINE_SECRET_KEY",
    "HOTLINE_API_TOKEN",
    "HOTLINE_RASA_TOKEN",
    "HOTLINE_ACTIONS_TOKEN",
    "HOTLINE_EVENTS_TOKEN",
    "HOTLINE_INTEGRATIONS_TOKEN",
    "HOTLINE_WEBHOOK_SECRET",
    "HOTLINE_TRACKER_KEYS",
)


def parse(text: str) -> dict[str, str]:
    """KEY=VALUE lines; blank lines and # comments ignored; optional quotes stripped."""
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise ValueError(f".env line {number} is not KEY=VALUE: {raw!r}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def load(path: Path = ENV_FILE) -> dict[str, str]:
    return parse(path.read_text(encoding="utf-8")) if path.exists() else {}


def create_local_env(path: Path = ENV_FILE, example: Path = EXAMPLE_FILE) -> bool:
    """Write ``path`` from the example with random local secrets; False if it already exists."""
    if path.exists():
        return False
    lines = []
    for raw in example.read_text(encoding="utf-8").splitlines():
        key, sep, _ = raw.partition("=")
        if sep and key.strip() in GENERATED_SECRETS:
            raw = f"{key.strip()}={random_secret(key.strip())}"
        lines.append(raw)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return True


def random_secret(setting: str) -> str:
    """A fresh value; a key list (``..._KEYS``) gets one key, with an id."""
    value = secrets.token_hex(24)
    return f"1:{value}" if setting.endswith("_KEYS") else value


def add_missing_secrets(path: Path = ENV_FILE) -> list[str]:
    """An older ``.env`` gets the secrets settings added since (kept values are untouched)."""
    present = load(path)
    missing = [key for key in GENERATED_SECRETS if not present.get(key)]
    if missing:
        with path.open("a", encoding="utf-8") as env:
            env.write("".join(f"{key}={random_secret(key)}\n" for key in missing))
    return missing


if __name__ == "__main__":
    if create_local_env():
        print("created .env with random local secrets")
    else:
        added = add_missing_secrets()
        print(f".env kept; added {', '.join(added)}" if added else ".env already exists; kept")
    sys.exit(0)
