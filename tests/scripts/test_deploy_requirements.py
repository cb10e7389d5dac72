from scripts import deploy_requirements
from scripts.deploy_requirements import closure, main, path, render


def lock() -> dict[str, str]:
    text = (deploy_requirements.ROOT / "requirements.lock").read_text()
    pins = (line.split("==") for line in text.splitlines() if line and not line.startswith("#"))
    return {name.lower(): version for name, version in pins}


def test_the_committed_files_are_what_the_lock_gives_now():
    assert main(["--check"]) == 0


def test_every_package_of_every_image_is_pinned_as_in_the_lock():
    locked = lock()
    for image in deploy_requirements.ROOTS:
        for line in path(image).read_text().splitlines():
            if line and not line.startswith("#"):
                name, version = line.split("==")
                assert locked[name.lower()] == version, (image, name)


def test_a_closure_follows_dependencies_and_skips_other_platforms_and_extras():
    found = closure(("Flask",))
    assert {"Flask", "Werkzeug", "Jinja2", "MarkupSafe", "click"} <= set(found)
    assert "python-dotenv" not in found  # Flask's "dotenv" extra
    assert "colorama" not in found  # click's Windows-only need


def test_the_gateway_image_gets_no_rasa_and_the_assistant_image_gets_it():
    assert "rasa" not in render("gateway").lower()
    assert "\nrasa==3.6.21\n" in render("assistant")


def test_check_reports_a_stale_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(deploy_requirements, "DEPLOY", tmp_path)
    assert main(["--check"]) == 1
    assert "requirements-gateway.txt" in capsys.readouterr().out
    assert main([]) == 0 and main(["--check"]) == 0
