"""Linkage findings: what links one party to other parties and to rings.

Findings are built only from evidence whose consent is valid at the time of the request:
call facts count only when the consent they were loaded under is in scope, granted, not
expired and not revoked. Facts from the loan system's own extracts (phones, emergency
contacts, loans, guarantees) carry ``source="loan_system"`` and no consent id.

Finding types: direct_call, shared_contact, emergency_contact, shared_phone,
ring_member, guarantee_circle, defaulted_neighbor, number_change.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import queries.messages  # noqa: F401  (registers the finding texts)
from graph_schema.model import APPLIED_FOR, BORROWER_OF, CO_BORROWER_OF, GUARANTOR_OF
from queries import linkage_statements as q
from queries.rings import get_valid_consents
from ringscope.db import Database
from ringscope.errors import NotFoundError
from ringscope.i18n import translate

logger = logging.getLogger(__name__)

ROLE_NAMES = {
    APPLIED_FOR: "applicant",
    BORROWER_OF: "borrower",
    CO_BORROWER_OF: "co_borrower",
    GUARANTOR_OF: "guarantor",
}
BAD_LOAN_STATUSES = ("defaulted", "overdue")
HIGH_RING_SCORE = 60.0


@dataclass(slots=True)
class LinkedParty:
    party_id: str
    roles: list[str] = field(default_factory=list)
    loan_statuses: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Finding:
    type: str
    linked_party: LinkedParty | None
    strength: dict[str, Any]
    evidence: list[dict[str, Any]]
    consent_ids: list[str]
    batch_ids: list[str]
    source: str
    reason: str


@dataclass(slots=True)
class LinkageResult:
    party_id: str
    generated_at: str
    detection_run: dict[str, Any] | None
    risk_level: str
    risk_reasons: list[str]
    findings: list[Finding]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class LinkageLimits:
    max_findings_per_type: int = 50
    min_shared_contacts: int = 2


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    native = value.to_native() if hasattr(value, "to_native") else value
    return str(native.isoformat())


def _linked(row_roles: list[str] | None, statuses: list[str] | None, party_id: str) -> LinkedParty:
    roles = sorted({ROLE_NAMES.get(role, role) for role in row_roles or [] if role})
    return LinkedParty(party_id=party_id, roles=roles, loan_statuses=sorted(set(statuses or [])))


def find_linkage(
    db: Database,
    party_id: str,
    *,
    language: str | None = None,
    limits: LinkageLimits | None = None,
    at: datetime | None = None,
) -> LinkageResult:
    """Return every finding that links ``party_id`` to others; the consent check is the caller's.

    Raises:
        NotFoundError: no party with this id.
    """
    limits = limits or LinkageLimits()
    moment = at or datetime.now(UTC)
    summary = db.read(q.PARTY_SUMMARY, party_id=party_id)
    if not summary:
        raise NotFoundError("linkage.party_not_found", party_id=party_id)
    phone_ids: list[str] = summary[0]["phone_ids"]
    valid = get_valid_consents(db, moment)
    limit = limits.max_findings_per_type

    findings: list[Finding] = []
    findings += _direct_calls(db, party_id, phone_ids, valid, limit, language)
    findings += _shared_contacts(db, party_id, phone_ids, valid, limits, language)
    findings += _emergency_links(db, party_id, limit, language)
    findings += _shared_phones(db, party_id, limit, language)
    findings += _ring_memberships(db, party_id, limit, language)
    findings += _guarantees(db, party_id, limit, language)
    findings += _number_changes(db, party_id, limit, language)
    findings += _defaulted_neighbours(db, findings, language)

    runs = db.read(q.LATEST_DETECTION_RUN)
    level, reasons = assess_risk(findings, language)
    logger.info("linkage computed findings=%d risk=%s", len(findings), level)
    return LinkageResult(
        party_id=party_id,
        generated_at=moment.isoformat(),
        detection_run=runs[0] if runs else None,
        risk_level=level,
        risk_reasons=reasons,
        findings=findings,
    )


def _owners_of(db: Database, party_id: str, phone_ids: list[str]) -> dict[str, list[LinkedParty]]:
    owners: dict[str, list[LinkedParty]] = {}
    if not phone_ids:
        return owners
    for row in db.read(q.PARTIES_OF_PHONES, phone_ids=phone_ids, party_id=party_id):
        owners.setdefault(row["phone_id"], []).append(
            _linked(row["roles"], row["loan_statuses"], row["party_id"])
        )
    return owners


def _direct_calls(
    db: Database,
    party_id: str,
    phone_ids: list[str],
    valid: list[str],
    limit: int,
    language: str | None,
) -> list[Finding]:
    if not phone_ids:
        return []
    rows = db.read(q.DIRECT_CALLS, phone_ids=phone_ids, valid_consents=valid)
    owners = _owners_of(db, party_id, sorted({row["other_phone"] for row in rows}))
    merged: dict[str, Finding] = {}
    for row in rows:
        for party in owners.get(row["other_phone"], []):
            finding = merged.get(party.party_id)
            if finding is None:
                finding = Finding(
                    type="direct_call",
                    linked_party=party,
                    strength={"calls": 0, "seconds": 0, "first_at": None, "last_at": None},
                    evidence=[],
                    consent_ids=[],
                    batch_ids=[],
                    source="call_records",
                    reason="",
                )
                merged[party.party_id] = finding
            strength = finding.strength
            strength["calls"] += row["calls"]
            strength["seconds"] += row["seconds"]
            first, last = _iso(row["first_at"]), _iso(row["last_at"])
            if first and (strength["first_at"] is None or first < strength["first_at"]):
                strength["first_at"] = first
            if last and (strength["last_at"] is None or last > strength["last_at"]):
                strength["last_at"] = last
            finding.evidence.append(
                {
                    "phone": row["other_display"],
                    "direction": "outgoing" if row["outgoing"] else "incoming",
                    "calls": row["calls"],
                    "seconds": row["seconds"],
                }
            )
            finding.consent_ids = sorted(set(finding.consent_ids) | set(row["consent_ids"]))
            finding.batch_ids = sorted(set(finding.batch_ids) | set(row["batch_ids"]))
    for finding in merged.values():
        finding.reason = translate(
            "finding.direct_call",
            language,
            party_id=finding.linked_party.party_id if finding.linked_party else "-",
            calls=finding.strength["calls"],
            minutes=round(finding.strength["seconds"] / 60),
        )
    ordered = sorted(merged.values(), key=lambda f: (-f.strength["calls"], _party_key(f)))
    return ordered[:limit]


def _party_key(finding: Finding) -> str:
    return finding.linked_party.party_id if finding.linked_party else ""


def _shared_contacts(
    db: Database,
    party_id: str,
    phone_ids: list[str],
    valid: list[str],
    limits: LinkageLimits,
    language: str | None,
) -> list[Finding]:
    if not phone_ids:
        return []
    rows = db.read(
        q.SHARED_CONTACTS,
        phone_ids=phone_ids,
        party_id=party_id,
        valid_consents=valid,
        min_shared=limits.min_shared_contacts,
        limit=limits.max_findings_per_type,
    )
    statuses = _loan_statuses(db, [row["party_id"] for row in rows])
    findings = []
    for row in rows:
        contacts = row["contacts"]
        findings.append(
            Finding(
                type="shared_contact",
                linked_party=statuses.get(row["party_id"], LinkedParty(row["party_id"])),
                strength={
                    "shared_contacts": len(contacts),
                    "first_at": _iso(row["first_at"]),
                    "last_at": _iso(row["last_at"]),
                },
                evidence=[{"phone": contact["display"]} for contact in contacts],
                consent_ids=sorted(set(row["consent_ids"])),
                batch_ids=sorted(set(row["batch_ids"])),
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


def _loan_statuses(db: Database, party_ids: list[str]) -> dict[str, LinkedParty]:
    result = {}
    for row in db.read(q.LOAN_STATUS_OF_PARTIES, party_ids=party_ids):
        loans = [loan for loan in row["loans"] if loan.get("role")]
        result[row["party_id"]] = _linked(
            [loan["role"] for loan in loans], [loan["status"] for loan in loans], row["party_id"]
        )
    return result


def _emergency_links(
    db: Database, party_id: str, limit: int, language: str | None
) -> list[Finding]:
    rows = db.read(q.EMERGENCY_LINKS, party_id=party_id, limit=limit)
    statuses = _loan_statuses(db, [row["party_id"] for row in rows])
    return [
        Finding(
            type="emergency_contact",
            linked_party=statuses.get(row["party_id"], LinkedParty(row["party_id"])),
            strength={"how": row["how"]},
            evidence=[{"phone": row["display"]}],
            consent_ids=[],
            batch_ids=[],
            source="loan_system",
            reason=translate(f"finding.emergency_{row['how']}", language, party_id=row["party_id"]),
        )
        for row in rows
    ]


def _shared_phones(db: Database, party_id: str, limit: int, language: str | None) -> list[Finding]:
    rows = db.read(q.SHARED_PHONES, party_id=party_id, limit=limit)
    statuses = _loan_statuses(db, [row["party_id"] for row in rows])
    return [
        Finding(
            type="shared_phone",
            linked_party=statuses.get(row["party_id"], LinkedParty(row["party_id"])),
            strength={},
            evidence=[{"phone": row["display"]}],
            consent_ids=[],
            batch_ids=[],
            source="loan_system",
            reason=translate("finding.shared_phone", language, party_id=row["party_id"]),
        )
        for row in rows
    ]


def _ring_memberships(
    db: Database, party_id: str, limit: int, language: str | None
) -> list[Finding]:
    findings = []
    for row in db.read(q.RINGS_OF_PARTY, party_id=party_id, limit=limit):
        findings.append(
            Finding(
                type="ring_member",
                linked_party=None,
                strength={
                    "ring_id": row["ring_id"],
                    "score": row["score"],
                    "size": row["size"],
                    "stale": row["stale"],
                    "other_parties": sorted(row["party_ids"]),
                },
                evidence=[{"ring_id": row["ring_id"], "run_id": row["run_id"]}],
                consent_ids=[],
                batch_ids=[],
                source="detection",
                reason=translate(
                    "finding.ring_member",
                    language,
                    ring_id=row["ring_id"],
                    size=row["size"],
                    score=row["score"],
                    parties=len(row["party_ids"]),
                ),
            )
        )
    return findings


def _guarantees(db: Database, party_id: str, limit: int, language: str | None) -> list[Finding]:
    findings = []
    circle = db.read(q.GUARANTEE_CIRCLE, party_id=party_id)
    if circle:
        parties = circle[0]["parties"]
        findings.append(
            Finding(
                type="guarantee_circle",
                linked_party=None,
                strength={"length": len(set(parties)), "parties": sorted(set(parties))},
                evidence=[{"loan_id": loan_id} for loan_id in circle[0]["loans"]],
                consent_ids=[],
                batch_ids=[],
                source="loan_system",
                reason=translate("finding.guarantee_circle", language, length=len(set(parties))),
            )
        )
    return findings[:limit]


def _number_changes(db: Database, party_id: str, limit: int, language: str | None) -> list[Finding]:
    findings = []
    for row in db.read(q.NUMBER_CHANGES_OF_PARTY, party_id=party_id, limit=limit):
        change = row["change"]
        findings.append(
            Finding(
                type="number_change",
                linked_party=None,
                strength={
                    "overlap": change.get("overlap"),
                    "old_last_at": _iso(change.get("old_last_at")),
                    "new_first_at": _iso(change.get("new_first_at")),
                },
                evidence=[
                    {"old_phone": change.get("old_display"), "new_phone": change.get("new_display")}
                ],
                consent_ids=sorted(change.get("consent_ids") or []),
                batch_ids=sorted(change.get("batch_ids") or []),
                source="detection",
                reason=translate(
                    "finding.number_change",
                    language,
                    old=change.get("old_display"),
                    new=change.get("new_display"),
                    overlap=change.get("overlap"),
                ),
            )
        )
    return findings


def _defaulted_neighbours(
    db: Database, findings: list[Finding], language: str | None
) -> list[Finding]:
    """Add one finding per linked party with a defaulted or overdue loan."""
    derived = []
    seen: set[str] = set()
    for finding in findings:
        party = finding.linked_party
        if party is None or party.party_id in seen:
            continue
        bad = sorted(set(party.loan_statuses) & set(BAD_LOAN_STATUSES))
        if not bad:
            continue
        seen.add(party.party_id)
        derived.append(
            Finding(
                type="defaulted_neighbor",
                linked_party=party,
                strength={"via": finding.type, "loan_statuses": bad},
                evidence=list(finding.evidence[:5]),
                consent_ids=list(finding.consent_ids),
                batch_ids=list(finding.batch_ids),
                source=finding.source,
                reason=translate(
                    "finding.defaulted_neighbor",
                    language,
                    party_id=party.party_id,
                    statuses=", ".join(bad),
                    via=translate(f"finding.type_{finding.type}", language),
                ),
            )
        )
    return derived


def assess_risk(findings: list[Finding], language: str | None = None) -> tuple[str, list[str]]:
    """Return the overall level (high, medium, low) and the reasons that set it.

    high: a guarantee circle, a defaulted or overdue linked party, or membership of a
    ring scoring at least 60. medium: any other ring membership, shared phone, shared
    contacts or calls with another loan party. low: nothing links the party.
    """
    reasons: list[str] = []
    level = "low"
    types = {finding.type for finding in findings}
    strong_ring = any(
        finding.type == "ring_member" and (finding.strength.get("score") or 0) >= HIGH_RING_SCORE
        for finding in findings
    )
    if "guarantee_circle" in types:
        reasons.append(translate("risk.guarantee_circle", language))
    if "defaulted_neighbor" in types:
        reasons.append(translate("risk.defaulted_neighbor", language))
    if strong_ring:
        reasons.append(translate("risk.strong_ring", language, score=HIGH_RING_SCORE))
    if reasons:
        return "high", reasons
    for kind in (
        "ring_member",
        "shared_phone",
        "shared_contact",
        "direct_call",
        "emergency_contact",
        "number_change",
    ):
        if kind in types:
            reasons.append(translate(f"risk.{kind}", language))
    if reasons:
        level = "medium"
    else:
        reasons.append(translate("risk.none", language))
    return level, reasons
