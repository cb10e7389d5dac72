"""Rehearse an image of ``deploy/`` without a container engine: build its files, start its process.

No Docker engine runs on these machines, so ``docker build`` and ``docker run`` cannot be
tried. This is the nearest real thing: it reads the Dockerfile and does what the image would
hold and run, with the packages already installed at the locked versions.

- **Build.** The final stage's files land under a root directory of their own: a fresh virtual
  environment holding only the distributions the image's requirements file names (each copied
  from ``.venv`` by its installed file list, exactly as ``pip install --no-deps -r`` would
  leave it, at the pinned version or not at all), then every ``COPY`` of the final stage.
- **Check.** Every requirement each installed distribution declares is installed too (as the
  image's ``pip check``).
- **Run.** The image's ``CMD`` starts from its ``WORKDIR`` with the image's ``ENV`` alone
  (no variable of this shell leaks in), plus the run-time settings a deployment gives it.
  Then the image's ``HEALTHCHECK`` command runs until it passes.

What it cannot show: the base image (``python:3.10-slim`` is not here; the machine's Python
3.10 stands in for it), the image's user (the process runs as this shell's user) and a network
of its own (the exposed port is mapped to a free port, as ``docker run -p`` would).

    python -m scripts.image_rehearsal gateway actions   # build, start and probe each image
    python -m scripts.image_rehearsal --keep gateway    # leave the built root in var/rehearsal
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from scripts.stack import Ports, Stack

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
# What python:3.10-slim sets before the image's own ENV.
BASE_ENV = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "LANG": "C.UTF-8",
}
SITE_PACKAGES = next((ROOT / ".venv" / "lib").glob("python3.*/site-packages"), None)


class RehearsalError(Exception):
    """The image would not build or not start: what went wrong, in a sentence."""


@dataclass
class Image:
    """What a Dockerfile's final stage holds and runs (the build stage's requirements file)."""

    name: str
    requirements: Path
    copies: list[tuple[str, str]] = field(default_factory=list)  # source, destination
    directories: list[str] = field(default_factory=list)  # made by the final stage's RUN
    workdir: str = "/"
    env: dict[str, str] = field(default_factory=dict)
    exposed: int | None = None
    healthcheck: list[str] = field(default_factory=list)
    command: list[str] = field(default_factory=list)


def instructions(text: str) -> Iterator[tuple[str, str]]:
    """(INSTRUCTION, arguments) per logical line: continuations joined, comments dropped."""
    logical = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#") and not logical:
            continue
        if stripped.endswith("\\"):
            logical += stripped[:-1].rstrip() + " "
            continue
        logical += stripped
        if logical:
            keyword, _, rest = logical.partition(" ")
            yield keyword.upper(), rest.strip()
        logical = ""


def exec_form(arguments: str) -> list[str]:
    """``["a", "b"]`` (the exec form this project's images use), or a shell string run by sh."""
    if arguments.startswith("["):
        return [str(part) for part in json.loads(arguments)]
    return ["sh", "-c", arguments]


def parse_env(arguments: str, known: Mapping[str, str]) -> dict[str, str]:
    """``ENV A=1 B=$A:x``: each value with ``$NAME`` expanded from what is set before it."""
    found: dict[str, str] = {}
    for pair in shlex.split(arguments):
        name, _, value = pair.partition("=")
        found[name] = expand(value, {**known, **found})
    return found


def expand(value: str, scope: Mapping[str, str]) -> str:
    return re.sub(r"\$(\w+)", lambda match: scope.get(match.group(1), ""), value)


def parse_dockerfile(path: Path) -> Image:
    """The image ``deploy/<name>.Dockerfile`` describes."""
    image = Image(name=path.name.removesuffix(".Dockerfile"), requirements=Path())
    stage = ""
    for keyword, arguments in instructions(path.read_text(encoding="utf-8")):
        if keyword == "FROM":
            stage = arguments.split(" AS ")[-1].strip() if " AS " in arguments else "final"
        elif keyword == "COPY" and stage == "build" and "requirements" in arguments:
            image.requirements = ROOT / arguments.split()[0]
        elif stage != "final":
            continue
        elif keyword == "COPY" and not arguments.startswith("--from"):
            source, destination = arguments.split()
            image.copies.append((source, destination))
        elif keyword == "RUN":
            image.directories += made_directories(arguments)
        elif keyword == "WORKDIR":
            image.workdir = arguments
        elif keyword == "ENV":
            image.env.update(parse_env(arguments, {**BASE_ENV, **image.env}))
        elif keyword == "EXPOSE":
            image.exposed = int(arguments.split("/")[0])
        elif keyword == "HEALTHCHECK":
            image.healthcheck = exec_form(arguments.split(" CMD ", 1)[1].strip())
        elif keyword == "CMD":
            image.command = exec_form(arguments)
    if not image.requirements.is_file() or not image.command:
        raise RehearsalError(f"{path.name}: no requirements file or no CMD found")
    return image


def made_directories(run: str) -> list[str]:
    """The directories a ``RUN ... mkdir -p a b && ...`` line makes."""
    made: list[str] = []
    for command in re.split(r"&&|;", run):
        words = shlex.split(command)
        if words[:2] == ["mkdir", "-p"]:
            made += [word for word in words[2:] if word.startswith("/")]
    return made


def pinned(requirements: Path) -> list[Requirement]:
    lines = requirements.read_text(encoding="utf-8").splitlines()
    return [Requirement(line.split("#")[0]) for line in lines if line.split("#")[0].strip()]


def install(requirements: Path, venv: Path, site_packages: Path | None = SITE_PACKAGES) -> int:
    """``pip install --no-deps -r requirements`` into ``venv``, offline: each distribution's
    files copied from ``site_packages`` (where the lock installed it) by its RECORD."""
    if site_packages is None:
        raise RehearsalError("no .venv: run `make install` first")
    subprocess.run([base_python(), "-m", "venv", "--without-pip", str(venv)], check=True)
    target = next((venv / "lib").glob("python3.*/site-packages"))
    wanted = pinned(requirements)
    for requirement in wanted:
        distribution = installed(requirement, site_packages)
        for file in distribution.files or []:
            copy_installed_file(site_packages / file, target / file, venv)
    return len(wanted)


def base_python() -> str:
    """The Python 3.10 ``.venv`` was made from: the stand-in for python:3.10-slim's."""
    config = (ROOT / ".venv" / "pyvenv.cfg").read_text(encoding="utf-8")
    home = re.search(r"^home\s*=\s*(.+)$", config, re.M)
    if home is None:
        raise RehearsalError(".venv/pyvenv.cfg names no base Python")
    return str(Path(home.group(1).strip()) / "python3.10")


def installed(requirement: Requirement, site_packages: Path) -> metadata.Distribution:
    found = list(metadata.distributions(name=requirement.name, path=[str(site_packages)]))
    if not found:
        raise RehearsalError(f"{requirement.name} is not installed in .venv (make install)")
    version = found[0].version
    if not requirement.specifier.contains(version, prereleases=True):
        raise RehearsalError(f"{requirement} pinned, but .venv has {version}: the lock drifted")
    return found[0]


def copy_installed_file(source: Path, destination: Path, venv: Path) -> None:
    """A package file (hard-linked: it is never written), or a console script re-pointed at the
    image's Python (its first line names the interpreter pip installed it for)."""
    source, destination = source.resolve(), destination.resolve()
    if not source.is_file() or destination.exists():
        # RECORD lists .pyc files never written (PYTHONDONTWRITEBYTECODE), and two
        # distributions may both list one stray file (a README.md at the top of site-packages)
        return
    destination.parent.mkdir(parents=True, exist_ok=True)
    if destination.parent == (venv / "bin").resolve():
        head, _, body = source.read_bytes().partition(b"\n")
        if head.startswith(b"#!") and b"python" in head:
            destination.write_bytes(b"#!" + str(venv / "bin" / "python").encode() + b"\n" + body)
            destination.chmod(0o755)
            return
    try:
        os.link(source, destination)
    except OSError:  # another file system
        shutil.copy2(source, destination)


def missing_dependencies(venv: Path) -> list[str]:
    """What ``pip check`` would report: a declared requirement not installed, or at the wrong
    version (markers evaluated for this Python, extras not asked for ignored)."""
    site = str(next((venv / "lib").glob("python3.*/site-packages")))
    distributions = {
        canonicalize_name(d.metadata["Name"]): d for d in metadata.distributions(path=[site])
    }
    problems = []
    for name, distribution in sorted(distributions.items()):
        for line in distribution.requires or []:
            requirement = Requirement(line)
            if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                continue
            have = distributions.get(canonicalize_name(requirement.name))
            version = have.version if have else None
            if version is None or not requirement.specifier.contains(version, prereleases=True):
                problems.append(f"{name} needs {requirement}, has {version or 'nothing'}")
    return problems


class Rehearsal:
    """One image built under ``root``: ``inside("/app")`` is where the image's /app is."""

    def __init__(self, image: Image, root: Path, port: int) -> None:
        self.image, self.root, self.port = image, root, port

    def inside(self, path: str) -> Path:
        return self.root / path.lstrip("/")

    def build(self) -> None:
        count = install(self.image.requirements, self.inside("/opt/venv"))
        problems = missing_dependencies(self.inside("/opt/venv"))
        if problems:
            raise RehearsalError(f"{self.image.name}: pip check fails: {'; '.join(problems)}")
        for source, destination in self.image.copies:
            self.copy(ROOT / source, destination)
        for directory in self.image.directories:
            self.inside(directory).mkdir(parents=True, exist_ok=True)
        self.inside("tmp").mkdir(exist_ok=True)  # the base image's /tmp
        print(f"{self.image.name}: {count} distributions, {len(self.image.copies)} copies")

    def copy(self, source: Path, destination: str) -> None:
        """``COPY source destination`` as Docker does it: a folder's content into the folder, a
        file into a destination ending in "/" (or "."), or to the destination's name."""
        if not source.exists():
            raise RehearsalError(f"COPY {source.relative_to(ROOT)}: not in the repository")
        if not destination.startswith("/"):
            destination = f"{self.image.workdir.rstrip('/')}/{destination}"
        target = self.inside(destination)
        if source.is_dir():
            shutil.copytree(
                source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__")
            )
            return
        if destination.endswith(("/", "/.")):
            target = target / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)

    def mapped(self, value: str) -> str:
        """A value as the process sees it here: the image's absolute paths under the root, the
        exposed port the mapped one, every interface loopback."""
        value = re.sub(
            r"(?<![\w/])/(opt|var|tmp|app)(?=/|\b)", lambda m: str(self.inside(m.group(0))), value
        )
        if self.image.exposed:
            value = re.sub(rf"\b{self.image.exposed}\b", str(self.port), value)
        return value.replace("0.0.0.0", "127.0.0.1")  # noqa: S104 (binding loopback instead)

    def environment(self, runtime: Mapping[str, str]) -> dict[str, str]:
        """The image's ENV (and the base image's PATH), then the deployment's settings."""
        env = dict(BASE_ENV)
        env.update({name: self.mapped(value) for name, value in self.image.env.items()})
        env.update(runtime)  # a deployment's own addresses and secrets, as given
        return env

    def command(self, argv: list[str]) -> list[str]:
        return [self.mapped(part) for part in argv]

    def start(self, argv: list[str], runtime: Mapping[str, str], **kwargs: Any) -> subprocess.Popen:
        """``argv`` started as the image starts its CMD: from WORKDIR, with its ENV alone."""
        return subprocess.Popen(
            self.command(argv),
            cwd=self.inside(self.image.workdir),
            env=self.environment(runtime),
            **kwargs,
        )

    def run(
        self, argv: list[str], runtime: Mapping[str, str], **kwargs: Any
    ) -> subprocess.CompletedProcess:
        """``argv`` run to its end as ``start`` starts it."""
        return subprocess.run(
            self.command(argv),
            cwd=self.inside(self.image.workdir),
            env=self.environment(runtime),
            check=False,
            **kwargs,
        )

    def healthy(
        self, process: subprocess.Popen, runtime: Mapping[str, str], timeout: float
    ) -> bool:
        """The image's HEALTHCHECK, tried until it passes, the process ends or ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            if self.check_passes(runtime):
                return True
            time.sleep(1)
        return False

    def check_passes(self, runtime: Mapping[str, str]) -> bool:
        """One HEALTHCHECK attempt; one that hangs has failed, as under Docker's --timeout."""
        try:
            check = self.run(self.image.healthcheck, runtime, capture_output=True, timeout=30)
        except subprocess.TimeoutExpired:
            return False
        return check.returncode == 0


