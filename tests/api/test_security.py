"""Keys, roles, rate and size limits, malformed requests and unknown ids, over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api.keys import KEY_PREFIX_CHARS, create_api_key, hash_api_key, revoke_api_key_if_active
from ringscope.settings import ApiSettings
from tests.api.conftest import ApiContext, ScanningClient, linkage_body, running_api

# Test-only Cypher: what the graph stores for a key.
KEY_NODE = "MATCH (k:ApiKey {key_prefix: $prefix}) RETURN properties(k) AS key"


def _ring_id(api: ApiContext) -> str:
    return api.population.detection.risk_rings[0].ring_id


def _requests(api: ApiContext) -> dict[str, tuple[str, str, dict[str, Any] | None]]:
    party = api.population.valid_applicants()[0]
    return {
        "linkage": ("POST", "/v1/linkage", linkage_body(party)),
        "ring": ("GET", f"/v1/rings/{_ring_id(api)}", None),
        "party_rings": ("GET", f"/v1/parties/{party}/rings", None),
        "consent": ("GET", f"/v1/consents/C-{party}", None),
    }


ALLOWED = {
    "loan_system": {"linkage"},
    "investigator": {"ring", "party_rings", "consent"},
    "admin": {"linkage", "ring", "party_rings", "consent"},
}


@pytest.mark.parametrize("role", ["loan_system", "investigator", "admin"])
@pytest.mark.parametrize("endpoint", ["linkage", "ring", "party_rings", "consent"])
def test_security_role_matrix(
    client: ScanningClient, api: ApiContext, role: str, endpoint: str
) -> None:
    method, path, body = _requests(api)[endpoint]

    response = client.request(method, path, json=body, headers=api.headers(role))

    expected = 200 if endpoint in ALLOWED[role] else 403
    assert response.status_code == expected
    assert expected == 200 or response.json()["code"] == "forbidden_role"


@pytest.mark.parametrize("endpoint", ["linkage", "ring", "party_rings", "consent"])
def test_security_missing_key_is_401(
    client: ScanningClient, api: ApiContext, endpoint: str
) -> None:
    method, path, body = _requests(api)[endpoint]

    response = client.request(method, path, json=body)

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert response.headers["www-authenticate"] == "Bearer"


def test_security_unknown_key_is_401(client: ScanningClient, api: ApiContext) -> None:
    method, path, body = _requests(api)["linkage"]
    headers = {"Authorization": "Bearer rsk_" + "x" * 40}

    response = client.request(method, path, json=body, headers=headers)

    assert response.status_code == 401
    assert response.json()["code"] == "api_key_invalid"


def test_security_revoked_key_is_401(client: ScanningClient, api: ApiContext) -> None:
    key = create_api_key(api.db, "loan_system", label="to revoke")
    method, path, body = _requests(api)["linkage"]
    headers = {"Authorization": f"Bearer {key}"}
    before = client.request(method, path, json=body, headers=headers)

    revoked = revoke_api_key_if_active(api.db, key[:KEY_PREFIX_CHARS])
    after = client.request(method, path, json=body, headers=headers)

    assert before.status_code == 200
    assert revoked == 1
    assert after.status_code == 401
    assert after.json()["code"] == "api_key_invalid"


def test_security_x_api_key_header_accepted(client: ScanningClient, api: ApiContext) -> None:
    method, path, body = _requests(api)["linkage"]

    response = client.request(method, path, json=body, headers={"X-API-Key": api.keys["admin"]})

    assert response.status_code == 200


def test_security_key_stored_only_as_hash(api: ApiContext) -> None:
    key = create_api_key(api.db, "investigator", label="hash check")

    stored = api.db.read(KEY_NODE, prefix=key[:KEY_PREFIX_CHARS])[0]["key"]

    assert stored["key_hash"] == hash_api_key(key)
    assert key not in json.dumps(stored, default=str)


def test_security_401_comes_before_body_validation(client: ScanningClient) -> None:
    response = client.post(
        "/v1/linkage", content=b"{not json", headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 401


def test_security_403_comes_before_body_validation(client: ScanningClient, api: ApiContext) -> None:
    response = client.post("/v1/linkage", json={"party": 1}, headers=api.headers("investigator"))

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden_role"


def test_security_malformed_json_is_400(client: ScanningClient, api: ApiContext) -> None:
    headers = {**api.headers(), "Content-Type": "application/json"}

    response = client.post("/v1/linkage", content=b'{"party_id": ', headers=headers)

    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"consent_id": "C-1"}, "party_id"),
        ({"party_id": "P 1", "consent_id": "C-1"}, "party_id"),
        ({"party_id": "P1", "consent_id": "C-1", "depth": 3}, "depth"),
        ({"party_id": "P1", "consent_id": "C-1", "purpose": "Credit Review"}, "purpose"),
        ({"party_id": "P1", "consent_id": "C-1", "extra": True}, "extra"),
        ({"party_id": "P1", "consent_id": "C-1", "limits": {"max_findings_per_type": 0}}, "limits"),
    ],
)
def test_security_invalid_body_is_422(
    client: ScanningClient, api: ApiContext, body: dict[str, Any], field: str
) -> None:
    response = client.post("/v1/linkage", json=body, headers=api.headers())

    problem = response.json()
    assert response.status_code == 422
    assert problem["code"] == "invalid_request"
    assert any(field in error["loc"] for error in problem["errors"])


def test_security_invalid_body_does_not_echo_values(
    client: ScanningClient, api: ApiContext
) -> None:
    body = {"party_id": "P1", "consent_id": "C-1", "purpose": "SECRET_VALUE"}

    response = client.post("/v1/linkage", json=body, headers=api.headers())

    assert "SECRET_VALUE" not in response.text


def test_security_oversized_body_is_413(client: ScanningClient, api: ApiContext) -> None:
    limit = ApiSettings().max_body_bytes
    body = json.dumps({**linkage_body("P1"), "pad": "x" * limit}).encode()

    response = client.post(
        "/v1/linkage", content=body, headers={**api.headers(), "Content-Type": "application/json"}
    )

    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_security_oversized_chunked_body_is_413(client: ScanningClient, api: ApiContext) -> None:
    limit = ApiSettings().max_body_bytes

    def chunks() -> Iterator[bytes]:
        for _ in range(limit // 1024 + 2):
            yield b" " * 1024

    response = client.post(
        "/v1/linkage",
        content=chunks(),
        headers={**api.headers(), "Content-Type": "application/json"},
    )

    assert response.status_code == 413
    assert "content-length" not in {name.lower() for name in response.request.headers}


def test_security_oversized_body_refused_before_authentication(client: ScanningClient) -> None:
    response = client.post("/v1/linkage", content=b"x" * (ApiSettings().max_body_bytes + 1))

    assert response.status_code == 413


def test_security_rate_limit_per_key(api: ApiContext) -> None:
    party = api.population.valid_applicants()[0]
    other_key = create_api_key(api.db, "admin", label="rate limit other")
    with running_api(ApiSettings(rate_limit_per_minute=3)) as base_url:
        with ScanningClient(api.numbers, base_url=base_url, timeout=60) as limited:
            path = f"/v1/consents/C-{party}"
            statuses = [
                limited.get(path, headers=api.headers("admin")).status_code for _ in range(4)
            ]
            refused = limited.get(path, headers=api.headers("admin"))
            other = limited.get(path, headers={"Authorization": f"Bearer {other_key}"})

    assert statuses == [200, 200, 200, 429]
    assert refused.json()["code"] == "rate_limited"
    assert int(refused.headers["retry-after"]) >= 1
    assert other.status_code == 200


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/v1/rings/R-no-such-ring", "ring_not_found"),
        ("/v1/parties/P-NO-SUCH-PARTY/rings", "party_not_found"),
        ("/v1/consents/C-NO-SUCH-CONSENT", "consent_not_found"),
        ("/v1/no-such-endpoint", "not_found"),
        ("/v2/linkage", "not_found"),
    ],
)
def test_security_unknown_id_is_404(
    client: ScanningClient, api: ApiContext, path: str, code: str
) -> None:
    response = client.get(path, headers=api.headers("admin"))

    assert response.status_code == 404
    assert response.json()["code"] == code


def test_security_wrong_method_is_405(client: ScanningClient, api: ApiContext) -> None:
    response = client.get("/v1/linkage", headers=api.headers())

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_security_problem_language_follows_accept_language(client: ScanningClient) -> None:
    english = client.get("/v1/rings/R1", headers={"Accept-Language": "en-GB,en;q=0.8"})
    chinese = client.get("/v1/rings/R1", headers={"Accept-Language": "zh-CN"})
    default = client.get("/v1/rings/R1")

    assert english.json()["title"] == "Unauthenticated"
    assert chinese.json()["title"] == "未认证"
    assert default.json()["title"] == "未认证"
    assert english.headers["content-language"] == "en"


def test_security_problem_detail_redacts_numbers(client: ScanningClient, api: ApiContext) -> None:
    number = next(iter(sorted(api.numbers)))

    response = client.get(f"/v1/parties/{number}/rings", headers=api.headers("admin"))

    # The scanning client fails the test first if the number comes back.
    assert response.status_code == 404


def test_security_healthz_needs_no_key(client: ScanningClient) -> None:
    response = client.get("/healthz")

    assert response.json() == {"status": "ok"}


def test_security_readyz_reports_neo4j_and_schema(client: ScanningClient) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ready", "neo4j": True, "schema_current": True}


def test_security_readyz_without_neo4j_is_503(api: ApiContext) -> None:
    settings = ApiSettings(rate_limit_per_minute=100)
    with pytest.MonkeyPatch.context() as patch:
        # A loopback port nothing listens on: the server is unreachable.
        patch.setenv("RINGSCOPE_NEO4J_URI", "bolt://127.0.0.1:9")
        patch.setenv("RINGSCOPE_NEO4J_CONNECT_TIMEOUT_SECONDS", "1")
        with running_api(settings) as base_url:
            response = httpx.get(f"{base_url}/readyz", timeout=60)

    assert response.status_code == 503
    assert response.json()["neo4j"] is False
