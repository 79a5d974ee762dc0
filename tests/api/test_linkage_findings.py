"""POST /v1/linkage on a generated population: every finding type against an oracle.

Oracles come from outside the API: the generator's files (edges.csv, parties.csv,
contacts.csv, truth.json) and the ring detection's own result object. Clear numbers stay
in memory; assertions compare party ids and counts.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from typing import Any

import pytest

from ringscope.pseudonym import mask_number
from tests.api.conftest import ApiContext, ScanningClient, linkage_body
from tests.api.population import NUMBER_CHANGE_NODES, Population

ALL = {"max_findings_per_type": 500}


def _linkage(client: ScanningClient, api: ApiContext, party_id: str, **extra: Any) -> Any:
    response = client.post(
        "/v1/linkage", json=linkage_body(party_id, **extra), headers=api.headers()
    )
    assert response.status_code == 200, response.text
    return response.json()


def _findings(body: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [finding for finding in body["findings"] if finding["type"] == kind]


def _linked(body: dict[str, Any], kind: str) -> set[str]:
    return {
        party["party_id"]
        for finding in _findings(body, kind)
        for party in finding["linked_parties"]
    }


def _phone_owners(population: Population) -> dict[str, set[str]]:
    owners: dict[str, set[str]] = {}
    for party_id, phone in population.party_phone.items():
        owners.setdefault(phone, set()).add(party_id)
    return owners


def _direct_call_oracle(population: Population) -> dict[str, Counter[str]]:
    """Calls per (party, other party) visible in loaded bills, from edges.csv."""
    owners = _phone_owners(population)
    loaded = set(population.valid_applicants())
    calls: dict[str, Counter[str]] = {}
    with (population.folder / "edges.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            a_parties = owners.get(row["caller"], set())
            b_parties = owners.get(row["callee"], set())
            if row["caller"] == row["callee"] or not (a_parties and b_parties):
                continue
            if not (a_parties | b_parties) & loaded:
                continue  # neither side's bill was loaded, so the call is not in the graph
            for a in a_parties:
                for b in b_parties:
                    calls.setdefault(a, Counter())[b] += 1
                    calls.setdefault(b, Counter())[a] += 1
    return calls


def test_linkage_direct_call_matches_edge_list(client: ScanningClient, api: ApiContext) -> None:
    oracle = _direct_call_oracle(api.population)
    mismatched = []
    checked = 0
    for party_id in api.population.valid_applicants():
        body = _linkage(client, api, party_id, depth=1, limits=ALL)
        got = {
            finding["linked_party"]["party_id"]: finding["strength"]["calls"]
            for finding in _findings(body, "direct_call")
        }
        if got != dict(oracle.get(party_id, Counter())):
            mismatched.append(party_id)
        checked += 1

    assert checked > 100
    assert mismatched == []


def test_linkage_direct_call_counts_a_call_in_both_bills_once(
    client: ScanningClient, api: ApiContext
) -> None:
    circle = next(r for r in api.population.truth["rings"] if r["kind"] == "guarantee_circle")
    guarantee = circle["guarantees"][0]

    body = _linkage(client, api, guarantee["guarantor"])
    finding = next(
        f
        for f in _findings(body, "direct_call")
        if f["linked_party"]["party_id"] == guarantee["borrower"]
    )

    expected = _direct_call_oracle(api.population)[guarantee["guarantor"]][guarantee["borrower"]]
    # Both parties are applicants, so every call between them is in two bills.
    assert len(finding["batch_ids"]) == 2
    assert finding["consent_ids"] == sorted(
        ["C-" + guarantee["guarantor"], "C-" + guarantee["borrower"]]
    )
    assert finding["strength"]["calls"] == expected
    assert finding["strength"]["outgoing_calls"] + finding["strength"]["incoming_calls"] == expected


def test_linkage_guarantee_circle_names_every_member(
    client: ScanningClient, api: ApiContext
) -> None:
    circles = [r for r in api.population.truth["rings"] if r["kind"] == "guarantee_circle"]
    for circle in circles:
        members = set(circle["members"])
        for member in sorted(members):
            body = _linkage(client, api, member)
            (finding,) = _findings(body, "guarantee_circle")

            assert _linked(body, "guarantee_circle") == members - {member}
            assert finding["strength"]["circle_size"] == len(members)
            assert {e["loan_id"] for e in finding["evidence"]} == {
                g["loan_id"] for g in circle["guarantees"]
            }
            assert body["risk_level"] == "high"
            assert "guarantee_circle" in body["risk_reason_codes"]


def test_linkage_guarantee_circle_absent_outside_circles(
    client: ScanningClient, api: ApiContext
) -> None:
    in_circles = {
        m
        for r in api.population.truth["rings"]
        if r["kind"] == "guarantee_circle"
        for m in r["members"]
    }
    outside = [p for p in api.population.valid_applicants() if p not in in_circles][:20]

    found = sum(len(_findings(_linkage(client, api, p), "guarantee_circle")) for p in outside)

    assert found == 0


def _emergency_oracle(population: Population, party_id: str) -> set[str]:
    listed: dict[str, set[str]] = {}
    for row in population.contacts:
        listed.setdefault(row["party_id"], set()).add(row["phone"])
    own = population.party_phone.get(party_id)
    mine = listed.get(party_id, set())
    expected = set()
    for other, phone in population.party_phone.items():
        if other != party_id and phone in mine:
            expected.add(other)
    for other, phones in listed.items():
        if other == party_id:
            continue
        if (own and own in phones) or (phones & mine):
            expected.add(other)
    return expected


def test_linkage_emergency_contact_matches_contact_extract(
    client: ScanningClient, api: ApiContext
) -> None:
    mismatched = []
    with_links = 0
    for party_id in api.population.valid_applicants():
        expected = _emergency_oracle(api.population, party_id)
        with_links += bool(expected)
        body = _linkage(client, api, party_id, depth=1, limits=ALL)
        if _linked(body, "emergency_contact") != expected:
            mismatched.append(party_id)

    assert with_links >= 5
    assert mismatched == []


def test_linkage_emergency_contact_of_defaulted_borrower(
    client: ScanningClient, api: ApiContext
) -> None:
    # listed_as_emergency_contact: applicants whose phone the defaulted borrower listed.
    links = api.population.truth["defaulted_links"]
    cases = [
        (applicant, link["defaulted_party"])
        for link in links
        for applicant in link["listed_as_emergency_contact"]
    ]
    assert cases
    for applicant, defaulted in cases:
        body = _linkage(client, api, applicant)
        finding = next(
            f
            for f in _findings(body, "emergency_contact")
            if f["linked_party"]["party_id"] == defaulted
        )

        assert "listed_by_them" in finding["strength"]["link_kinds"]
        assert finding["source"] == "loan_system"
        assert finding["evidence"][0]["phone"] == mask_number(api.population.party_phone[applicant])


def test_linkage_shared_phone_links_both_parties(client: ScanningClient, api: ApiContext) -> None:
    shared = api.population.truth["shared_phones"]
    assert shared
    for entry in shared:
        first, second = entry["party_ids"]
        for party_id, other in ((first, second), (second, first)):
            consent = "C-" + party_id
            if party_id in api.population.refused_bills or not _has_consent(api, consent):
                continue
            body = _linkage(client, api, party_id)

            assert _linked(body, "shared_phone") == {other}


def _has_consent(api: ApiContext, consent_id: str) -> bool:
    with (api.population.folder / "consents.csv").open(encoding="utf-8") as handle:
        return any(row["consent_id"] == consent_id for row in csv.DictReader(handle))


def test_linkage_shared_contact_links_coached_group_through_agent(
    client: ScanningClient, api: ApiContext
) -> None:
    groups = [r for r in api.population.truth["rings"] if r["kind"] == "coached_group"]
    loaded = set(api.population.valid_applicants())
    for group in groups:
        agent_masks = {mask_number(n) for n in group["intermediary_numbers"]}
        members = [m for m in group["members"] if m in loaded]
        for member in members:
            body = _linkage(client, api, member, limits={**ALL, "min_shared_contacts": 1})
            via_agent = {
                f["linked_party"]["party_id"]
                for f in _findings(body, "shared_contact")
                if agent_masks & {e["phone"] for e in f["evidence"]}
            }

            assert via_agent >= set(members) - {member}


def test_linkage_shared_contact_respects_min_shared_contacts(
    client: ScanningClient, api: ApiContext
) -> None:
    party_id = api.population.valid_applicants()[5]

    body = _linkage(client, api, party_id, limits={**ALL, "min_shared_contacts": 3})

    counts = [f["strength"]["shared_contacts"] for f in _findings(body, "shared_contact")]
    assert all(count >= 3 for count in counts)
    assert all(len(f["evidence"]) >= 3 for f in _findings(body, "shared_contact"))


def test_linkage_depth_one_has_no_shared_contacts(client: ScanningClient, api: ApiContext) -> None:
    group = next(r for r in api.population.truth["rings"] if r["kind"] == "coached_group")
    member = group["members"][0]
    limits = {"min_shared_contacts": 1}

    deep = _linkage(client, api, member, depth=2, limits=limits)
    shallow = _linkage(client, api, member, depth=1, limits=limits)

    assert _findings(deep, "shared_contact")
    assert _findings(shallow, "shared_contact") == []
    assert shallow["depth"] == 1


def _rings_of(population: Population, party_id: str) -> dict[str, set[str]]:
    """Written rings that hold the party or its phone, with their other member parties."""
    phone_id = population.phone_id(population.party_phone[party_id])
    return {
        ring.ring_id: set(ring.party_ids) - {party_id}
        for ring in population.detection.risk_rings
        if party_id in ring.party_ids or phone_id in ring.phone_ids
    }


def test_linkage_ring_member_matches_detection_result(
    client: ScanningClient, api: ApiContext
) -> None:
    planted = [m for r in api.population.truth["rings"] for m in r["members"]]
    loaded = set(api.population.valid_applicants())
    compared = 0
    for party_id in [p for p in planted if p in loaded]:
        expected = _rings_of(api.population, party_id)
        body = _linkage(client, api, party_id)

        got = {
            f["strength"]["ring_id"]: {p["party_id"] for p in f["linked_parties"]}
            for f in _findings(body, "ring_member")
        }
        assert got == expected
        compared += len(expected)

    assert compared >= 5


def test_linkage_ring_member_names_detection_run(client: ScanningClient, api: ApiContext) -> None:
    group = next(r for r in api.population.truth["rings"] if r["kind"] == "coached_group")

    body = _linkage(client, api, group["members"][0])

    assert body["detection_run"]["run_id"] == api.population.detection.run_id
    assert body["detection_run"]["algorithm"] == "louvain"


def test_linkage_defaulted_neighbor_for_every_linked_applicant(
    client: ScanningClient, api: ApiContext
) -> None:
    loaded = set(api.population.valid_applicants())
    cases = [
        (applicant, link["defaulted_party"])
        for link in api.population.truth["defaulted_links"]
        for applicant in link["linked_applicants"]
        if applicant in loaded
    ]
    assert len(cases) >= 2
    for applicant, defaulted in cases:
        body = _linkage(client, api, applicant)
        finding = next(
            f
            for f in _findings(body, "defaulted_neighbor")
            if f["linked_party"]["party_id"] == defaulted
        )

        assert "defaulted" in finding["strength"]["loan_statuses"]
        assert set(finding["strength"]["via"]) & {"direct_call", "emergency_contact"}
        assert body["risk_level"] == "high"


def test_linkage_defaulted_neighbor_only_for_bad_loans(
    client: ScanningClient, api: ApiContext
) -> None:
    bad = 0
    for party_id in api.population.valid_applicants()[:40]:
        body = _linkage(client, api, party_id)
        for finding in _findings(body, "defaulted_neighbor"):
            statuses = set(finding["linked_party"]["loan_statuses"])
            bad += not (statuses & {"defaulted", "overdue"})

    assert bad == 0


def _detected_changes(api: ApiContext) -> list[dict[str, Any]]:
    return api.db.read(NUMBER_CHANGE_NODES)


def _owners_of_phone(population: Population, phone_id: str) -> set[str]:
    return {
        party
        for party, phone in population.party_phone.items()
        if population.phone_id(phone) == phone_id
    }


def test_linkage_number_change_of_the_party(client: ScanningClient, api: ApiContext) -> None:
    loaded = set(api.population.valid_applicants())
    cases = [
        (owner, change)
        for change in _detected_changes(api)
        for owner in _owners_of_phone(api.population, change["new_phone_id"]) & loaded
    ]
    assert cases
    for owner, change in cases:
        body = _linkage(client, api, owner)
        own = {
            f["evidence"][0]["change_id"]: f
            for f in _findings(body, "number_change")
            if f["strength"]["side"] == "own"
        }

        finding = own[change["change_id"]]
        assert finding["evidence"][0]["old_phone"] == change["old_display"]
        assert finding["evidence"][0]["new_phone"] == change["new_display"]
        assert set(finding["consent_ids"]) == set(change["consent_ids"])


def test_linkage_number_change_matches_truth(client: ScanningClient, api: ApiContext) -> None:
    detected = {(c["old_phone_id"], c["new_phone_id"]) for c in _detected_changes(api)}
    found = 0
    for change in api.population.truth["number_changes"]:
        pair = (
            api.population.phone_id(change["old_number"]),
            api.population.phone_id(change["new_number"]),
        )
        if pair not in detected or change["party_id"] not in api.population.valid_applicants():
            continue
        body = _linkage(client, api, change["party_id"])
        masks = {
            (f["evidence"][0]["old_phone"], f["evidence"][0]["new_phone"])
            for f in _findings(body, "number_change")
        }

        assert (mask_number(change["old_number"]), mask_number(change["new_number"])) in masks
        found += 1

    assert found >= 1


def test_linkage_number_change_seen_by_contacts(client: ScanningClient, api: ApiContext) -> None:
    loaded = set(api.population.valid_applicants())
    cases = [
        (contact, change)
        for change in _detected_changes(api)
        for phone_id in change["contact_phone_ids"]
        for contact in _owners_of_phone(api.population, phone_id) & loaded
        if phone_id not in (change["old_phone_id"], change["new_phone_id"])
    ]
    assert cases
    for contact, change in cases[:10]:
        body = _linkage(client, api, contact)
        sides = {
            f["evidence"][0]["change_id"]: f["strength"]["side"]
            for f in _findings(body, "number_change")
        }
        switchers = _owners_of_phone(api.population, change["new_phone_id"]) - {contact}

        assert sides[change["change_id"]] == "contact"
        assert _linked(body, "number_change") >= switchers


def test_linkage_limit_caps_each_type(client: ScanningClient, api: ApiContext) -> None:
    group = next(r for r in api.population.truth["rings"] if r["kind"] == "coached_group")

    body = _linkage(
        client,
        api,
        group["members"][0],
        limits={"max_findings_per_type": 1, "min_shared_contacts": 1},
    )

    per_type = Counter(finding["type"] for finding in body["findings"])
    assert max(per_type.values()) == 1


def test_linkage_call_findings_cite_valid_consents_and_batches(
    client: ScanningClient, api: ApiContext
) -> None:
    valid = {"C-" + party for party in api.population.valid_applicants()}
    group = next(r for r in api.population.truth["rings"] if r["kind"] == "coached_group")

    body = _linkage(client, api, group["members"][0], limits={"min_shared_contacts": 1})

    call_findings = [f for f in body["findings"] if f["source"] == "call_records"]
    assert call_findings
    assert all(set(f["consent_ids"]) <= valid for f in call_findings)
    assert all(f["batch_ids"] for f in call_findings)
    assert all(f["consent_ids"] for f in call_findings)


def test_linkage_response_carries_request_id_and_time(
    client: ScanningClient, api: ApiContext
) -> None:
    party_id = api.population.valid_applicants()[0]

    response = client.post("/v1/linkage", json=linkage_body(party_id), headers=api.headers())

    body = response.json()
    assert body["request_id"] == response.headers["x-request-id"]
    assert body["generated_at"].endswith("+00:00")
    assert body["party_id"] == party_id
    assert response.headers["cache-control"] == "no-store"


_CJK = re.compile(r"[\u4e00-\u9fff]")


def test_linkage_reasons_follow_accept_language(client: ScanningClient, api: ApiContext) -> None:
    circle = next(r for r in api.population.truth["rings"] if r["kind"] == "guarantee_circle")
    body = linkage_body(circle["members"][0])

    zh = client.post("/v1/linkage", json=body, headers=api.headers(language="zh-CN")).json()
    en = client.post("/v1/linkage", json=body, headers=api.headers(language="en-US,en;q=0.9"))

    assert all(_CJK.search(f["reason"]) for f in zh["findings"])
    assert not any(_CJK.search(f["reason"]) for f in en.json()["findings"])
    assert all(_CJK.search(reason) for reason in zh["risk_reasons"])
    assert zh["risk_reason_codes"] == en.json()["risk_reason_codes"]


def test_linkage_evidence_phones_are_masked(client: ScanningClient, api: ApiContext) -> None:
    group = next(r for r in api.population.truth["rings"] if r["kind"] == "coached_group")

    body = _linkage(client, api, group["members"][0], limits={"min_shared_contacts": 1})

    phones = [e["phone"] for f in body["findings"] for e in f["evidence"] if e.get("phone")]
    assert phones
    assert all("*" in phone for phone in phones)


@pytest.mark.parametrize("role", ["loan_system", "admin"])
def test_linkage_allowed_roles(client: ScanningClient, api: ApiContext, role: str) -> None:
    party_id = api.population.valid_applicants()[0]

    response = client.post("/v1/linkage", json=linkage_body(party_id), headers=api.headers(role))

    assert response.status_code == 200
