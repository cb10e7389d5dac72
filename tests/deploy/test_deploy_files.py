"""The deployment files (deploy/): the rendered Kubernetes manifests, the compose file, the
Dockerfiles and the example secrets, checked offline against what the processes really serve
and read. kubectl must be installed (CI has it): without it these tests fail, never skip."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts import validate_deploy
from scripts.deploy_requirements import path as requirements_path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPONENT = "app.kubernetes.io/component"
WORKLOADS = {"Deployment", "StatefulSet", "Job"}
# Settings whose values are credentials: secrets by name, and the URLs that carry a password.
SECRET_NAME = re.compile(r"(TOKEN|SECRET|_KEY|_KEYS|PASSWORD)$")
CREDENTIAL_URLS = {"HOTLINE_DATABASE_URL", "HOTLINE_TRACKER_STORE_URL", "HOTLINE_REDIS_URL"}
PLACEHOLDER = "change-me"


@pytest.fixture(scope="module")
def rendered() -> list[dict[str, Any]]:
    try:
        return validate_deploy.render()
    except validate_deploy.RenderError as error:
        pytest.fail(str(error))


def by_kind(objects: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def pod_specs(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each workload's pod spec, by its component label."""
    return {
        o["spec"]["template"]["metadata"]["labels"][COMPONENT]: o["spec"]["template"]["spec"]
        for o in objects
        if o["kind"] in WORKLOADS
    }


def settings_read() -> set[str]:
    """Every HOTLINE_*/TWILIO_* name the gateway's settings, the actions, Rasa's side (bot/) and
    .env.example mention."""
    sources = [ROOT / "channels" / "config" / "settings.py", ROOT / ".env.example"]
    sources += [*(ROOT / "actions").glob("*.py"), *(ROOT / "bot").glob("*.py")]
    names: set[str] = set()
    for source in sources:
        names |= set(re.findall(r"\b((?:HOTLINE|TWILIO)_[A-Z_]*[A-Z])\b", source.read_text()))
    return names


def secret_settings() -> set[str]:
    return {n for n in settings_read() if SECRET_NAME.search(n)} | CREDENTIAL_URLS


def env_file(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            pairs[name] = value
    return pairs


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yml").read_text())
    return loaded


def test_every_rendered_object_is_valid_against_the_kubernetes_schemas(rendered):
    assert validate_deploy.problems(rendered) == []


def test_the_workloads_are_the_four_processes_and_the_migration_job(rendered):
    assert set(pod_specs(rendered)) == {"gateway", "rasa", "actions", "worker", "migrate"}
    migration = pod_specs(rendered)["migrate"]["containers"][0]
    assert migration["command"] == ["python", "-m", "channels.storage.migrate"]


def test_probes_are_on_the_endpoints_each_process_really_serves(rendered):
    def probe(component: str, kind: str) -> tuple[str, int | str]:
        container = pod_specs(rendered)[component]["containers"][0]
        get = container[kind]["httpGet"]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        return get["path"], ports.get(get["port"], get["port"])

    assert probe("gateway", "livenessProbe") == ("/healthz", 5000)
    assert probe("gateway", "readinessProbe") == ("/readyz", 5000)
    for kind in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert probe("rasa", kind) == ("/", 5005)  # Rasa's root: the model is loaded
    assert probe("actions", "livenessProbe") == ("/health", 5055)
    assert probe("actions", "readinessProbe") == ("/health", 5055)


def test_rasa_runs_two_named_replicas_the_gateway_lists_up_to_the_autoscalers_maximum(rendered):
    rasa = by_kind(rendered, "StatefulSet")["rasa"]
    hpa = next(iter(by_kind(rendered, "HorizontalPodAutoscaler").values()))
    assert rasa["spec"]["replicas"] == hpa["spec"]["minReplicas"] == 2
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "StatefulSet",
                                             "name": "rasa"}  # fmt: skip
    config = next(iter(by_kind(rendered, "ConfigMap").values()))["data"]
    urls = config["HOTLINE_RASA_URL"].split(",")
    assert urls == [f"http://rasa-{n}.rasa:5005" for n in range(hpa["spec"]["maxReplicas"])]
    assert config["HOTLINE_MIGRATE_AT_START"] == "false"


