"""docs/openapi.yml against the code: structure, routes, security, examples and live answers.

No OpenAPI validator package is installed, so the document's essentials are checked with
jsonschema (Draft 4, the dialect OpenAPI 3.0 schemas extend) and its schemas are used, with
``nullable`` translated, to validate the examples and real answers of the app.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from channels import create_app
from channels.alerts.custody import records as custody
from channels.alerts.custody.records import CUSTODY
from channels.alerts.notifications.events import EventError, parse_event
from channels.alerts.notifications.models import EventType, NotificationStatus
from channels.alerts.notifications.service import NOTIFICATIONS
from channels.alerts.registrations.errors import RegistrationError
from channels.alerts.registrations.models import RegistrationStatus
from channels.alerts.registrations.parsing import RELATIONSHIPS, parse_new_registration
from channels.assistant.client import RASA, RasaClient
from channels.config.settings import Settings
from channels.handoff.states import EventKind, HandoffStatus, Priority, Reason
from channels.outbound.message import Channel
from channels.outbound.outbox import OUTBOX
from channels.routes.review_api import REPORTED
from channels.storage.database import DATABASE
from channels.storage.privacy import PRIVACY
from channels.texts.languages import LANGUAGES

SPEC_PATH = Path(__file__).resolve().parents[3] / "docs" / "openapi.yml"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
ACTIONS_TOKEN = "docs-test-actions-token"
EVENTS_TOKEN = "docs-test-events-token"
INTEGRATIONS_TOKEN = "docs-test-integrations-token"
TOKENS = {
    "actionsToken": ACTIONS_TOKEN,
    "eventsToken": EVENTS_TOKEN,
    "integrationsToken": INTEGRATIONS_TOKEN,
}
JSON = "application/json"
Parser = Callable[[dict[str, Any]], object]

_REFERENCE = {
    "type": "object",
    "required": ["$ref"],
    "properties": {"$ref": {"type": "string", "pattern": "^#/"}},
}
_EXTENSIONS: dict[str, Any] = {"^x-": {}}


def _ref_or(definition: str) -> dict[str, Any]:
    return {"oneOf": [{"$ref": "#/definitions/reference"}, {"$ref": f"#/definitions/{definition}"}]}


def _map_of(definition: str) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": _ref_or(definition)}


# The essentials of an OpenAPI 3.0 document: its top level, path items, operations, parameters,
# request bodies, responses, media types and security schemes (schemas are checked by use).
OPENAPI_DOCUMENT = {
    "type": "object",
    "required": ["openapi", "info", "paths"],
    "properties": {
        "openapi": {"type": "string", "pattern": r"^3\.0\.\d+$"},
        "info": {
            "type": "object",
            "required": ["title", "version"],
            "properties": {
                "title": {"type": "string", "minLength": 1},
                "version": {"type": "string", "minLength": 1},
                "description": {"type": "string"},
            },
        },
        "servers": {
            "type": "array",
            "items": {"type": "object", "required": ["url"]},
        },
        "tags": {
            "type": "array",
            "items": {"type": "object", "required": ["name"]},
        },
        "security": {"$ref": "#/definitions/security"},
        "paths": {
            "type": "object",
            "patternProperties": {"^/": {"$ref": "#/definitions/pathItem"}, **_EXTENSIONS},
            "additionalProperties": False,
        },
        "components": {
            "type": "object",
            "properties": {
                "schemas": {"type": "object", "additionalProperties": {"type": "object"}},
                "responses": _map_of("response"),
                "parameters": _map_of("parameter"),
                "requestBodies": _map_of("requestBody"),
                "headers": _map_of("header"),
                "securitySchemes": _map_of("securityScheme"),
                "examples": {"type": "object"},
                "links": {"type": "object"},
                "callbacks": {"type": "object"},
            },
            "patternProperties": _EXTENSIONS,
            "additionalProperties": False,
        },
        "externalDocs": {"type": "object", "required": ["url"]},
    },
    "patternProperties": _EXTENSIONS,
    "additionalProperties": False,
    "definitions": {
        "reference": _REFERENCE,
        "security": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
        "pathItem": {
            "type": "object",
            "properties": {
                "summary": {"type": "string"},
                "description": {"type": "string"},
                "parameters": {"type": "array", "items": _ref_or("parameter")},
                **{method: {"$ref": "#/definitions/operation"} for method in HTTP_METHODS},
            },
            "patternProperties": _EXTENSIONS,
            "additionalProperties": False,
        },
        "operation": {
            "type": "object",
            "required": ["responses"],
            "properties": {
                "operationId": {"type": "string", "minLength": 1},
                "tags": {"type": "array", "items": {"type": "string"}},
                "summary": {"type": "string"},
                "description": {"type": "string"},
                "parameters": {"type": "array", "items": _ref_or("parameter")},
                "requestBody": _ref_or("requestBody"),
                "responses": {
                    "type": "object",
                    "minProperties": 1,
                    "patternProperties": {
                        "^([1-5][0-9]{2}|[1-5]XX|default)$": _ref_or("response"),
                        **_EXTENSIONS,
                    },
                    "additionalProperties": False,
                },
                "security": {"$ref": "#/definitions/security"},
                "deprecated": {"type": "boolean"},
            },
            "patternProperties": _EXTENSIONS,
            "additionalProperties": False,
        },
        "parameter": {
            "type": "object",
            "required": ["name", "in", "schema"],
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "in": {"enum": ["query", "header", "path", "cookie"]},
                "required": {"type": "boolean"},
                "description": {"type": "string"},
                "schema": {"type": "object"},
            },
            # A path parameter must say it is required.
            "anyOf": [
                {"properties": {"in": {"enum": ["query", "header", "cookie"]}}},
                {"required": ["required"], "properties": {"required": {"enum": [True]}}},
            ],
        },
        "requestBody": {
            "type": "object",
            "required": ["content"],
            "properties": {
                "description": {"type": "string"},
                "required": {"type": "boolean"},
                "content": {
                    "type": "object",
                    "minProperties": 1,
                    "additionalProperties": {"$ref": "#/definitions/mediaType"},
                },
            },
        },
        "response": {
            "type": "object",
            "required": ["description"],
            "properties": {
                "description": {"type": "string"},
                "headers": _map_of("header"),
                "content": {
                    "type": "object",
                    "additionalProperties": {"$ref": "#/definitions/mediaType"},
                },
            },
        },
        "header": {
            "type": "object",
            "required": ["schema"],
            "properties": {"description": {"type": "string"}, "schema": {"type": "object"}},
            "not": {"anyOf": [{"required": ["name"]}, {"required": ["in"]}]},
        },
        "mediaType": {
            "type": "object",
            "required": ["schema"],
            "properties": {
                "schema": {"type": "object"},
                "examples": {
                    "type": "object",
                    "additionalProperties": {"type": "object", "required": ["value"]},
                },
            },
            "not": {"required": ["example", "examples"]},  # one or the other
        },
        "securityScheme": {
            "type": "object",
            "required": ["type"],
            "properties": {"type": {"enum": ["apiKey", "http", "oauth2", "openIdConnect"]}},
            "anyOf": [
                {"properties": {"type": {"enum": ["apiKey", "oauth2", "openIdConnect"]}}},
                {"required": ["scheme"], "properties": {"scheme": {"type": "string"}}},
            ],
        },
    },
}


# -- reading the document ----------------------------------------------------------------------


@cache
def _load() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    assert isinstance(document, dict), "docs/openapi.yml must hold a mapping"
    return document


@pytest.fixture
def spec() -> dict[str, Any]:
    return copy.deepcopy(_load())


def _resolve(document: dict[str, Any], ref: str) -> Any:
    """The node a local ``$ref`` ("#/components/...") points at; KeyError when it points nowhere."""
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _deref(document: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = _resolve(document, node["$ref"])
    return node


def _walk(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from _walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{where}/{index}")


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


def _as_json_schema(document: dict[str, Any]) -> dict[str, Any]:
    """The document with OpenAPI's ``nullable: true`` spelled as JSON Schema's ``"null"`` type."""
    converted = copy.deepcopy(document)
    for _, node in list(_walk(converted)):
        if node.pop("nullable", False) is True:
            if "type" in node:
                node["type"] = [node["type"], "null"]
            else:
                rest = {key: node.pop(key) for key in list(node)}
                node["anyOf"] = [{"type": "null"}, rest]
    return converted


def _check_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("a date-time needs its offset")
    return True


def _check_date(value: object) -> bool:
    if isinstance(value, str):
        date.fromisoformat(value)
    return True


FORMATS = jsonschema.FormatChecker(())
FORMATS.checks("date-time", raises=ValueError)(_check_date_time)
FORMATS.checks("date", raises=ValueError)(_check_date)


def _errors(document: dict[str, Any], schema: dict[str, Any], instance: Any) -> list[str]:
    """Every way ``instance`` breaks ``schema`` (a node of the OpenAPI document)."""
    converted = _as_json_schema(document)
    resolver = jsonschema.RefResolver("", converted)
    validator = jsonschema.Draft4Validator(
        _as_json_schema({"root": schema})["root"], resolver=resolver, format_checker=FORMATS
    )
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in validator.iter_errors(instance)
    ]


def _media(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    media = _deref(document, node)["content"][JSON]
    assert isinstance(media, dict)
    return media


def _examples(media: dict[str, Any]) -> dict[str, Any]:
    if "example" in media:
        return {"example": media["example"]}
    return {name: example["value"] for name, example in media.get("examples", {}).items()}


def _request_examples(document: dict[str, Any], operation_id: str) -> dict[str, Any]:
    for _, _, operation in _operations(document):
        if operation.get("operationId") == operation_id:
            return _examples(_media(document, operation["requestBody"]))
    raise AssertionError(f"no operation {operation_id}")


def _request_schema(document: dict[str, Any], operation_id: str) -> dict[str, Any]:
    for _, _, operation in _operations(document):
        if operation.get("operationId") == operation_id:
            schema = _media(document, operation["requestBody"])["schema"]
            assert isinstance(schema, dict)
            return schema
    raise AssertionError(f"no operation {operation_id}")


# -- 1. the document is well formed -------------------------------------------------------------


def test_the_document_has_the_shape_of_openapi_3_0(spec: dict[str, Any]) -> None:
    validator = jsonschema.Draft4Validator(OPENAPI_DOCUMENT)
    problems = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(spec)
    ]
    assert problems == []


def test_the_structural_schema_rejects_a_broken_document(spec: dict[str, Any]) -> None:
    del spec["paths"]["/api/custody/search"]["post"]["responses"]
    spec["openapi"] = "3.1.0"
    validator = jsonschema.Draft4Validator(OPENAPI_DOCUMENT)
    assert len(list(validator.iter_errors(spec))) >= 2


def test_every_ref_resolves(spec: dict[str, Any]) -> None:
    broken = []
    for where, node in _walk(spec):
        ref = node.get("$ref")
        if not isinstance(ref, str):
            continue
        try:
            target = _resolve(spec, ref) if ref.startswith("#/") else None
        except (KeyError, IndexError, ValueError):
            target = None
        if not isinstance(target, dict):
            broken.append(f"{where}: {ref}")
    assert broken == []


def test_schemas_are_valid_draft_4(spec: dict[str, Any]) -> None:
    converted = _as_json_schema(spec)
    for name, schema in converted["components"]["schemas"].items():
        try:
            jsonschema.Draft4Validator.check_schema(schema)
        except jsonschema.SchemaError as error:
            pytest.fail(f"components/schemas/{name}: {error.message}")


def test_operation_ids_are_unique_and_security_schemes_exist(spec: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in _operations(spec)]
    assert len(ids) == len(set(ids))
    schemes = set(spec["components"]["securitySchemes"])
    assert schemes == set(TOKENS)
    for path, method, operation in _operations(spec):
        used = {name for requirement in operation["security"] for name in requirement}
        assert len(used) == 1 and used <= schemes, f"{method} {path}: one known bearer scheme"


def test_path_parameters_are_declared(spec: dict[str, Any]) -> None:
    for path, method, operation in _operations(spec):
        parameters = spec["paths"][path].get("parameters", []) + operation.get("parameters", [])
        declared = {
            parameter["name"]
            for parameter in (_deref(spec, p) for p in parameters)
            if parameter["in"] == "path"
        }
        assert declared == set(re.findall(r"{([^}]+)}", path)), f"{method} {path}"


# -- 2. the document and the app's routes agree ------------------------------------------------


def _openapi_path(rule: str) -> str:
    """Flask's ``/a/<name>`` or ``/a/<int:name>`` as OpenAPI's ``/a/{name}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_openapi_path_conversion() -> None:
    assert _openapi_path("/api/x/<registration_id>/y") == "/api/x/{registration_id}/y"
    assert _openapi_path("/api/x/<int:attempt_id>") == "/api/x/{attempt_id}"


