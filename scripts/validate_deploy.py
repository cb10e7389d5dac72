"""Check the Kubernetes manifests offline: ``python -m scripts.validate_deploy`` (``make
validate-deploy``, part of ``make test``).

Renders the production overlay with ``kubectl kustomize`` and validates every object against the
Kubernetes JSON schemas that ``kubernetes-validate`` ships (strict: an unknown field is an
error), with no cluster and no network. The overlay's ``secrets.env`` is the operator's and never
read here: the rendering uses a copy of the tree with the committed ``secrets.env.example`` in
its place, so real secrets are never printed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import kubernetes_validate
import yaml

ROOT = Path(__file__).resolve().parent.parent
K8S = ROOT / "deploy" / "k8s"
OVERLAY = Path("overlays") / "production"
SECRETS = "secrets.env"
# The newest schemas kubernetes-validate 1.28 ships (the last release compatible with Rasa 3.6's
# jsonschema pin); every API the manifests use is stable since Kubernetes 1.23.
KUBERNETES_VERSION = "1.28.0"


class RenderError(RuntimeError):
    """kubectl is missing or kustomize failed."""


def render(k8s: Path = K8S) -> list[dict[str, Any]]:
    """The production overlay's objects, rendered with the example secrets."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        raise RenderError("kubectl not found: install it to render the manifests (CI has it)")
    with tempfile.TemporaryDirectory(prefix="hotline-k8s-") as scratch:
        tree = Path(scratch) / "k8s"
        shutil.copytree(k8s, tree, ignore=shutil.ignore_patterns(SECRETS))
        overlay = tree / OVERLAY
        shutil.copy(overlay / f"{SECRETS}.example", overlay / SECRETS)
        result = subprocess.run(
            [kubectl, "kustomize", str(overlay)], capture_output=True, text=True, check=False
        )
    if result.returncode != 0:
        raise RenderError(f"kubectl kustomize failed: {result.stderr.strip()}")
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def problems(objects: list[dict[str, Any]]) -> list[str]:
    """What is wrong with each object against the Kubernetes schemas (empty: all valid)."""
    found = []
    for item in objects:
        name = f"{item.get('kind')}/{item.get('metadata', {}).get('name')}"
        try:
            kubernetes_validate.validate(item, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            where = ".".join(str(part) for part in error.path)
            found.append(f"{name}: {where}: {error.message}")
        except (kubernetes_validate.SchemaNotFoundError, kubernetes_validate.InvalidSchemaError):
            found.append(f"{name}: no schema for {item.get('apiVersion')} {item.get('kind')}")
    return found


def main() -> int:
    try:
        objects = render()
    except RenderError as error:
        print(f"validate-deploy: {error}", file=sys.stderr)
        return 1
    found = problems(objects)
    for problem in found:
        print(problem, file=sys.stderr)
    if found:
        return 1
    print(
        f"{len(objects)} objects of {K8S.relative_to(ROOT) / OVERLAY} valid against the "
        f"Kubernetes {KUBERNETES_VERSION} schemas (strict)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
