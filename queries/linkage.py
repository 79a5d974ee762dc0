"""Linkage findings: what links one party to other parties and to rings.

Call evidence counts only while the consent it was loaded under is valid for the request's
purpose (queries.linkage_statements checks each consent). Facts from the loan system's own
extracts (phones, emergency contacts, loans, guarantees) carry ``source="loan_system"``
and no consent id; findings of the detection runs carry ``source="detection"``.

Finding types, first degree (``depth`` 1): direct_call, emergency_contact, shared_phone,
ring_member, guarantee_circle, number_change, and defaulted_neighbor for a party linked by
one of the others whose loan is defaulted or overdue. Second degree (``depth`` 2):
shared_contact, two parties who call the same person.

Every query of one request runs in one READ transaction, so a finding never mixes two
states of the graph.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from neo4j import ManagedTransaction

import queries.messages  # noqa: F401  (registers the finding texts)
from graph_schema.model import APPLIED_FOR, BORROWER_OF, CO_BORROWER_OF, GUARANTOR_OF
from queries import linkage_statements as q
from queries.ring_messages import render_kind, render_reason
from ringscope.db import Database
from ringscope.errors import NotFoundError
from ringscope.i18n import translate

logger = logging.getLogger(__name__)

FINDING_TYPES: Final = (
    "direct_call",
    "shared_contact",
    "emergency_contact",
    "shared_phone",
    "ring_member",
    "guarantee_circle",
    "defaulted_neighbor",
    "number_change",
)
ROLE_NAMES: Final = {
    APPLIED_FOR: "applicant",
    BORROWER_OF: "borrower",
    CO_BORROWER_OF: "co_borrower",
    GUARANTOR_OF: "guarantor",
}
BAD_LOAN_STATUSES: Final = ("defaulted", "overdue")
# A defaulted neighbour is a party linked personally: by calls, emergency contacts, a
# phone, a guarantee or a number change. Ring co-members and parties that only share a
# contact are not, because communities and popular contacts link many strangers.
NEIGHBOUR_TYPES: Final = (
    "direct_call",
    "emergency_contact",
    "shared_phone",
    "guarantee_circle",
    "number_change",
)
HIGH_RING_SCORE: Final = 60.0
MAX_RING_PARTIES_LISTED: Final = 50
MAX_DEPTH: Final = 2


@dataclass(frozen=True, slots=True)
class LinkageLimits:
    """Bounds of one linkage request, which keep the response small and the query fast."""

    max_findings_per_type: int = 50
    min_shared_contacts: int = 2
    # A contact with more call relationships than this is a busy line, not a person both
    # parties know, so it is not counted as a shared contact.
    max_contact_degree: int = 20


@dataclass(slots=True)
class LinkedLoan:
    loan_id: str
    role: str
    status: str | None


@dataclass(slots=True)
class LinkedParty:
    party_id: str
    roles: list[str] = field(default_factory=list)
    loan_statuses: list[str] = field(default_factory=list)
    loans: list[LinkedLoan] = field(default_factory=list)


@dataclass(slots=True)
class Finding:
    type: str
    linked_party: LinkedParty | None
    linked_parties: list[LinkedParty]
    strength: dict[str, Any]
    evidence: list[dict[str, Any]]
    consent_ids: list[str]
    batch_ids: list[str]
    source: str
    reason: str


@dataclass(slots=True)
class RiskReason:
    code: str
    text: str


@dataclass(slots=True)
class LinkageResult:
    party_id: str
    generated_at: str
    depth: int
    detection_run: dict[str, Any] | None
    risk_level: str
    risk_reasons: list[RiskReason]
    findings: list[Finding]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class _Rows:
    """Rows of the READ transaction; findings are built from them afterwards."""

    phone_ids: list[str]
    direct: list[dict[str, Any]] = field(default_factory=list)
    shared: list[dict[str, Any]] = field(default_factory=list)
    emergency: list[dict[str, Any]] = field(default_factory=list)
    shared_phones: list[dict[str, Any]] = field(default_factory=list)
    rings: list[dict[str, Any]] = field(default_factory=list)
    circle: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    loans: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    runs: list[dict[str, Any]] = field(default_factory=list)


def find_linkage(
    db: Database,
    party_id: str,
    *,
    purpose: str,
    language: str | None = None,
    depth: int = MAX_DEPTH,
    limits: LinkageLimits | None = None,
    at: datetime | None = None,
) -> LinkageResult:
    """Return every finding that links ``party_id`` to others; the consent check is the caller's.

    ``purpose`` is the request's declared purpose: call evidence counts only under consents
    that include it. ``at`` is the moment consents are judged at (default: now).

    Raises:
        NotFoundError: no party with this id.
        Neo4jUnavailableError: the server went away.
    """
    return db.execute_read(
        lambda tx: read_linkage(
            tx, party_id, purpose=purpose, language=language, depth=depth, limits=limits, at=at
        )
    )


def read_linkage(
    tx: ManagedTransaction,
    party_id: str,
    *,
    purpose: str,
    language: str | None = None,
    depth: int = MAX_DEPTH,
    limits: LinkageLimits | None = None,
    at: datetime | None = None,
) -> LinkageResult:
    """:func:`find_linkage` inside a READ transaction the caller runs (and may use first).

    Raises:
        NotFoundError: no party with this id.
    """
    limits = limits or LinkageLimits()
    moment = at or datetime.now(UTC)
    params: dict[str, Any] = {
        "party_id": party_id,
        "purpose": purpose,
        "at": moment,
        "limit": limits.max_findings_per_type,
    }

    rows = _read_rows(tx, params, depth, limits)
    if rows is None:
        raise NotFoundError("linkage.party_not_found", party_id=party_id)

    parties = {
        pid: _linked_party(pid, loans) for pid, loans in sorted(rows.loans.items(), key=_first)
    }
    findings: list[Finding] = []
    findings += _direct_calls(rows.direct, parties, limits.max_findings_per_type, language)
    findings += _shared_contacts(rows.shared, parties, language)
    findings += _emergency_links(rows.emergency, parties, language)
    findings += _shared_phones(rows.shared_phones, parties, language)
    findings += _ring_memberships(rows.rings, parties, language)
    findings += _guarantee_circle(rows.circle, party_id, parties, language)
    findings += _number_changes(rows.changes, parties, language)
    findings += _defaulted_neighbours(findings, limits.max_findings_per_type, language)
    findings.sort(key=lambda finding: FINDING_TYPES.index(finding.type))

    level, reasons = assess_risk(findings, language)
    logger.debug("linkage computed findings=%d risk=%s depth=%d", len(findings), level, depth)
    return LinkageResult(
        party_id=party_id,
        generated_at=moment.isoformat(),
        depth=depth,
        detection_run=_detection_run(rows.runs),
        risk_level=level,
        risk_reasons=reasons,
        findings=findings,
    )


def _first(item: tuple[str, Any]) -> str:
    return item[0]


def _read_rows(
    tx: ManagedTransaction, params: dict[str, Any], depth: int, limits: LinkageLimits
) -> _Rows | None:
    facts = tx.run(
        q.LINKAGE_FACTS,
        {
            **params,
            "depth": depth,
            "min_shared": limits.min_shared_contacts,
            "max_contact_degree": limits.max_contact_degree,
            "max_members": MAX_RING_PARTIES_LISTED,
        },
    ).single()
    if facts is None:
        return None
    rows = _Rows(
        phone_ids=facts["phone_ids"],
        direct=facts["direct"],
        shared=facts["shared"],
        emergency=facts["emergency"],
        shared_phones=facts["shared_phones"],
        rings=facts["rings"],
        circle=facts["circle"],
        changes=facts["changes"],
    )

    linked: set[str] = set()
    linked.update(row["party_id"] for row in rows.direct)
    linked.update(row["party_id"] for row in rows.shared)
    linked.update(row["party_id"] for row in rows.emergency)
    linked.update(row["party_id"] for row in rows.shared_phones)
    for ring in rows.rings:
        linked.update(ring["party_ids"])
    for circle in rows.circle:
        linked.update(circle["parties"])
    for change in rows.changes:
        linked.update(other["party_id"] for other in change["others"])
    linked.discard(params["party_id"])
    run_ids = sorted({ring["run_id"] for ring in rows.rings if ring["run_id"]})

    record = tx.run(q.LINKED_PARTIES, party_ids=sorted(linked), run_ids=run_ids).single()
    if record is not None:
        rows.loans = {party["party_id"]: party["loans"] for party in record["parties"]}
        rows.runs = [record["run"]] if record["run"] else []
    return rows


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    native = value.to_native() if hasattr(value, "to_native") else value
    return str(native.isoformat())


def _linked_party(party_id: str, loans: list[dict[str, Any]]) -> LinkedParty:
    items = sorted(
        (
            LinkedLoan(
                loan_id=loan["loan_id"],
                role=ROLE_NAMES.get(loan["role"], loan["role"]),
                status=loan["status"],
            )
            for loan in loans
        ),
        key=lambda loan: (loan.loan_id, loan.role),
    )
    return LinkedParty(
        party_id=party_id,
        roles=sorted({loan.role for loan in items}),
        loan_statuses=sorted({loan.status for loan in items if loan.status}),
        loans=items,
    )


def _party(parties: dict[str, LinkedParty], party_id: str) -> LinkedParty:
    return parties.get(party_id) or LinkedParty(party_id=party_id)


def _union(*lists: list[str]) -> list[str]:
    return sorted({item for items in lists for item in items if item})


def _direct_calls(
    rows: list[dict[str, Any]],
    parties: dict[str, LinkedParty],
    limit: int,
    language: str | None,
) -> list[Finding]:
    by_party: dict[str, Finding] = {}
    for row in rows:
        finding = by_party.get(row["party_id"])
        if finding is None:
            party = _party(parties, row["party_id"])
            finding = Finding(
                type="direct_call",
                linked_party=party,
                linked_parties=[party],
                strength={
                    "calls": 0,
                    "seconds": 0,
                    "night_calls": 0,
                    "outgoing_calls": 0,
                    "incoming_calls": 0,
                    "first_at": None,
                    "last_at": None,
                },
                evidence=[],
                consent_ids=[],
                batch_ids=[],
                source="call_records",
                reason="",
            )
            by_party[row["party_id"]] = finding
        strength = finding.strength
        strength["calls"] += row["calls"]
        strength["seconds"] += row["seconds"]
        strength["night_calls"] += row["night_calls"]
        strength["outgoing_calls" if row["outgoing"] else "incoming_calls"] += row["calls"]
        first, last = _iso(row["first_at"]), _iso(row["last_at"])
        if first and (strength["first_at"] is None or first < strength["first_at"]):
            strength["first_at"] = first
        if last and (strength["last_at"] is None or last > strength["last_at"]):
            strength["last_at"] = last
        finding.evidence.append(
            {
                "kind": "call",
                "phone": row["display"],
                "direction": "outgoing" if row["outgoing"] else "incoming",
                "calls": row["calls"],
                "seconds": row["seconds"],
                "first_at": first,
                "last_at": last,
            }
        )
        finding.consent_ids = _union(finding.consent_ids, row["consent_ids"])
        finding.batch_ids = _union(finding.batch_ids, row["batch_ids"])

    for party_id, finding in by_party.items():
        finding.reason = translate(
            "finding.direct_call",
            language,
            party_id=party_id,
            calls=finding.strength["calls"],
            minutes=round(finding.strength["seconds"] / 60),
        )
        finding.evidence.sort(key=lambda item: (-item["calls"], item["direction"]))
    ordered = sorted(by_party.values(), key=lambda f: (-f.strength["calls"], _party_key(f)))
    return ordered[:limit]


def _party_key(finding: Finding) -> str:
    return finding.linked_party.party_id if finding.linked_party else ""


def _shared_contacts(
    rows: list[dict[str, Any]], parties: dict[str, LinkedParty], language: str | None
) -> list[Finding]:
    findings = []
    for row in rows:
        contacts = sorted(row["contacts"], key=lambda contact: contact["display"] or "")
        firsts = [_iso(contact["first_at"]) for contact in contacts]
        lasts = [_iso(contact["last_at"]) for contact in contacts]
        party = _party(parties, row["party_id"])
        findings.append(
            Finding(
                type="shared_contact",
                linked_party=party,
                linked_parties=[party],
                strength={
                    "shared_contacts": len(contacts),
                    "first_at": min((f for f in firsts if f), default=None),
                    "last_at": max((f for f in lasts if f), default=None),
                },
                evidence=[
                    {
                        "kind": "contact",
                        "phone": contact["display"],
                        "first_at": first,
                        "last_at": last,
                    }
                    for contact, first, last in zip(contacts, firsts, lasts, strict=True)
                ],
                consent_ids=_union(*(contact["consent_ids"] for contact in contacts)),
                batch_ids=_union(*(contact["batch_ids"] for contact in contacts)),
                source="call_records",
                reason=translate(
                    "finding.shared_contact",
                    language,
                    party_id=row["party_id"],
                    count=len(contacts),
                ),
            )
        )
    return findings


def _emergency_links(
    rows: list[dict[str, Any]], parties: dict[str, LinkedParty], language: str | None
) -> list[Finding]:
    by_party: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_party.setdefault(row["party_id"], []).append(row)
    findings = []
    for party_id, links in by_party.items():
        party = _party(parties, party_id)
        ways = sorted({link["how"] for link in links})
        findings.append(
            Finding(
                type="emergency_contact",
                linked_party=party,
                linked_parties=[party],
                strength={"links": len(links), "link_kinds": ways},
                evidence=[
                    {"kind": "emergency_contact", "phone": link["display"], "link": link["how"]}
                    for link in links
                ],
                consent_ids=[],
                batch_ids=[],
                source="loan_system",
                reason=" ".join(
                    translate(f"finding.emergency_{how}", language, party_id=party_id)
                    for how in ways
                ),
            )
        )
    return findings


def _shared_phones(
    rows: list[dict[str, Any]], parties: dict[str, LinkedParty], language: str | None
) -> list[Finding]:
    by_party: dict[str, list[str]] = {}
    for row in rows:
        by_party.setdefault(row["party_id"], []).append(row["display"])
    findings = []
    for party_id, displays in by_party.items():
        party = _party(parties, party_id)
        findings.append(
            Finding(
                type="shared_phone",
                linked_party=party,
                linked_parties=[party],
                strength={"shared_phones": len(displays)},
                evidence=[{"kind": "phone", "phone": display} for display in sorted(displays)],
                consent_ids=[],
                batch_ids=[],
                source="loan_system",
                reason=translate("finding.shared_phone", language, party_id=party_id),
            )
        )
    return findings


def _ring_memberships(
    rows: list[dict[str, Any]], parties: dict[str, LinkedParty], language: str | None
) -> list[Finding]:
    findings = []
    for row in rows:
        members = [_party(parties, party_id) for party_id in row["party_ids"]]
        findings.append(
            Finding(
                type="ring_member",
                linked_party=members[0] if members else None,
                linked_parties=members,
                strength={
                    "ring_id": row["ring_id"],
                    "ring_kind": row["kind"],
                    "score": row["score"],
                    "size": row["size"],
                    "other_parties": row["other_parties"],
                    "calls_with_members": row["calls_with_members"],
                    "reason_codes": list(row["reasons"]),
                },
                evidence=[{"kind": "ring", "ring_id": row["ring_id"], "run_id": row["run_id"]}],
                consent_ids=sorted(row["consent_ids"]),
                batch_ids=sorted(row["batch_ids"]),
                source="detection",
                reason=" ".join(
                    [
                        translate(
                            "finding.ring_member",
                            language,
                            ring_id=row["ring_id"],
                            kind=render_kind(row["kind"] or "call_community", language),
                            size=row["size"],
                            score=row["score"],
                            parties=row["other_parties"],
                        ),
                        *_ring_reasons(row, language),
                    ]
                ),
            )
        )
    return findings


def _ring_reasons(row: dict[str, Any], language: str | None) -> list[str]:
    """Render the ring's reasons as sentences, with the figures detection stored for each."""
    try:
        details = json.loads(row["reason_details"] or "{}")
    except (TypeError, ValueError):
        details = {}
    if not isinstance(details, dict):
        details = {}
    return [render_reason(code, details.get(code) or {}, language) for code in row["reasons"] or []]


