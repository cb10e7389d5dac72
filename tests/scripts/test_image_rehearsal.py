"""scripts/image_rehearsal.py: the Dockerfiles read as Docker reads them, the images' Python
environments built offline as pip would build them, and refused when they would not work."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from scripts.image_rehearsal import (
    DEPLOY,
    ROOT,
    Image,
    Rehearsal,
    RehearsalError,
    install,
    instructions,
    made_directories,
    missing_dependencies,
    parse_dockerfile,
    parse_env,
    release_steps,
)


def test_instructions_join_continued_lines_and_drop_comments():
    text = '# a comment\nFROM python:3.10-slim AS build\nENV A=1 \\\n    B=2\n\nCMD ["x"]\n'
    assert list(instructions(text)) == [
        ("FROM", "python:3.10-slim AS build"),
        ("ENV", "A=1 B=2"),
        ("CMD", '["x"]'),
    ]


def test_env_values_expand_what_is_set_before_them():
    found = parse_env("PATH=/opt/venv/bin:$PATH HOME=/srv WHERE=$HOME/x", {"PATH": "/usr/bin"})
    assert found == {"PATH": "/opt/venv/bin:/usr/bin", "HOME": "/srv", "WHERE": "/srv/x"}


def test_mkdir_in_a_run_line_names_the_directories_it_makes():
    run = "useradd --uid 1 x && mkdir -p /var/lib/hotline/spool /srv && chown -R 1 /var/lib"
    assert made_directories(run) == ["/var/lib/hotline/spool", "/srv"]


@pytest.mark.parametrize(
    ("name", "port", "requirements", "health"),
    [
        ("gateway", 5000, "requirements-gateway.txt", "/healthz"),
        ("actions", 5055, "requirements-actions.txt", "/health"),
        ("assistant", 5005, "requirements-assistant.txt", "5005/'"),
    ],
)
def test_each_dockerfile_is_read_whole(name, port, requirements, health):
    image = parse_dockerfile(DEPLOY / f"{name}.Dockerfile")
    assert image.requirements == DEPLOY / requirements
    assert image.exposed == port and image.workdir == "/app"
    assert image.env["PATH"].startswith("/opt/venv/bin:/usr/local/sbin")  # $PATH expanded
    assert image.command and health in " ".join(image.healthcheck)
    assert all(
        (ROOT / source).exists() or source.startswith("models/") for source, _ in image.copies
    )


def test_the_gateway_image_runs_the_migration_job_of_the_manifests():
    assert release_steps("gateway") == [["python", "-m", "channels.storage.migrate"]]
    assert release_steps("assistant") == [] and release_steps("actions") == []


def rehearsal_of(tmp_path: Path, copies: list[tuple[str, str]]) -> Rehearsal:
    image = Image(name="x", requirements=Path(), copies=copies, workdir="/app", exposed=5000)
    return Rehearsal(image, tmp_path, port=41234)


def test_copy_follows_dockers_rules_for_files_and_folders(tmp_path):
    rehearsal = rehearsal_of(tmp_path, [])
    rehearsal.copy(ROOT / "gunicorn.conf.py", "./")
    rehearsal.copy(ROOT / "formats", "formats/")
    rehearsal.copy(ROOT / "config.yml", "/etc/hotline.yml")
    assert (tmp_path / "app" / "gunicorn.conf.py").is_file()
    assert (tmp_path / "app" / "formats" / "danger.py").is_file()  # the folder's content
    assert not list((tmp_path / "app" / "formats").rglob("__pycache__"))
    assert (tmp_path / "etc" / "hotline.yml").read_bytes() == (ROOT / "config.yml").read_bytes()


def test_a_copy_of_something_not_in_the_repository_fails_the_build(tmp_path):
    with pytest.raises(RehearsalError, match="not in the repository"):
        rehearsal_of(tmp_path, []).copy(ROOT / "no-such-folder", "x/")


def test_the_images_paths_and_port_are_mapped_and_loopback_replaces_every_interface(tmp_path):
    rehearsal = rehearsal_of(tmp_path, [])
    assert rehearsal.mapped("/opt/venv/bin:/usr/bin") == f"{tmp_path}/opt/venv/bin:/usr/bin"
    assert rehearsal.mapped("0.0.0.0:5000") == "127.0.0.1:41234"
    assert rehearsal.mapped("http://127.0.0.1:50001/") == "http://127.0.0.1:50001/"  # not 5000
    assert rehearsal.mapped("/application") == "/application"


def test_the_environment_is_the_images_alone_plus_the_deployments(tmp_path, monkeypatch):
    monkeypatch.setenv("LEAKED_FROM_THE_SHELL", "1")
    image = parse_dockerfile(DEPLOY / "gateway.Dockerfile")
    env = Rehearsal(image, tmp_path, port=41234).environment({"HOTLINE_RASA_URL": "http://r"})
    assert "LEAKED_FROM_THE_SHELL" not in env and "VIRTUAL_ENV" not in env
    assert env["HOTLINE_SPOOL_DIR"] == f"{tmp_path}/var/lib/hotline/spool"
    assert env["HOTLINE_BIND"] == "127.0.0.1:41234" and env["HOTLINE_RASA_URL"] == "http://r"


def locked(name: str) -> str:
    """``name==version`` as requirements.lock pins it, as a requirements file's line."""
    lines = (ROOT / "requirements.lock").read_text().splitlines()
    return next(line for line in lines if line.lower().startswith(f"{name}==")) + "\n"


def python_of(venv: Path) -> str:
    return str(venv / "bin" / "python")


def test_an_image_environment_holds_what_its_requirements_name_and_nothing_else(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(locked("itsdangerous"))
    venv = tmp_path / "venv"
    assert install(requirements, venv) == 1
    imports = [python_of(venv), "-c", "import itsdangerous"]
    assert subprocess.run(imports, capture_output=True).returncode == 0
    absent = [python_of(venv), "-c", "import flask"]  # in .venv, not named here
    assert subprocess.run(absent, capture_output=True).returncode != 0
    assert missing_dependencies(venv) == []


def test_a_missing_dependency_is_reported_as_pip_check_would(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(locked("flask"))
    venv = tmp_path / "venv"
    install(requirements, venv)
    problems = missing_dependencies(venv)
    assert any(problem.startswith("flask needs werkzeug") for problem in problems), problems


def test_a_pin_the_lock_did_not_install_is_refused(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("itsdangerous==0.1\n")
    with pytest.raises(RehearsalError, match="lock drifted"):
        install(requirements, tmp_path / "venv")


def test_console_scripts_run_the_images_python_not_the_projects(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(locked("gunicorn"))
    venv = tmp_path / "venv"
    install(requirements, venv)
    first_line = (venv / "bin" / "gunicorn").read_text().splitlines()[0]
    assert first_line == f"#!{venv}/bin/python"
