"""The OpenAPI document, and a schemathesis run over it against the real server.

Schemathesis generates requests from the document (valid bodies and parameters, and
invalid ones) and sends them over HTTP to the package's server with an admin key, so every
route is reached past authentication. The run passes when no response is a server error
(5xx), every status code and content type is one the document declares, and every
response body matches its schema.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import ApiContext, ScanningClient
from tests.api.population import count_clear_numbers

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]{3,}")


@pytest.fixture(scope="module")
def openapi(client: ScanningClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/openapi.json").json()
    return document


def _operations(openapi: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in openapi["paths"].items()
        for method, operation in item.items()
    ]


def test_openapi_lists_every_endpoint(openapi: dict[str, Any]) -> None:
    assert set(openapi["paths"]) == {
        "/healthz",
        "/readyz",
        "/v1/linkage",
        "/v1/rings/{ring_id}",
        "/v1/parties/{party_id}/rings",
        "/v1/consents/{consent_id}",
    }


def test_openapi_descriptions_in_both_languages(openapi: dict[str, Any]) -> None:
    texts = [openapi["info"]["description"]] + [
        operation.get("description") or operation.get("summary") or ""
        for _, _, operation in _operations(openapi)
    ]

    assert all(_CJK.search(text) and _LATIN.search(text) for text in texts)


def test_openapi_linkage_fields_described_in_both_languages(openapi: dict[str, Any]) -> None:
    schemas = openapi["components"]["schemas"]
    fields = schemas["LinkageCreate"]["properties"]

    # A field that refers to another schema carries that schema's description.
    descriptions = [
        field.get("description")
        or schemas[field.get("$ref", "#/x/-").rsplit("/", 1)[1]].get("description", "")
        for field in fields.values()
    ]
    assert len(descriptions) == 5
    assert all(_CJK.search(text) and _LATIN.search(text) for text in descriptions)


def test_openapi_errors_are_problem_json(openapi: dict[str, Any]) -> None:
    error_media = {
        media
        for path, _, operation in _operations(openapi)
        if path.startswith("/v1/")
        for status, response in operation["responses"].items()
        if status.startswith(("4", "5"))
        for media in response.get("content", {})
    }

    assert error_media == {"application/problem+json"}


def test_openapi_v1_routes_name_their_roles(openapi: dict[str, Any]) -> None:
    roles = {
        path: operation.get("x-roles")
        for path, _, operation in _operations(openapi)
        if path.startswith("/v1/")
    }

    assert roles["/v1/linkage"] == ["loan_system", "admin"]
    assert roles["/v1/rings/{ring_id}"] == ["investigator", "admin"]


def test_openapi_v1_routes_need_a_key(openapi: dict[str, Any]) -> None:
    unsecured = [
        path
        for path, _, operation in _operations(openapi)
        if path.startswith("/v1/") and not operation.get("security")
    ]

    assert unsecured == []


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_openapi_schemathesis_no_server_error(api: ApiContext) -> None:
    # schemathesis.pytest.from_fixture does not work with pytest 9 (it reads a private
    # attribute pytest dropped), so the operations are driven through Hypothesis here.
    schema = schemathesis.openapi.from_url(f"{api.base_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    calls = 0
    clear = 0

    # Health probes take no input, so there is nothing invalid to generate for them.
    strategies = [operation.as_strategy() for operation in operations] + [
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
        for operation in operations
        if operation.path.startswith("/v1/")
    ]
    for strategy in strategies:

        @given(case=strategy)
        @settings(
            max_examples=25,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            nonlocal calls, clear
            response = case.call_and_validate(headers=api.headers("admin"), checks=CHECKS)
            calls += 1
            clear += count_clear_numbers(response.text, api.numbers)

        run()

    assert len(operations) == 6
    assert calls >= len(strategies) * 5
    assert clear == 0