def test_every_api_route_is_documented_and_nothing_else(app: Flask, spec: dict[str, Any]) -> None:
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            methods = {method.lower() for method in rule.methods or ()} - {"head", "options"}
            routes.setdefault(_openapi_path(rule.rule), set()).update(methods)
    documented = {
        path: {method for method in HTTP_METHODS if method in item}
        for path, item in spec["paths"].items()
    }
    assert routes, "the app has no /api routes: is the blueprint registered?"
    assert documented == routes


# -- 3. examples: valid against their schemas and accepted by the code --------------------------


def test_every_example_matches_its_schema(spec: dict[str, Any]) -> None:
    problems: list[str] = []
    checked = 0
    for path, method, operation in _operations(spec):
        media = []
        if "requestBody" in operation:
            media.append(("request", _media(spec, operation["requestBody"])))
        for status, response in operation["responses"].items():
            if JSON in _deref(spec, response).get("content", {}):
                media.append((status, _media(spec, response)))
        for label, item in media:
            for name, example in _examples(item).items():
                checked += 1
                for error in _errors(spec, item["schema"], example):
                    problems.append(f"{method} {path} {label} {name}: {error}")
    assert checked >= 25
    assert problems == []


def test_the_schemas_reject_what_the_code_rejects(spec: dict[str, Any]) -> None:
    """A guard against a schema that accepts anything (e.g. a ``$ref`` that went nowhere)."""
    schema = _request_schema(spec, "createRegistration")
    example = _request_examples(spec, "createRegistration")["byANumber"]
    for field, bad in [
        ("pin", "48210"),
        ("relationship", "neighbour"),
        ("language", "fr"),
        ("voicemail_ok", "yes"),
        ("offender", {"name": "Juan Carlos Pérez Gómez", "a_number": "A2045"}),
        ("offender", {"name": "Juan Carlos Pérez Gómez", "birth_date": "1985-03-03"}),
        ("offender", {"name": "Juan Carlos Pérez Gómez", "country_of_birth": "Mexico"}),
        ("contact", {"channel": "fax", "value": "+17135550142"}),
    ]:
        body = {**example, field: bad}
        assert _errors(spec, schema, body), f"the schema accepts {field}={bad!r}"
        with pytest.raises(RegistrationError):
            parse_new_registration(body)


