"""Schemathesis against ``docs/openapi.yml``: every operation of the JSON API, driven with
generated requests (valid and invalid), in-process. No answer is a 5xx, and every answer
matches the document (status code, content type, body schema)."""

from __future__ import annotations

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.fuzz.conftest import TOKEN

OPENAPI = "docs/openapi.yml"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def api_schema(fuzzed_app: Flask) -> schemathesis.schemas.BaseSchema:
    schema = schemathesis.openapi.from_path(OPENAPI)
    schema.app = fuzzed_app
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_never_fails_and_matches_its_document(case: schemathesis.Case) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {TOKEN}", "X-Hotline-Actor": "fuzzer"},
        checks=CHECKS,
    )
