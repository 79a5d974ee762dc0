"""The audit trail of API requests: one event per request, chained, verifiable, exportable."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from api.keys import KEY_PREFIX_CHARS
from graph_schema import audit as chain_statements
from ringscope.audit import iter_audit_events, verify_audit_trail
from ringscope.cli.audit_commands import audit
from ringscope.db import Database
from ringscope.settings import ApiSettings
from tests.api.conftest import ApiContext, ScanningClient, linkage_body
from tests.api.population import count_clear_numbers

# Test-only Cypher: read and tamper with stored events, and put them back.
EVENT = "MATCH (e:AuditEvent {seq: $seq}) RETURN properties(e) AS event"
SET_OUTCOME = "MATCH (e:AuditEvent {seq: $seq}) SET e.outcome = $outcome"
DELETE_EVENT = "MATCH (e:AuditEvent {seq: $seq}) DELETE e"
CREATE_EVENT = "CREATE (e:AuditEvent) SET e = $event"
SHIFT_UP_AFTER = """
MATCH (e:AuditEvent) WHERE e.seq > $seq
WITH e ORDER BY e.seq DESC
SET e.seq = e.seq + 1
"""
SHIFT_DOWN_AFTER = """
MATCH (e:AuditEvent) WHERE e.seq > $seq
WITH e ORDER BY e.seq
SET e.seq = e.seq - 1
"""


def _head(db: Database) -> int:
    return int(db.read(chain_statements.READ_HEAD)[0]["seq"])


def _last_event(db: Database) -> dict[str, Any]:
    return dict(db.read(EVENT, seq=_head(db))[0]["event"])


@contextmanager
def _one_more_event(db: Database) -> Iterator[None]:
    before = _head(db)
    yield
    assert _head(db) == before + 1


def test_audit_allowed_linkage_event(client: ScanningClient, api: ApiContext) -> None:
    party_id = api.population.valid_applicants()[0]

    response = client.post("/v1/linkage", json=linkage_body(party_id), headers=api.headers())
    event = _last_event(api.db)

    assert event["actor"] == api.keys["loan_system"][:KEY_PREFIX_CHARS]
    assert event["action"] == "linkage.create"
    assert event["purpose"] == "credit_review"
    assert event["target"] == party_id
    assert event["consent_id"] == "C-" + party_id
    assert event["outcome"] == "ok"
    assert event["request_id"] == response.headers["x-request-id"]
    assert json.loads(event["details"])["findings"] == len(response.json()["findings"])


@pytest.mark.parametrize(
    ("request_kwargs", "outcome"),
    [
        ({"method": "POST", "url": "/v1/linkage", "json": {"x": 1}}, "unauthenticated"),
        ({"method": "GET", "url": "/v1/rings/R1", "role": "loan_system"}, "forbidden_role"),
        ({"method": "GET", "url": "/v1/rings/R-none", "role": "admin"}, "ring_not_found"),
        ({"method": "GET", "url": "/nowhere", "role": "admin"}, "not_found"),
        (
            {"method": "POST", "url": "/v1/linkage", "json": {"party_id": "P1"}, "role": "admin"},
            "invalid_request",
        ),
        (
            {
                "method": "POST",
                "url": "/v1/linkage",
                "content": b"x" * (ApiSettings().max_body_bytes + 1),
            },
            "request_too_large",
        ),
    ],
)
def test_audit_refused_request_appends_event(
    client: ScanningClient, api: ApiContext, request_kwargs: dict[str, Any], outcome: str
) -> None:
    kwargs = dict(request_kwargs)
    role = kwargs.pop("role", None)
    headers = api.headers(role) if role else {}

    with _one_more_event(api.db):
        response = client.request(headers=headers, **kwargs)

    event = _last_event(api.db)
    assert event["outcome"] == outcome
    assert event["request_id"] == response.headers["x-request-id"]


def test_audit_consent_refusal_names_consent(client: ScanningClient, api: ApiContext) -> None:
    expired = api.population.truth["consents"]["expired"][0]
    body = {"party_id": expired["party_id"], "consent_id": expired["consent_id"]}

    with _one_more_event(api.db):
        client.post("/v1/linkage", json=body, headers=api.headers())

    event = _last_event(api.db)
    assert event["outcome"] == "consent_expired"
    assert event["consent_id"] == expired["consent_id"]
    assert event["target"] == expired["party_id"]


def test_audit_health_probes_not_recorded(client: ScanningClient, api: ApiContext) -> None:
    before = _head(api.db)

    client.get("/healthz")
    client.get("/readyz")
    client.get("/openapi.json")

    assert _head(api.db) == before


def test_audit_trail_holds_no_key_and_no_number(client: ScanningClient, api: ApiContext) -> None:
    client.get("/v1/rings/R1", headers={"Authorization": "Bearer " + api.keys["admin"] + "x"})
    number = sorted(api.numbers)[0]
    client.get(f"/v1/parties/{number}/rings", headers=api.headers("admin"))

    trail = json.dumps(list(iter_audit_events(api.db)), ensure_ascii=False, default=str)

    assert sum(key in trail for key in api.keys.values()) == 0
    assert count_clear_numbers(trail, api.numbers) == 0
    assert api.keys["admin"][:KEY_PREFIX_CHARS] in trail


def test_audit_concurrent_requests_keep_chain(api: ApiContext) -> None:
    party_ids = api.population.valid_applicants()[:30]
    before = _head(api.db)

    def call(party_id: str) -> int:
        response = httpx.post(
            f"{api.base_url}/v1/linkage",
            json=linkage_body(party_id),
            headers=api.headers(),
            timeout=60,
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(call, party_ids))
    count, problems = verify_audit_trail(api.db)

    assert statuses == [200] * len(party_ids)
    assert _head(api.db) == before + len(party_ids)
    assert problems == []
    assert count == _head(api.db)


def _problems(db: Database) -> set[str]:
    return {problem.problem for problem in verify_audit_trail(db)[1]}


def test_audit_verify_detects_changed_event(client: ScanningClient, api: ApiContext) -> None:
    for _ in range(4):
        client.get("/nowhere")
    seq = _head(api.db) - 3
    original = api.db.read(EVENT, seq=seq)[0]["event"]["outcome"]

    api.db.write(SET_OUTCOME, seq=seq, outcome="ok" if original != "ok" else "forbidden_role")
    try:
        found = _problems(api.db)
    finally:
        api.db.write(SET_OUTCOME, seq=seq, outcome=original)

    assert "changed" in found
    assert _problems(api.db) == set()


def test_audit_verify_detects_deleted_event(client: ScanningClient, api: ApiContext) -> None:
    for _ in range(4):
        client.get("/nowhere")
    seq = _head(api.db) - 3
    event = api.db.read(EVENT, seq=seq)[0]["event"]

    api.db.write(DELETE_EVENT, seq=seq)
    try:
        found = _problems(api.db)
    finally:
        api.db.write(CREATE_EVENT, event=event)

    assert "missing" in found
    assert _problems(api.db) == set()


def test_audit_verify_detects_deleted_last_event(api: ApiContext) -> None:
    seq = _head(api.db)
    event = api.db.read(EVENT, seq=seq)[0]["event"]

    api.db.write(DELETE_EVENT, seq=seq)
    try:
        found = _problems(api.db)
    finally:
        api.db.write(CREATE_EVENT, event=event)

    assert found == {"head_mismatch"}


def test_audit_verify_detects_inserted_event(client: ScanningClient, api: ApiContext) -> None:
    for _ in range(4):
        client.get("/nowhere")
    seq = _head(api.db) - 3
    forged = {**api.db.read(EVENT, seq=seq)[0]["event"], "seq": seq + 1, "outcome": "ok"}

    api.db.write(SHIFT_UP_AFTER, seq=seq)
    api.db.write(CREATE_EVENT, event=forged)
    try:
        found = _problems(api.db)
    finally:
        api.db.write(DELETE_EVENT, seq=seq + 1)
        api.db.write(SHIFT_DOWN_AFTER, seq=seq + 1)

    assert "chain_broken" in found
    assert _problems(api.db) == set()


def test_audit_cli_verify_and_export(api: ApiContext, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "audit.jsonl"

    verified = runner.invoke(audit, ["verify", "--json"])
    exported = runner.invoke(audit, ["export", "--out", str(out)])

    lines = out.read_text(encoding="utf-8").splitlines()
    assert verified.exit_code == 0
    assert json.loads(verified.output)["intact"] is True
    assert exported.exit_code == 0
    assert len(lines) == _head(api.db)
    assert [json.loads(line)["seq"] for line in lines] == list(range(1, len(lines) + 1))


def test_audit_cli_verify_fails_on_tampering(api: ApiContext) -> None:
    seq = _head(api.db) - 1
    original = api.db.read(EVENT, seq=seq)[0]["event"]["actor"]

    api.db.write("MATCH (e:AuditEvent {seq: $seq}) SET e.actor = 'intruder'", seq=seq)
    try:
        result = CliRunner().invoke(audit, ["verify"], env={"RINGSCOPE_LANG": "en"})
    finally:
        api.db.write(
            "MATCH (e:AuditEvent {seq: $seq}) SET e.actor = $actor", seq=seq, actor=original
        )

    assert result.exit_code == 1
    assert f"Event {seq} does not match its hash" in result.output