@pytest.mark.parametrize(
    ("operation_id", "parse", "error_type", "kept"),
    [
        pytest.param(
            "createRegistration",
            parse_new_registration,
            RegistrationError,
            "pin",
            id="registration",
        ),
        pytest.param("postCustodyEvent", parse_event, EventError, "event_id", id="event"),
    ],
)
def test_request_examples_are_accepted_by_the_code(
    spec: dict[str, Any],
    operation_id: str,
    parse: Parser,
    error_type: type[RegistrationError] | type[EventError],
    kept: str,
) -> None:
    """Every example of the request is parsed, and a field of it (``kept``) comes through."""
    examples = _request_examples(spec, operation_id)
    assert len(examples) >= 2
    for name, example in examples.items():
        try:
            parsed = parse(example)
        except error_type as error:
            pytest.fail(f"{operation_id} example {name} is refused: {error.fields}")
        assert getattr(parsed, kept) == example[kept]


def test_required_fields_are_required_by_the_code(spec: dict[str, Any]) -> None:
    """Leaving out a field the schema requires makes the code name that field, and vice versa."""
    cases: list[tuple[str, str, Parser, type[RegistrationError] | type[EventError]]] = [
        ("createRegistration", "byANumber", parse_new_registration, RegistrationError),
        ("postCustodyEvent", "byANumber", parse_event, EventError),
    ]
    for operation_id, example_name, parse, error_type in cases:
        schema = _deref(spec, _request_schema(spec, operation_id))
        example = _request_examples(spec, operation_id)[example_name]
        for field in schema["properties"]:
            body = {key: value for key, value in example.items() if key != field}
            required_by_code = True
            try:
                parse(body)
            except error_type as error:
                assert any(key.split(".")[0] == field for key in error.fields), (field, error)
            else:
                required_by_code = False
            assert required_by_code == (field in schema["required"]), f"{operation_id}.{field}"


