"""The ground truth of a generated data set, written as ``truth.json``.

Everything is synthetic, so the truth names numbers in clear. Lists are sorted so that the
same seed and parameters write the same bytes.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from generator.model import CallTable, World
from generator.writers import BillFile, consent_id

FORMAT_VERSION = 1


def build_truth(world: World, calls: CallTable, bills: list[BillFile]) -> dict[str, object]:
    """Return the truth document for a fully built world and its calls."""
    params = world.params
    return {
        "format_version": FORMAT_VERSION,
        "seed": params.seed,
        "parameters": params.to_json(),
        "period": {
            "start": params.start_date.isoformat(),
            "end": params.end_date.isoformat(),
            "timezone": "Asia/Shanghai",
        },
        "counts": _counts(world, calls, bills),
        "rings": _coached_rings(world)
        + _guarantee_rings(world, first_id=len(world.coached_groups) + 1),
        "number_changes": _number_changes(world, calls),
        "shared_phones": _shared_phones(world),
        "defaulted_links": _defaulted_links(world),
        "overdue_borrowers": _overdue_borrowers(world),
        "hub_numbers": _hub_numbers(world),
        "consents": _consents(world),
    }


def _counts(world: World, calls: CallTable, bills: list[BillFile]) -> dict[str, int]:
    used = np.unique(np.concatenate([calls.caller, calls.callee]))
    return {
        "calls": len(calls),
        "bill_rows": sum(bill.rows for bill in bills),
        "bills": len(bills),
        "applicants": len(world.applicant_parties()),
        "parties": len(world.parties),
        "loans": len(world.loans),
        "loan_rows": sum(len(loan.rows) for loan in world.loans),
        "consents": len(world.consents),
        "emergency_contacts": len(world.emergency_contacts),
        "phones_in_calls": int(used.shape[0]),
        "rings": len(world.coached_groups) + len(world.guarantee_circles),
        "coached_groups": len(world.coached_groups),
        "guarantee_circles": len(world.guarantee_circles),
        "number_changes": len(world.switches),
        "switch_chains": len(world.switch_chains),
        "shared_phones": len(world.shared_phones),
        "defaulted_links": len(world.defaulted_links),
        "overdue_borrowers": len(world.overdue_borrowers),
        "hub_numbers": len(world.hub_kind),
    }


def _coached_rings(world: World) -> list[dict[str, object]]:
    rings: list[dict[str, object]] = []
    loan_of = _current_loan_of(world)
    for number, group in enumerate(world.coached_groups, start=1):
        windows = []
        for party in group.members:
            apply_day = world.parties[party].apply_day
            assert apply_day is not None
            first = max(0, apply_day - group.lead_days[party])
            windows.append(
                {
                    "party_id": world.parties[party].party_id,
                    "phone": world.current_number(world.parties[party].person),
                    "loan_id": world.loans[loan_of[party]].loan_id,
                    "applied_at": world.params.day_to_date(apply_day).isoformat(),
                    "window_start": world.params.day_to_date(first).isoformat(),
                    "window_end": world.params.day_to_date(apply_day).isoformat(),
                }
            )
        windows.sort(key=lambda window: window["party_id"])
        rings.append(
            {
                "ring_id": f"R{number:03d}",
                "kind": "coached_group",
                "members": [window["party_id"] for window in windows],
                "member_phones": [window["phone"] for window in windows],
                "intermediary_numbers": sorted(
                    world.current_number(agent) for agent in group.agents
                ),
                "loan_ids": sorted(window["loan_id"] for window in windows),
                "guarantee_loan_ids": [],
                "coaching_windows": windows,
                "stray_contacts": sorted(world.parties[party].party_id for party in group.strays),
                "shared_emergency_contacts": sorted(
                    world.current_number(person) for person in group.emergency_persons
                ),
            }
        )
    return rings


def _guarantee_rings(world: World, first_id: int) -> list[dict[str, object]]:
    rings: list[dict[str, object]] = []
    for number, circle in enumerate(world.guarantee_circles, start=first_id):
        size = len(circle.members)
        guarantees = [
            {
                "guarantor": world.parties[party].party_id,
                "loan_id": world.loans[circle.loans[(position + 1) % size]].loan_id,
                "borrower": world.parties[circle.members[(position + 1) % size]].party_id,
            }
            for position, party in enumerate(circle.members)
        ]
        rings.append(
            {
                "ring_id": f"R{number:03d}",
                "kind": "guarantee_circle",
                "members": sorted(world.parties[party].party_id for party in circle.members),
                "member_phones": sorted(
                    world.current_number(world.parties[party].person) for party in circle.members
                ),
                "intermediary_numbers": [],
                "loan_ids": sorted(world.loans[loan].loan_id for loan in circle.loans),
                "guarantee_loan_ids": sorted(world.loans[loan].loan_id for loan in circle.loans),
                "guarantees": sorted(guarantees, key=lambda item: item["guarantor"]),
            }
        )
    return rings


def _number_changes(world: World, calls: CallTable) -> list[dict[str, object]]:
    changes: list[dict[str, object]] = []
    owners_of = _bill_owners_by_number(world)
    for person, switch in sorted(world.switches.items()):
        old_index, new_index = world.person_numbers[person][0], world.person_numbers[person][-1]
        party_ids = sorted(world.parties[party].party_id for party in world.parties_of(person))
        changes.append(
            {
                "party_id": party_ids[0],
                "old_number": world.numbers.numbers[old_index],
                "new_number": world.numbers.numbers[new_index],
                "switch_date": world.params.day_to_date(switch.switch_day).isoformat(),
                "old_number_last_day": (
                    world.params.day_to_date(switch.switch_day) - timedelta(days=1)
                ).isoformat(),
                "chain_id": f"CH{switch.chain + 1:02d}" if switch.chain is not None else None,
                "witnesses": sorted(
                    world.parties[world.parties_of(w)[0]].party_id for w in switch.witnesses
                ),
                "old_number_in_bills": _bills_showing(calls, old_index, owners_of),
                "new_number_in_bills": _bills_showing(calls, new_index, owners_of),
            }
        )
    changes.sort(key=lambda change: str(change["party_id"]))
    return changes


def _bill_owners_by_number(world: World) -> dict[int, list[str]]:
    owners: dict[int, list[str]] = {}
    for index in world.applicant_parties():
        party = world.parties[index]
        owners.setdefault(world.person_numbers[party.person][-1], []).append(party.party_id)
    return owners


def _bills_showing(calls: CallTable, number: int, owners_of: dict[int, list[str]]) -> list[str]:
    """Return the party ids whose bills contain a call with ``number`` (its own bill included)."""
    involved = (calls.caller == number) | (calls.callee == number)
    ends = np.unique(np.concatenate([calls.caller[involved], calls.callee[involved]]))
    return sorted(party_id for end in ends.tolist() for party_id in owners_of.get(end, []))


def _shared_phones(world: World) -> list[dict[str, object]]:
    shared = [
        {
            "phone": world.current_number(item.person),
            "party_ids": sorted(world.parties[party].party_id for party in item.parties),
            "relation": item.relation,
            "both_applicants": all(
                world.parties[party].kind == "applicant" for party in item.parties
            ),
        }
        for item in world.shared_phones
    ]
    return sorted(shared, key=lambda item: str(item["phone"]))


def _defaulted_links(world: World) -> list[dict[str, object]]:
    links: list[dict[str, object]] = [
        {
            "defaulted_party": world.parties[link.party].party_id,
            "phone": world.current_number(world.parties[link.party].person),
            "defaulted_loan_ids": [world.loans[link.loan].loan_id],
            "linked_applicants": sorted(world.parties[party].party_id for party in link.linked),
            "listed_as_emergency_contact": sorted(
                world.parties[party].party_id for party in link.listed_by_defaulted
            ),
        }
        for link in world.defaulted_links
    ]
    return sorted(links, key=lambda item: str(item["defaulted_party"]))


def _overdue_borrowers(world: World) -> list[dict[str, object]]:
    items: list[dict[str, object]] = [
        {
            "party_id": world.parties[item.party].party_id,
            "loan_id": world.loans[item.loan].loan_id,
            "collection_from": world.params.day_to_date(max(0, item.overdue_day)).isoformat(),
            "collector_numbers": sorted(world.current_number(person) for person in item.collectors),
        }
        for item in world.overdue_borrowers
    ]
    return sorted(items, key=lambda item: str(item["party_id"]))


def _hub_numbers(world: World) -> list[dict[str, str]]:
    hubs = [
        {"number": world.current_number(person), "kind": kind}
        for person, kind in world.hub_kind.items()
    ]
    return sorted(hubs, key=lambda item: (item["kind"], item["number"]))


def _consents(world: World) -> dict[str, list[dict[str, str]]]:
    expired = []
    revoked = []
    for consent in world.consents:
        party_id = world.parties[consent.party].party_id
        if consent.state == "expired":
            expired.append(
                {
                    "consent_id": consent_id(world, consent.party),
                    "party_id": party_id,
                    "expires_at": consent.expires_at.isoformat(),
                }
            )
        elif consent.state == "revoked" and consent.revoked_at is not None:
            revoked.append(
                {
                    "consent_id": consent_id(world, consent.party),
                    "party_id": party_id,
                    "revoked_at": consent.revoked_at.isoformat(),
                }
            )
    return {
        "expired": sorted(expired, key=lambda item: item["consent_id"]),
        "revoked": sorted(revoked, key=lambda item: item["consent_id"]),
    }


def _current_loan_of(world: World) -> dict[int, int]:
    """Map each applicant party to the loan of its application in the period."""
    first_day = world.params.start_date
    current: dict[int, int] = {}
    for index, loan in enumerate(world.loans):
        party, _role = loan.rows[0]
        if loan.applied_on >= first_day and party not in current:
            current[party] = index
    return current