def _guarantee_circle(
    rows: list[dict[str, Any]],
    party_id: str,
    parties: dict[str, LinkedParty],
    language: str | None,
) -> list[Finding]:
    if not rows:
        return []
    path_parties: list[str] = rows[0]["parties"]
    loans: list[str] = rows[0]["loans"]
    members = sorted(set(path_parties) - {party_id})
    linked = [_party(parties, member) for member in members]
    # path_parties[i] guarantees loans[i], whose borrower is path_parties[i + 1].
    evidence = [
        {
            "kind": "guarantee",
            "loan_id": loan_id,
            "guarantor": path_parties[index],
            "borrower": path_parties[index + 1],
        }
        for index, loan_id in enumerate(loans)
    ]
    return [
        Finding(
            type="guarantee_circle",
            linked_party=linked[0] if linked else None,
            linked_parties=linked,
            strength={"circle_size": len(members) + 1},
            evidence=evidence,
            consent_ids=[],
            batch_ids=[],
            source="loan_system",
            reason=translate("finding.guarantee_circle", language, length=len(members) + 1),
        )
    ]


def _number_changes(
    rows: list[dict[str, Any]], parties: dict[str, LinkedParty], language: str | None
) -> list[Finding]:
    findings = []
    for row in rows:
        own = row["own_old"] or row["own_new"]
        # Owners of the old or new number come first, because a new applicant who has a
        # number that another party gave up is the link that matters most.
        others = sorted(
            row["others"], key=lambda other: (other["side"] == "contact", other["party_id"])
        )
        linked: list[LinkedParty] = []
        for other in others:
            if all(party.party_id != other["party_id"] for party in linked):
                linked.append(_party(parties, other["party_id"]))
        side = "own" if own else "contact"
        findings.append(
            Finding(
                type="number_change",
                linked_party=linked[0] if linked else None,
                linked_parties=linked,
                strength={
                    "side": side,
                    "overlap": row["overlap"],
                    "old_last_at": _iso(row["old_last_at"]),
                    "new_first_at": _iso(row["new_first_at"]),
                },
                evidence=[
                    {
                        "kind": "number_change",
                        "change_id": row["change_id"],
                        "old_phone": row["old_display"],
                        "new_phone": row["new_display"],
                        "run_id": row["run_id"],
                    }
                ],
                consent_ids=sorted(row["consent_ids"]),
                batch_ids=sorted(row["batch_ids"]),
                source="detection",
                reason=translate(
                    f"finding.number_change_{side}",
                    language,
                    old=row["old_display"],
                    new=row["new_display"],
                    overlap=_overlap_text(row["overlap"]),
                ),
            )
        )
    return findings