def test_enums_match_the_code(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]

    def enum(name: str, *path: str) -> list[Any]:
        node = schemas[name]
        for key in path:
            node = _deref(spec, node["properties"][key])
        return list(node["enum"])

    assert enum("NewRegistration", "relationship") == list(RELATIONSHIPS)
    assert enum("Language") == list(LANGUAGES)
    assert enum("Channel") == [channel.value for channel in Channel]
    assert enum("EventType") == [kind.value for kind in EventType]
    assert enum("RegistrationStatus") == [status.value for status in RegistrationStatus]
    assert enum("CustodyRecord", "status") == [status.value for status in custody.CustodyStatus]
    counted = list(schemas["NotificationCounts"]["properties"])
    assert counted == [status.value for status in NotificationStatus]
    assert enum("HandoffReason") == [reason.value for reason in Reason]
    assert enum("Priority") == [priority.value for priority in Priority]
    assert enum("HandoffStatus") == [status.value for status in HandoffStatus]
    assert enum("HistoryEvent", "kind") == [kind.value for kind in EventKind]
    assert enum("ReviewReason") == [reason.value for reason in REPORTED]


# -- 4. the app's real answers: documented status, documented shape, documented security --------


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(
        settings,
        api_token=ACTIONS_TOKEN,
        events_token=EVENTS_TOKEN,
        integrations_token=INTEGRATIONS_TOKEN,
    )


