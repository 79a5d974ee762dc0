"""The investigators' read endpoints: a ring, a party's rings, a consent."""

from __future__ import annotations

from tests.api.conftest import ApiContext, ScanningClient


def test_reads_ring_lists_detected_members(client: ScanningClient, api: ApiContext) -> None:
    ring = api.population.detection.risk_rings[0]

    body = client.get(f"/v1/rings/{ring.ring_id}", headers=api.headers("investigator")).json()

    assert {party["party_id"] for party in body["parties"]} == set(ring.party_ids)
    assert body["phone_count"] == len(ring.phone_ids)
    assert body["detection_run"]["run_id"] == api.population.detection.run_id
    assert body["reasons"] == ring.reasons
    assert all("*" in phone["display"] for phone in body["phones"])


def test_reads_party_rings_match_detection(client: ScanningClient, api: ApiContext) -> None:
    ring = api.population.detection.risk_rings[0]
    party_id = ring.party_ids[0]

    body = client.get(f"/v1/parties/{party_id}/rings", headers=api.headers("investigator")).json()

    assert ring.ring_id in {item["ring_id"] for item in body["rings"]}


def test_reads_party_without_ring_has_empty_list(client: ScanningClient, api: ApiContext) -> None:
    in_rings = {p for ring in api.population.detection.risk_rings for p in ring.party_ids}
    party_id = next(p for p in api.population.valid_applicants() if p not in in_rings)

    response = client.get(f"/v1/parties/{party_id}/rings", headers=api.headers("investigator"))

    assert response.status_code == 200
    assert response.json()["rings"] == []


def test_reads_consent_shows_status_and_batches(client: ScanningClient, api: ApiContext) -> None:
    party_id = api.population.valid_applicants()[0]

    body = client.get(f"/v1/consents/C-{party_id}", headers=api.headers("investigator")).json()

    assert body["status"] == "valid"
    assert body["party_id"] == party_id
    assert len(body["batches"]) == 1
    assert body["batches"][0]["status"] == "complete"


def test_reads_consent_states(client: ScanningClient, api: ApiContext) -> None:
    consents = api.population.truth["consents"]
    cases = {
        consents["expired"][0]["consent_id"]: "expired",
        consents["revoked"][0]["consent_id"]: "revoked",
        api.population.extra_consents["consent_not_yet_valid"]: "not_yet_valid",
    }

    got = {
        consent_id: client.get(
            f"/v1/consents/{consent_id}", headers=api.headers("investigator")
        ).json()["status"]
        for consent_id in cases
    }

    assert got == cases