def test_every_long_running_process_has_a_disruption_budget(rendered):
    budgets = {
        b["spec"]["selector"]["matchLabels"][COMPONENT]
        for b in by_kind(rendered, "PodDisruptionBudget").values()
    }
    assert budgets == {"gateway", "rasa", "actions"}


def allowed_sources(rule: dict[str, Any]) -> set[str]:
    """The components a NetworkPolicy ingress rule lets in ("*": anyone)."""
    if "from" not in rule:
        return {"*"}
    sources: set[str] = set()
    for peer in rule["from"]:
        selector = peer["podSelector"]
        sources |= set(selector.get("matchLabels", {}).values())
        for expression in selector.get("matchExpressions", []):
            assert (expression["key"], expression["operator"]) == (COMPONENT, "In")
            sources |= set(expression["values"])
    return sources


def test_network_policies_allow_exactly_the_designed_paths(rendered):
    policies = by_kind(rendered, "NetworkPolicy")
    default = [p for p in policies.values() if p["spec"]["podSelector"] == {}]
    assert len(default) == 1 and "ingress" not in default[0]["spec"]  # deny all ingress
    assert default[0]["spec"]["policyTypes"] == ["Ingress"]
    paths = set()
    for policy in policies.values():
        target = policy["spec"]["podSelector"].get("matchLabels", {})
        for rule in policy["spec"].get("ingress", []):
            ports = tuple(p["port"] for p in rule["ports"])
            for source in allowed_sources(rule):
                paths.add((source, *target.values(), ports))
    data = {"gateway", "worker", "rasa"}
    assert paths == {
        ("*", "gateway", (5000,)),  # Twilio, the console, the API, the actions' calls
        ("gateway", "rasa", (5005,)),
        ("rasa", "actions", (5055,)),
        *((source, "postgresql", (5432,)) for source in data | {"migrate"}),
        *((source, "redis", (6379,)) for source in data),
    }


def test_secret_settings_come_only_from_the_secret(rendered):
    secrets = secret_settings()
    assert {"TWILIO_AUTH_TOKEN", "HOTLINE_ACTIONS_TOKEN", "HOTLINE_TRACKER_KEYS"} <= secrets
    generated = env_file(DEPLOY / "k8s" / "overlays" / "production" / "secrets.env.example")
    config = next(iter(by_kind(rendered, "ConfigMap").values()))["data"]
    assert not secrets & set(config)
    secret_name = next(iter(by_kind(rendered, "Secret")))
    for component, spec in pod_specs(rendered).items():
        for container in spec["containers"]:
            for variable in container.get("env", []):
                if variable["name"] in secrets:
                    reference = variable["valueFrom"]["secretKeyRef"]
                    assert reference["name"] == secret_name, (component, variable["name"])
                    assert reference["key"] in generated, (component, variable["name"])


def test_each_process_gets_the_secrets_it_needs_and_rasa_none_of_the_gateways(rendered):
    def secret_keys(component: str) -> set[str]:
        env = pod_specs(rendered)[component]["containers"][0]["env"]
        return {v["name"] for v in env if "secretKeyRef" in v.get("valueFrom", {})}

    gateway_side = {"TWILIO_AUTH_TOKEN", "HOTLINE_SECRET_KEY", "HOTLINE_API_TOKEN",
                    "HOTLINE_RASA_TOKEN", "HOTLINE_DATABASE_URL", "HOTLINE_REDIS_URL"}  # fmt: skip
    for component in ("gateway", "worker", "migrate"):
        assert gateway_side <= secret_keys(component)
    assert secret_keys("rasa") == {"HOTLINE_RASA_TOKEN", "HOTLINE_ACTIONS_TOKEN",
                                   "HOTLINE_TRACKER_KEYS", "HOTLINE_TRACKER_STORE_URL"}  # fmt: skip
    assert secret_keys("actions") == {"HOTLINE_ACTIONS_TOKEN", "HOTLINE_API_TOKEN"}


def committed_deploy_files() -> list[Path]:
    """What git would commit under deploy/ (tracked, or new and not ignored)."""
    command = ["git", "ls-files", "--cached", "--others", "--exclude-standard", "deploy"]
    listed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return [ROOT / name for name in listed.stdout.split()]