@pytest.fixture
def api(app: Flask) -> Iterator[FlaskClient]:
    yield app.test_client()
    NOTIFICATIONS.get(app).queue.close()  # fan-out jobs run in threads


class Caller:
    """Calls the app as the documented operation says and checks the answer against the doc."""

    def __init__(self, client: FlaskClient, document: dict[str, Any]) -> None:
        self.client = client
        self.document = document

    def call(
        self,
        method: str,
        path: str,
        status: int,
        *,
        token: str | None = None,
        anonymous: bool = False,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """``token`` defaults to the one the operation documents; ``anonymous`` sends none."""
        template = self._template(path.partition("?")[0])
        operation = self.document["paths"][template][method]
        if token is None and not anonymous:
            (scheme,) = operation["security"][0]
            token = TOKENS[scheme]
        headers = {**(headers or {}), **({"Authorization": f"Bearer {token}"} if token else {})}
        response = self.client.open(path, method=method.upper(), headers=headers, **kwargs)
        body = response.get_json(silent=True)
        assert response.status_code == status, (method, path, response.status_code, body)
        self.check(template, method, response)
        return body

    def check(self, template: str, method: str, response: TestResponse) -> None:
        documented = self.document["paths"][template][method]["responses"]
        code = str(response.status_code)
        assert code in documented, f"{method} {template}: {code} is not documented"
        answer = _deref(self.document, documented[code])
        for header in answer.get("headers", {}):
            assert header in response.headers, f"{method} {template} {code}: no {header}"
        schema = answer["content"][JSON]["schema"]
        problems = _errors(self.document, schema, response.get_json())
        assert problems == [], f"{method} {template} {code}: {problems}"

    def _template(self, path: str) -> str:
        for template in self.document["paths"]:
            pattern = re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template))
            if re.fullmatch(pattern, path):
                return template
        raise AssertionError(f"{path} is not documented")