def _overlap_text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.0%}" if value <= 1 else f"{value:g}"
    return "-" if value is None else str(value)


def _defaulted_neighbours(
    findings: list[Finding], limit: int, language: str | None
) -> list[Finding]:
    """Add one finding per personally linked party with a defaulted or overdue loan."""
    derived: dict[str, Finding] = {}
    for finding in findings:
        if finding.type not in NEIGHBOUR_TYPES:
            continue
        for party in finding.linked_parties:
            bad_loans = [loan for loan in party.loans if loan.status in BAD_LOAN_STATUSES]
            if not bad_loans:
                continue
            neighbour = derived.get(party.party_id)
            if neighbour is None:
                neighbour = Finding(
                    type="defaulted_neighbor",
                    linked_party=party,
                    linked_parties=[party],
                    strength={
                        "via": [],
                        "loan_statuses": sorted({str(loan.status) for loan in bad_loans}),
                    },
                    evidence=[
                        {"kind": "loan", "loan_id": loan.loan_id, "status": loan.status}
                        for loan in bad_loans
                    ],
                    consent_ids=[],
                    batch_ids=[],
                    source=finding.source,
                    reason="",
                )
                derived[party.party_id] = neighbour
            if finding.type not in neighbour.strength["via"]:
                neighbour.strength["via"].append(finding.type)
            neighbour.consent_ids = _union(neighbour.consent_ids, finding.consent_ids)
            neighbour.batch_ids = _union(neighbour.batch_ids, finding.batch_ids)

    for party_id, neighbour in derived.items():
        neighbour.reason = translate(
            "finding.defaulted_neighbor",
            language,
            party_id=party_id,
            statuses=", ".join(
                translate(f"loan_status.{status}", language)
                for status in neighbour.strength["loan_statuses"]
            ),
            via=translate("list_separator", language).join(
                translate(f"finding.type_{kind}", language) for kind in neighbour.strength["via"]
            ),
        )
    return sorted(derived.values(), key=_party_key)[:limit]