def test_no_committed_file_holds_a_secret_value():
    files = committed_deploy_files()
    names = {f.name for f in files}
    assert "secrets.env" not in names and "hotline.env" not in names
    secrets = secret_settings() | {"POSTGRES_PASSWORD"}
    for file in files:
        text = file.read_text()
        if file.suffix in (".yaml", ".yml"):
            for document in yaml.safe_load_all(text):
                assert not (isinstance(document, dict) and document.get("kind") == "Secret"), file
        if file.name.endswith(".env.example"):
            for name, value in env_file(file).items():
                if name in secrets:
                    assert value == "" or PLACEHOLDER in value, (file.name, name)
    for dockerfile in DEPLOY.glob("*.Dockerfile"):
        for name in re.findall(r"^(?:ENV|ARG)\s+(.*)$", dockerfile.read_text(), re.M):
            assert not secrets & set(re.findall(r"[A-Z_]+(?==)", name)), dockerfile.name


def test_compose_takes_every_secret_from_its_env_file():
    secrets = secret_settings() | {"POSTGRES_PASSWORD"}
    for name, service in compose()["services"].items():
        for variable, value in (service.get("environment") or {}).items():
            literal = re.sub(r"\$\{[A-Z_]+(:[?-][^}]*)?\}", "", str(value))
            if variable in CREDENTIAL_URLS:  # a password in it comes from the env file
                assert not re.search(r"://[^/@]*:[^/@]+@", literal), (name, variable)
            elif variable in secrets:
                assert literal == "", (name, variable)
            assert PLACEHOLDER not in str(value), (name, variable)


def test_compose_names_the_same_services_with_two_rasa_replicas(rendered):
    services = compose()["services"]
    processes = {re.sub(r"-\d+$", "", name) for name in services} - {"postgres", "redis"}
    assert processes == set(pod_specs(rendered))
    gateway_env = services["gateway"]["environment"]
    assert gateway_env["HOTLINE_RASA_URL"] == "http://rasa-1:5005,http://rasa-2:5005"
    for name in ("gateway", "worker"):
        assert services[name]["environment"]["HOTLINE_MIGRATE_AT_START"] == "false"
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    assert services["migrate"]["command"] == ["python", "-m", "channels.storage.migrate"]
    health = {name: " ".join(s["healthcheck"]["test"]) for name, s in services.items()
              if "healthcheck" in s}  # fmt: skip
    assert "5000/healthz" in health["gateway"]
    assert "5055/health'" in health["actions"]
    assert "5005/'" in health["rasa-1"] and "5005/'" in health["rasa-2"]
    assert {"postgres", "redis"} <= set(health)


def test_every_pod_and_image_runs_as_a_user_other_than_root(rendered):
    for component, spec in pod_specs(rendered).items():
        context = spec["securityContext"]
        assert context["runAsNonRoot"] is True and context["runAsUser"] != 0, component
        for container in spec["containers"]:
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
    for dockerfile in DEPLOY.glob("*.Dockerfile"):
        text = dockerfile.read_text()
        stages = re.split(r"^FROM ", text, flags=re.M)[1:]
        assert all(stage.startswith("python:3.10-slim") for stage in stages), dockerfile.name
        users = re.findall(r"^USER (\d+)", stages[-1], re.M)
        assert users and int(users[-1]) != 0, dockerfile.name


def test_each_image_checks_the_health_endpoint_of_its_process():
    expected = {"gateway": "5000/healthz", "assistant": "5005/'", "actions": "5055/health"}
    for image, endpoint in expected.items():
        text = (DEPLOY / f"{image}.Dockerfile").read_text()
        healthcheck = re.search(r"^HEALTHCHECK .*?CMD (.*)$", text, re.M | re.S)
        assert healthcheck and endpoint in healthcheck.group(1), image


def test_the_gateway_and_action_images_install_neither_rasa_nor_tensorflow():
    for image in ("gateway", "actions"):
        names = {
            line.split("==")[0].lower()
            for line in requirements_path(image).read_text().splitlines()
            if line and not line.startswith("#")
        }
        assert "rasa" not in names and not any(n.startswith("tensorflow") for n in names)
    assert "rasa" in requirements_path("assistant").read_text().lower()