@pytest.fixture
def caller(api: FlaskClient, spec: dict[str, Any]) -> Caller:
    return Caller(api, spec)


def test_each_operation_takes_only_its_own_token(caller: Caller, spec: dict[str, Any]) -> None:
    for template, method, operation in _operations(spec):
        path = template.format(
            registration_id="0" * 32, event_id="no-such-event", handoff_id="0" * 32
        )
        body: dict[str, Any] = {"json": {}} if method == "post" else {}
        (scheme,) = operation["security"][0]
        caller.call(method, path, 401, anonymous=True, **body)
        for other in set(TOKENS) - {scheme}:
            caller.call(method, path, 401, token=TOKENS[other], **body)
        caller.call(method, path, 401, token=f"{TOKENS[scheme]}x", **body)
        answer = caller.client.open(
            path,
            method=method.upper(),
            headers={"Authorization": f"bearer {TOKENS[scheme]}"},
            **body,
        )
        assert answer.status_code != 401, f"{method} {template} refuses its own token"
        caller.check(template, method, answer)


def test_a_registration_round_trip_answers_as_documented(
    caller: Caller, spec: dict[str, Any]
) -> None:
    examples = _request_examples(spec, "createRegistration")
    by_number = examples["byANumber"]
    registrant = by_number["registrant"]
    created = caller.call("post", "/api/registrations", 201, json=by_number)
    assert created["contact_hint"] == "***-0142"
    base = f"/api/registrations/{created['id']}"
    rate_limited = caller.call("post", f"{base}/resend", 429, json={"registrant": registrant})
    assert rate_limited["retry_after"] >= 1
    wrong = caller.call(
        "post", f"{base}/verify", 200, json={"registrant": registrant, "code": "000000"}
    )
    assert wrong == {"result": "wrong_code", "attempts_left": 4, "status": "pending_verification"}
    to = by_number["contact"]["value"]
    outbox = caller.call(
        "get", "/api/outbox", 200, query_string={"channel": "sms", "limit": 5, "to": to}
    )
    code = re.search(r"\b\d{6}\b", outbox["messages"][0]["body"])
    assert code is not None
    verified = caller.call(
        "post", f"{base}/verify", 200, json={"registrant": registrant, "code": code.group()}
    )
    assert (verified["result"], verified["status"]) == ("verified", "active")
    listed = caller.call("get", f"/api/registrations?registrant={registrant}", 200)
    assert [summary["id"] for summary in listed["registrations"]] == [created["id"]]
    assert listed["registrations"][0]["offender_hint"] == "J. C. P. G."
    change = _request_examples(spec, "changeContact")["example"]
    changed = caller.call("post", f"{base}/contact", 200, json=change)
    assert changed["pending_contact_hint"] == "a***@example.org"
    withdrawn = caller.call("post", f"{base}/withdraw", 200, json={"registrant": registrant})
    assert withdrawn["status"] == "withdrawn"
    caller.call("post", f"{base}/withdraw", 404, json={"registrant": "someone-else"})
    # The e-mail address of the next example got a code a moment ago (the contact change).
    caller.call("post", "/api/registrations", 429, json=examples["byIdentity"])
    caller.call("post", "/api/registrations", 400, data="not json", content_type=JSON)
    caller.call("post", "/api/registrations", 413, data="x" * 70_000, content_type=JSON)
    invalid = caller.call("post", "/api/registrations", 422, json={**by_number, "pin": "12"})
    assert list(invalid["fields"]) == ["pin"]