def release_steps(name: str, manifests: Path = DEPLOY / "k8s" / "base") -> list[list[str]]:
    """The commands the Kubernetes Jobs run from image ``hotline-<name>`` before its
    Deployment starts (the schema migration of a release)."""
    steps = []
    for path in sorted(manifests.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if not document or document.get("kind") != "Job":
                continue
            for container in document["spec"]["template"]["spec"]["containers"]:
                if container["image"] == f"hotline-{name}":
                    steps.append([*container.get("command", []), *container.get("args", [])])
    return steps


@contextmanager
def running(
    rehearsal: Rehearsal, runtime: Mapping[str, str], log: Path, timeout: float = 120
) -> Iterator[Rehearsal]:
    """The image's process started and healthy (its log in ``log``), stopped on leaving."""
    with log.open("wb") as output:
        process = rehearsal.start(
            rehearsal.image.command,
            runtime,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            if not rehearsal.healthy(process, runtime, timeout):
                raise RehearsalError(
                    f"{rehearsal.image.name}: not healthy within {timeout:.0f} s "
                    f"(exit code {process.poll()}); its log: {log}"
                )
            yield rehearsal
        finally:
            stop(process)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()


# In the order compose starts them: each one's address is given to the next, as compose's
# service names are (HOTLINE_ACTIONS_URL for the assistant, HOTLINE_RASA_URL for the gateway).
IMAGES = ("actions", "assistant", "gateway")


def addresses(name: str, port: int) -> dict[str, str]:
    """The settings that point the images started after ``name`` at it."""
    url = f"http://127.0.0.1:{port}"
    return {
        "actions": {"HOTLINE_ACTIONS_URL": f"{url}/webhook"},
        "assistant": {"HOTLINE_RASA_URL": url},
        "gateway": {"HOTLINE_GATEWAY_URL": url, "HOTLINE_PUBLIC_URL": url},
    }[name]


def build_and_release(name: str, root: Path, runtime: Mapping[str, str], port: int) -> Rehearsal:
    """``name``'s image built under ``root`` (answering on ``port``), its release steps (Jobs)
    run from it."""
    rehearsal = Rehearsal(parse_dockerfile(DEPLOY / f"{name}.Dockerfile"), root, port)
    rehearsal.build()
    for step in release_steps(name):
        done = rehearsal.run(step, runtime, capture_output=True, text=True)
        if done.returncode != 0:
            raise RehearsalError(f"{name}: release step {shlex.join(step)}: {done.stderr[-2000:]}")
        print(f"{name}: release step {shlex.join(step)} done")
    return rehearsal


@contextmanager
def deployment(
    names: tuple[str, ...], base: Path, runtime: Mapping[str, str], timeout: float
) -> Iterator[dict[str, Rehearsal]]:
    """Each image built, released and healthy, in order, each told where the earlier ones
    answer; all stopped on leaving."""
    settings = dict(runtime)
    free = Ports.free()
    ports = {"actions": free.actions, "assistant": free.rasa, "gateway": free.gateway}
    started: dict[str, Rehearsal] = {}
    with ExitStack() as running_images:
        for name in names:
            clock = time.monotonic()
            rehearsal = build_and_release(name, base / name, settings, ports[name])
            # Known before it starts: the gateway signs its own public address.
            settings.update(addresses(name, rehearsal.port))
            running_images.enter_context(
                running(rehearsal, settings, base / f"{name}.log", timeout)
            )
            print(
                f"{name}: healthy on 127.0.0.1:{rehearsal.port} (the image's "
                f"{rehearsal.image.exposed}) after {time.monotonic() - clock:.0f} s"
            )
            started[name] = rehearsal
        yield started


def first_turns(gateway_url: str, settings: Mapping[str, str]) -> list[list[str]]:
    """A person's first two texts of a sign-up, signed as Twilio signs them: the assistant
    answers the first, the action server checks the second (the form's validation)."""
    from channels.twilio.fake_phone import FakePhone, random_number

    phone = FakePhone(
        gateway_url=gateway_url,
        public_url=settings["HOTLINE_PUBLIC_URL"],
        auth_token=settings["TWILIO_AUTH_TOKEN"],
        from_number=random_number(),
        timeout_seconds=60,
    )
    return [phone.text("i want to sign up for custody alerts"), phone.text("1")]


@contextmanager
def runtime_settings() -> Iterator[dict[str, str]]:
    """What a deployment gives the images at run time: random secrets of their own, a
    throwaway PostgreSQL database, messages kept in the outbox (nothing reaches a phone)."""
    from scripts.throwaway_postgres import throwaway_postgres  # SQLAlchemy only when run

    with tempfile.TemporaryDirectory(prefix="rehearsal-") as work, throwaway_postgres() as url:
        settings = dict(Stack.throwaway(Ports.free(), Path(work)).env)
        settings.pop("HOTLINE_SPOOL_DIR")  # the image's own volume
        settings.update(HOTLINE_DATABASE_URL=url, HOTLINE_TRACKER_STORE_URL=url)
        yield settings


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "images",
        nargs="*",
        metavar="IMAGE",
        help=f"some of {', '.join(IMAGES)} (all three, connected, by default)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the roots in var/rehearsal")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to become healthy")
    args = parser.parse_args(argv)
    unknown = set(args.images) - set(IMAGES)
    if unknown:
        parser.error(
            f"no such image: {', '.join(sorted(unknown))} (the images: {', '.join(IMAGES)})"
        )
    names = tuple(name for name in IMAGES if name in (args.images or IMAGES))
    base = ROOT / "var" / "rehearsal" if args.keep else Path(tempfile.mkdtemp(prefix="images-"))
    shutil.rmtree(base, ignore_errors=True)
    try:
        with runtime_settings() as runtime, deployment(names, base, runtime, args.timeout) as up:
            if "gateway" in up and "assistant" in up:
                settings = {**runtime, **addresses("gateway", up["gateway"].port)}
                for turn, replies in enumerate(
                    first_turns(settings["HOTLINE_GATEWAY_URL"], settings), 1
                ):
                    print(f"text {turn} answered: {' / '.join(replies)[:120]}")
    except RehearsalError as problem:
        print(f"FAILED: {problem}", file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    print(f"rehearsed: {', '.join(names)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
