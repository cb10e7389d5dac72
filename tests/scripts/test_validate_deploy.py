import shutil

import pytest

from scripts import validate_deploy
from scripts.validate_deploy import RenderError, main, problems, render


def test_the_overlay_renders_with_the_example_secrets_never_the_real_ones(tmp_path):
    tree = tmp_path / "k8s"
    shutil.copytree(validate_deploy.K8S, tree)
    real = tree / validate_deploy.OVERLAY / validate_deploy.SECRETS
    real.write_text("HOTLINE_API_TOKEN=the-real-one\n")
    secret = next(o for o in render(tree) if o["kind"] == "Secret")
    assert "HOTLINE_TRACKER_KEYS" in secret["data"]  # from secrets.env.example
    assert set(secret["data"]) != {"HOTLINE_API_TOKEN"}


def test_an_unknown_field_and_a_wrong_type_are_reported():
    objects = render()
    rasa = next(o for o in objects if o["kind"] == "StatefulSet")
    rasa["spec"]["replicas"] = "two"
    deployments = {o["metadata"]["name"]: o for o in objects if o["kind"] == "Deployment"}
    gateway = deployments["gateway"]
    gateway["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]["httpGet"]["pth"] = "/"
    found = problems(objects)
    assert len(found) == 2
    assert found[0].startswith("Deployment/gateway: ") and "'pth' was unexpected" in found[0]
    assert found[1] == "StatefulSet/rasa: spec.replicas: 'two' is not of type 'integer'"


def test_a_kind_without_a_schema_is_a_problem():
    thing = {"apiVersion": "example.org/v1", "kind": "Thing", "metadata": {"name": "x"}}
    assert problems([thing]) == ["Thing/x: no schema for example.org/v1 Thing"]


def test_without_kubectl_it_fails_with_a_clear_message(monkeypatch, capsys):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(RenderError, match="kubectl not found"):
        render()
    assert main() == 1
    assert "kubectl not found" in capsys.readouterr().err


def test_the_committed_manifests_are_valid(capsys):
    assert main() == 0
    assert "valid against the Kubernetes 1.28.0 schemas" in capsys.readouterr().out