def test_custody_search_schema_asks_for_exactly_one_key(spec: dict[str, Any]) -> None:
    schema = _request_schema(spec, "searchCustody")
    by_number = _request_examples(spec, "searchCustody")["byANumber"]
    for bad in [
        {"country": "MX"},
        {"a_number": "A204555781"},
        {**by_number, "name": "Juan Carlos Pérez Gómez"},
        {**by_number, "a_number": 204555781},
    ]:
        assert _errors(spec, schema, bad), f"the schema accepts {bad!r}"


def test_custody_answers_as_documented(caller: Caller, app: Flask, spec: dict[str, Any]) -> None:
    search = "/api/custody/search"
    examples = _request_examples(spec, "searchCustody")
    assert set(examples) == {"byANumber", "byName"}
    for example in examples.values():
        found = caller.call("post", search, 200, json=example)
        assert [record["status"] for record in found["records"]] == ["in_custody"]
    caller.call("post", search, 200, json={"a_number": "A204555781", "country": "GT"})
    both = {"a_number": "A204555781", "name": "Juan Perez", "country": "MX"}
    assert list(caller.call("post", search, 422, json=both)["fields"]) == ["a_number"]
    short = caller.call("post", search, 422, json={"name": "Juan", "country": "MX"})
    assert list(short["fields"]) == ["name"]
    caller.call("post", search, 400, data="country=MX&a_number=A204555781", content_type=JSON)
    caller.call("post", search, 413, data="x" * 70_000, content_type=JSON)

    class Down:
        def find_by_a_number(self, a_number: str, country: str) -> list[custody.CustodyRecord]:
            raise custody.CustodyUnavailable("test")

        find_by_name = find_by_a_number

    CUSTODY.set(app, Down())
    caller.call("post", search, 503, json=examples["byANumber"])


def test_the_outbox_outside_development_answers_as_documented(
    settings: Settings, spec: dict[str, Any]
) -> None:
    app = create_app(replace(settings, dev_mode=False))
    try:
        assert OUTBOX.find(app) is not None  # a channel still falls back to it
        caller = Caller(app.test_client(), spec)
        answer = caller.call("get", "/api/outbox", 404)
        documented = _examples(
            _media(spec, spec["paths"]["/api/outbox"]["get"]["responses"]["404"])
        )
        assert answer == documented["notDevelopment"]
    finally:
        NOTIFICATIONS.get(app).queue.close()
        DATABASE.get(app).dispose()


def test_custody_events_are_idempotent_as_documented(caller: Caller, spec: dict[str, Any]) -> None:
    examples = _request_examples(spec, "postCustodyEvent")
    event = examples["byANumber"]
    first = caller.call("post", "/api/custody-events", 201, json=event)
    again = caller.call("post", "/api/custody-events", 200, json=event)
    assert (first["duplicate"], again["duplicate"]) == (False, True)
    assert again["event_id"] == event["event_id"]
    caller.call("post", "/api/custody-events", 201, json=examples["byIdentity"])
    caller.call("get", f"/api/custody-events/{event['event_id']}", 200)
    caller.call("get", "/api/custody-events/no-such-event", 404)
    caller.call("post", "/api/custody-events", 422, json={**event, "type": "parole"})
    caller.call("get", "/api/outbox?channel=fax", 422)