def _detection_run(runs: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not runs:
        return None
    run = runs[0]
    return {
        "run_id": run["run_id"],
        "algorithm": run["algorithm"],
        "seed": run["seed"],
        "started_at": _iso(run["started_at"]),
        "finished_at": _iso(run["finished_at"]),
    }


def assess_risk(
    findings: list[Finding], language: str | None = None
) -> tuple[str, list[RiskReason]]:
    """Return the overall level (high, medium, low) and the reasons that set it.

    high: a guarantee circle, a personally linked party with a defaulted or overdue loan,
    or membership of a ring scoring at least HIGH_RING_SCORE. medium: any other finding.
    low: nothing links the party.
    """
    types = {finding.type for finding in findings}
    strong_ring = any(
        finding.type == "ring_member" and (finding.strength.get("score") or 0) >= HIGH_RING_SCORE
        for finding in findings
    )

    high: list[RiskReason] = []
    if "guarantee_circle" in types:
        high.append(_reason("guarantee_circle", language))
    if "defaulted_neighbor" in types:
        high.append(_reason("defaulted_neighbor", language))
    if strong_ring:
        high.append(_reason("strong_ring", language, score=HIGH_RING_SCORE))
    if high:
        return "high", high

    medium = [
        _reason(kind, language)
        for kind in (
            "ring_member",
            "shared_phone",
            "number_change",
            "emergency_contact",
            "direct_call",
            "shared_contact",
        )
        if kind in types
    ]
    if medium:
        return "medium", medium
    return "low", [_reason("none", language)]


def _reason(code: str, language: str | None, **params: object) -> RiskReason:
    return RiskReason(code=code, text=translate(f"risk.{code}", language, **params))
