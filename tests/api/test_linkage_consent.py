"""Consent enforcement of POST /v1/linkage: every refusal, and other parties' consents."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ringscope.db import Database
from tests.api.conftest import ApiContext, ScanningClient, linkage_body
from tests.api.population import NUMBER_CHANGE_NODES

# Test-only Cypher: revoke a consent for the length of a test and put it back.
READ_REVOKED_AT = "MATCH (c:Consent {consent_id: $consent_id}) RETURN c.revoked_at AS revoked_at"
SET_REVOKED_AT = "MATCH (c:Consent {consent_id: $consent_id}) SET c.revoked_at = $revoked_at"
BATCH_OF_OWNER = "MATCH (b:Batch {owner_party: $party_id}) RETURN b.batch_id AS batch_id"


@contextmanager
def revoked(db: Database, consent_id: str) -> Iterator[None]:
    before = db.read(READ_REVOKED_AT, consent_id=consent_id)[0]["revoked_at"]
    db.write(
        SET_REVOKED_AT,
        consent_id=consent_id,
        revoked_at=datetime.now(UTC) - timedelta(seconds=1),
    )
    try:
        yield
    finally:
        db.write(SET_REVOKED_AT, consent_id=consent_id, revoked_at=before)


def _refusal_cases(api: ApiContext) -> dict[str, dict[str, Any]]:
    truth = api.population.truth
    expired = truth["consents"]["expired"][0]
    revoked_consent = truth["consents"]["revoked"][0]
    party = api.population.valid_applicants()[0]
    other = api.population.valid_applicants()[1]
    extra = api.population.extra_consents
    owner = api.population.extra_consent_party
    return {
        "consent_not_found": {"party_id": party, "consent_id": "C-NO-SUCH-CONSENT"},
        "consent_party": {"party_id": party, "consent_id": "C-" + other},
        "consent_expired": {"party_id": expired["party_id"], "consent_id": expired["consent_id"]},
        "consent_revoked": {
            "party_id": revoked_consent["party_id"],
            "consent_id": revoked_consent["consent_id"],
        },
        "consent_scope": {"party_id": owner, "consent_id": extra["consent_scope"]},
        "consent_purpose": {"party_id": party, "consent_id": "C-" + party, "purpose": "marketing"},
        "consent_not_yet_valid": {
            "party_id": owner,
            "consent_id": extra["consent_not_yet_valid"],
        },
    }


REFUSALS = [
    "consent_not_found",
    "consent_party",
    "consent_expired",
    "consent_revoked",
    "consent_scope",
    "consent_purpose",
    "consent_not_yet_valid",
]


@pytest.mark.parametrize("code", REFUSALS)
def test_linkage_consent_refused_with_code(
    client: ScanningClient, api: ApiContext, code: str
) -> None:
    body = {"purpose": "credit_review", **_refusal_cases(api)[code]}

    response = client.post("/v1/linkage", json=body, headers=api.headers())

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert "findings" not in response.json()


def test_linkage_consent_purpose_of_consent_refused(
    client: ScanningClient, api: ApiContext
) -> None:
    owner = api.population.extra_consent_party
    body = {"party_id": owner, "consent_id": api.population.extra_consents["consent_purpose"]}

    response = client.post("/v1/linkage", json=body, headers=api.headers())

    assert response.json()["code"] == "consent_purpose"


def test_linkage_consent_refusal_in_chinese_by_default(
    client: ScanningClient, api: ApiContext
) -> None:
    body = _refusal_cases(api)["consent_expired"]
    headers = {"Authorization": api.headers()["Authorization"]}

    problem = client.post("/v1/linkage", json=body, headers=headers).json()

    assert problem["title"] == "授权已过期"
    assert "过期" in problem["detail"]


def test_linkage_consent_revoked_just_now_refused(client: ScanningClient, api: ApiContext) -> None:
    party_id = api.population.valid_applicants()[3]

    with revoked(api.db, "C-" + party_id):
        during = client.post("/v1/linkage", json=linkage_body(party_id), headers=api.headers())
    after = client.post("/v1/linkage", json=linkage_body(party_id), headers=api.headers())

    assert during.json()["code"] == "consent_revoked"
    assert after.status_code == 200


def _guarantee_pair(api: ApiContext) -> tuple[str, str]:
    circle = next(r for r in api.population.truth["rings"] if r["kind"] == "guarantee_circle")
    guarantee = circle["guarantees"][0]
    return guarantee["guarantor"], guarantee["borrower"]


def test_linkage_other_party_revoked_consent_drops_their_evidence(
    client: ScanningClient, api: ApiContext
) -> None:
    party_id, other = _guarantee_pair(api)
    other_batch = api.db.read(BATCH_OF_OWNER, party_id=other)[0]["batch_id"]
    request = linkage_body(party_id, limits={"min_shared_contacts": 1})

    before = client.post("/v1/linkage", json=request, headers=api.headers()).json()
    with revoked(api.db, "C-" + other):
        during = client.post("/v1/linkage", json=request, headers=api.headers()).json()

    def citing(body: dict[str, Any]) -> int:
        return sum(
            "C-" + other in f["consent_ids"] or other_batch in f["batch_ids"]
            for f in body["findings"]
        )

    assert citing(before) > 0
    assert citing(during) == 0


def test_linkage_other_party_revoked_keeps_own_bill_evidence(
    client: ScanningClient, api: ApiContext
) -> None:
    party_id, other = _guarantee_pair(api)

    with revoked(api.db, "C-" + other):
        body = client.post("/v1/linkage", json=linkage_body(party_id), headers=api.headers())
    direct = next(
        f
        for f in body.json()["findings"]
        if f["type"] == "direct_call" and f["linked_party"]["party_id"] == other
    )

    # The calls are in the party's own bill too, so the link stays on that evidence alone.
    assert direct["consent_ids"] == ["C-" + party_id]
    assert len(direct["batch_ids"]) == 1


def test_linkage_number_change_needs_every_consent_valid(
    client: ScanningClient, api: ApiContext
) -> None:
    owners = {phone_id: party for party, phone_id in _party_phone_ids(api).items()}
    loaded = set(api.population.valid_applicants())
    case = next(
        (owners[change["new_phone_id"]], change, consent)
        for change in api.db.read(NUMBER_CHANGE_NODES)
        if owners.get(change["new_phone_id"]) in loaded
        for consent in change["consent_ids"]
        if consent != "C-" + owners[change["new_phone_id"]]
    )
    party_id, change, other_consent = case

    def change_ids() -> set[str]:
        body = client.post("/v1/linkage", json=linkage_body(party_id), headers=api.headers())
        return {
            f["evidence"][0]["change_id"]
            for f in body.json()["findings"]
            if f["type"] == "number_change"
        }

    before = change_ids()
    with revoked(api.db, other_consent):
        during = change_ids()

    assert change["change_id"] in before
    assert change["change_id"] not in during


def _party_phone_ids(api: ApiContext) -> dict[str, str]:
    population = api.population
    return {party: population.phone_id(phone) for party, phone in population.party_phone.items()}