def test_a_handoff_round_trip_answers_as_documented(
    caller: Caller, spec: dict[str, Any], app: Flask, signed_post: Callable[..., Any]
) -> None:
    """The documented examples, played in order on a real conversation. Rasa is not running:
    closing says the assistant was not resumed, and closes all the same."""
    RASA.set(app, RasaClient("http://127.0.0.1:9", 1.0))
    examples = _request_examples(spec, "createHandoff")
    unknown = caller.call("post", "/api/handoffs", 422, json=examples["requestHuman"])
    assert list(unknown["fields"]) == ["registrant"]
    assert (
        signed_post(From="+17135550142", Body="necesito hablar con una persona").status_code == 200
    )
    registrant = PRIVACY.get(app).conversation_key("+17135550142")
    body = {**examples["requestHuman"], "registrant": registrant}
    created = caller.call("post", "/api/handoffs", 201, json=body)
    again = {**examples["emergency"], "registrant": registrant}
    assert caller.call("post", "/api/handoffs", 200, json=again)["priority"] == "urgent"
    caller.call("post", "/api/handoffs", 400, data="registrant=x", content_type=JSON)
    caller.call("post", "/api/handoffs", 422, json={**body, "reason": "bored"})
    base = f"/api/handoffs/{created['id']}"
    assert [h["id"] for h in caller.call("get", "/api/handoffs", 200)["handoffs"]] == [
        created["id"]
    ]
    caller.call("get", "/api/handoffs?status=everything", 422)
    caller.call("post", f"{base}/claim", 200, json={"specialist": "ana"})
    caller.call("post", f"{base}/claim", 409, json={"specialist": "bob"})
    caller.call(
        "post", f"{base}/reassign", 200, json=_request_examples(spec, "reassignHandoff")["example"]
    )
    caller.call("post", f"{base}/release", 200, json={"specialist": "bob"})
    caller.call("post", f"{base}/claim", 200, json={"specialist": "ana"})
    reply = _request_examples(spec, "replyToHandoff")["example"]
    caller.call("post", f"{base}/reply", 201, json=reply)
    caller.call("post", f"{base}/reply", 409, json={**reply, "specialist": "bob"})
    caller.call("post", f"{base}/reply", 422, json={**reply, "text": "x" * 1601})
    caller.call(
        "post", f"{base}/notes", 201, json=_request_examples(spec, "addHandoffNote")["example"]
    )
    caller.call("get", base, 400)
    record = caller.call("get", base, 200, headers={"X-Hotline-Actor": "ana"})
    assert record["transcript"][-1]["body"] == reply["text"]
    closed = caller.call("post", f"{base}/close", 200, json={"specialist": "ana"})
    assert closed["victim_notified"] and not closed["assistant_resumed"]
    caller.call("post", f"{base}/close", 409, json={"specialist": "ana"})
    caller.call("get", "/api/handoffs?status=closed&limit=5", 200)
    caller.call("get", "/api/handoffs/no-such-handoff", 404, headers={"X-Hotline-Actor": "ana"})
    entries = caller.call("get", "/api/audit?limit=10", 200)["entries"]
    assert [(entry["actor"], entry["subject"]) for entry in entries] == [("ana", created["id"])]


def test_a_review_item_answers_as_documented(caller: Caller, spec: dict[str, Any]) -> None:
    for name, example in _request_examples(spec, "reportReviewItem").items():
        first = caller.call("post", "/api/review-items", 201, json=example)
        again = caller.call("post", "/api/review-items", 200, json=example)
        assert (first["created"], again) == (True, {"id": first["id"], "created": False}), name
    bad = {"registrant": " ", "reason": "flagged", "language": "fr", "text": " ", "confidence": 2}
    answer = caller.call("post", "/api/review-items", 422, json=bad)
    assert set(answer["fields"]) == {"registrant", "reason", "language", "text", "confidence"}
