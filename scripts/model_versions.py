"""The trained models a maintainer has made, which one is live, and how to put one live.

``models/versions.json`` lists every versioned model
(``hotline-<date>-<time>-<fingerprint>.tar.gz``), oldest first, with how it was trained, how
long it took and its evaluation, and names the live one. ``models/hotline.tar.gz`` is always a
copy of the live model: what Rasa starts with after a restart, so a restart never undoes a
release.

A model goes live in a running Rasa through its HTTP API (``PUT /model``, behind the token),
replica after replica; ``bot/server.py`` loads it in a thread and warms it up before the swap.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import requests

from channels.assistant.client import rasa_api_authorization

# Loading a model takes seconds; a loaded one answers its warm-up message before Rasa replies.
SWAP_TIMEOUT_SECONDS = 300


@dataclass
class Version:
    file: str
    fingerprint: str
    trained_at: str
    mode: str  # "full" or "finetune"
    seconds: float
    evaluation: dict[str, Any] = field(default_factory=dict)
    released: bool = False


@dataclass
class Registry:
    """``models/versions.json``: the versions, oldest first, and the live one's file name."""

    directory: Path
    versions: list[Version] = field(default_factory=list)
    live: str | None = None

    @property
    def path(self) -> Path:
        return self.directory / "versions.json"

    @classmethod
    def load(cls, directory: Path) -> Registry:
        registry = cls(directory)
        if registry.path.exists():
            saved = json.loads(registry.path.read_text())
            registry.versions = [Version(**version) for version in saved["versions"]]
            registry.live = saved.get("live")
        return registry

    def save(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        saved = {"live": self.live, "versions": [asdict(v) for v in self.versions]}
        temporary = self.path.with_suffix(".json.tmp")
        temporary.write_text(json.dumps(saved, indent=2) + "\n")
        temporary.replace(self.path)  # never half a file, whatever happens

    def find(self, file: str) -> Version | None:
        return next((v for v in self.versions if v.file == file), None)

    def with_fingerprint(self, fingerprint: str) -> Version | None:
        return next((v for v in reversed(self.versions) if v.fingerprint == fingerprint), None)

    @property
    def live_version(self) -> Version | None:
        return self.find(self.live) if self.live else None

    def previous_release(self) -> Version | None:
        """The newest released version before the live one (what ``make rollback`` restores)."""
        released = [v for v in self.versions if v.released and (self.directory / v.file).exists()]
        files = [v.file for v in released]
        if self.live not in files:
            return released[-1] if released else None
        index = files.index(self.live)
        return released[index - 1] if index > 0 else None

    def add(self, version: Version) -> None:
        self.versions = [v for v in self.versions if v.file != version.file] + [version]

    def prune(self, keep: int) -> list[str]:
        """Deletes all but the newest ``keep`` version files, never the live one nor the one a
        rollback would restore; returns the deleted file names."""
        protected = {self.live, getattr(self.previous_release(), "file", None)}
        doomed = [v for v in self.versions[:-keep] if v.file not in protected] if keep else []
        for version in doomed:
            (self.directory / version.file).unlink(missing_ok=True)
        self.versions = [v for v in self.versions if v not in doomed]
        return [v.file for v in doomed]


def version_file_name(fingerprint: str, now: datetime) -> str:
    return f"hotline-{now:%Y%m%d-%H%M%S}-{fingerprint[:10]}.tar.gz"


def make_live_copy(directory: Path, version: Version, live_name: str = "hotline.tar.gz") -> None:
    """``models/hotline.tar.gz`` becomes the live version (replaced in one rename) and its
    fingerprint file follows, so ``make train`` knows the model is current."""
    temporary = directory / f".{live_name}.tmp"
    shutil.copyfile(directory / version.file, temporary)
    temporary.replace(directory / live_name)
    (directory / "hotline.fingerprint").write_text(version.fingerprint + "\n")


class SwapFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class Swap:
    done: list[str]
    down: list[str]  # not running: they start with models/hotline.tar.gz, the new model


def put_live(urls: Sequence[str], model: Path, token: str) -> Swap:
    """Loads ``model`` into every running Rasa replica, one after the other (the others keep
    answering). Raises ``SwapFailed`` at the first running replica that refuses it."""
    done: list[str] = []
    down: list[str] = []
    for url in urls:
        if not is_running(url):
            down.append(url)
            continue
        try:
            response = requests.put(
                f"{url}/model",
                json={"model_file": str(model.resolve())},
                headers=rasa_api_authorization(token, "maintainer"),
                timeout=SWAP_TIMEOUT_SECONDS,
            )
        except requests.RequestException as error:
            raise SwapFailed(f"{url}: {type(error).__name__}") from error
        if response.status_code != 204:
            raise SwapFailed(f"{url}: {response.status_code} {response.text[:300]}")
        done.append(url)
    return Swap(done, down)


def is_running(url: str) -> bool:
    try:
        requests.get(f"{url}/", timeout=3).raise_for_status()
    except requests.RequestException:
        return False
    return True


def live_model_file(url: str, token: str) -> str:
    """The model file a running Rasa answers with (its ``/status``)."""
    response = requests.get(
        f"{url}/status", headers=rasa_api_authorization(token, "maintainer"), timeout=10
    )
    response.raise_for_status()
    return Path(str(response.json().get("model_file", ""))).name


def rasa_urls(setting: str) -> list[str]:
    """``HOTLINE_RASA_URL``: one URL or several, comma-separated (the replicas)."""
    return [url.strip().rstrip("/") for url in setting.split(",") if url.strip()]


def describe(versions: Iterable[Version], live: str | None) -> str:
    lines = []
    for version in versions:
        mark = "live" if version.file == live else ("released" if version.released else "")
        f1 = version.evaluation.get("macro_f1")
        score = f"macro-F1 {f1:.3f}" if isinstance(f1, float) else "not evaluated"
        lines.append(f"{mark:>8}  {version.file}  {version.mode} {version.seconds:.0f}s  {score}")
    return "\n".join(lines) or "no versioned models yet: `make retrain`"
