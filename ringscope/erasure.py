"""Revoke a consent and erase the call facts that only it supported.

Every ``CALLED`` relationship belongs to one batch and so to one consent (see
docs/graph-model.md), so erasing a consent's data is deleting the relationships that carry
its ``consent_id``. A call that another party's bill also contains is stored a second time
under that party's consent, so it stays, counted once, and the pair's totals fall to what the
remaining relationships hold. Steps:

1. Set ``revoked_at`` on the consent first. From that moment every reader ignores the
   consent's data (they count only valid consents), even before it is deleted.
2. Summarise what goes, then delete the consent's relationships a slice at a time.
3. Turn the consent's batches into tombstones (status ``erased``), delete phones that
   nothing refers to any more, and mark stale the rings of every detection run that read
   those batches.
4. Append an audit event with the figures of the report.

Each step is safe to repeat, so revoking an already revoked consent finishes an erasure
that a crash interrupted.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import ringscope.privacy_messages  # noqa: F401  (registers the messages raised here)
from graph_schema import erasure as statements
from ringscope.audit import append_audit_event
from ringscope.db import Database
from ringscope.errors import NotFoundError
from ringscope.logging_setup import redact
from ringscope.settings import RetentionSettings

logger = logging.getLogger(__name__)

REASON_CONSENT_REVOKED = "consent_revoked"
REASON_RETENTION = "retention"
# Phones checked per transaction for being unused; each check is an indexed lookup.
PHONE_CHECK_ROWS = 5_000


@dataclass(slots=True)
class ErasureReport:
    """Figures of one revocation. ``calls_erased + calls_kept`` is the number of distinct
    calls (per pair of phones) on the consent's relationships before erasure."""

    consent_id: str
    revoked_at: str
    already_revoked: bool
    batch_ids: list[str] = field(default_factory=list)
    relationships_deleted: int = 0
    call_records_deleted: int = 0
    calls_erased: int = 0
    calls_kept: int = 0
    phones_deleted: int = 0
    number_changes_deleted: int = 0
    rings_marked_stale: int = 0
    audit_seq: int | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class CleanupResult:
    phones_deleted: int = 0
    number_changes_deleted: int = 0


def revoke_consent(
    db: Database,
    consent_id: str,
    *,
    reason: str,
    actor: str,
    at: datetime | None = None,
    slice_rows: int | None = None,
) -> ErasureReport:
    """Revoke ``consent_id`` as of ``at`` (default: now) and erase what only it supported.

    ``reason`` is stored, redacted, in the audit event only.

    Raises:
        NotFoundError: no consent has this id.
        Neo4jUnavailableError: the server went away; run the same revocation again.
    """
    moment = at or datetime.now(UTC)
    limit = slice_rows or RetentionSettings().slice_rows

    rows = db.write(statements.REVOKE_CONSENT, consent_id=consent_id, at=moment.isoformat())
    if not rows:
        raise NotFoundError("privacy.consent_unknown", consent_id=consent_id)
    report = ErasureReport(
        consent_id=consent_id,
        revoked_at=rows[0]["revoked_at"],
        already_revoked=bool(rows[0]["was_revoked"]),
    )
    logger.info(
        "consent revoked consent_id=%s already_revoked=%s", consent_id, report.already_revoked
    )

    summary = db.read(statements.CONSENT_ERASURE_SUMMARY, consent_id=consent_id)[0]
    report.call_records_deleted = summary["call_records"]
    report.calls_erased = summary["calls_erased"]
    report.calls_kept = summary["calls_kept"]
    touched: set[str] = set()
    while True:
        result = db.write(
            statements.DELETE_CONSENT_CALLS_SLICE, consent_id=consent_id, limit=limit
        )[0]
        if result["deleted"] == 0:
            break
        report.relationships_deleted += result["deleted"]
        touched.update(result["phone_ids"])
        logger.info(
            "consent calls deleted consent_id=%s relationships=%d",
            consent_id,
            report.relationships_deleted,
        )

    # NOTE: a load under this consent that is writing right now checked the consent before
    # it was revoked; its later chunks land after this deletion. Run the revocation again
    # once such a load has ended (the loader refuses every new load under the consent).
    batches = db.read(statements.BATCHES_OF_CONSENT, consent_id=consent_id)
    report.batch_ids = [row["batch_id"] for row in batches]
    db.write(
        statements.TOMBSTONE_BATCHES, batch_ids=report.batch_ids, reason=REASON_CONSENT_REVOKED
    )
    if report.already_revoked:
        # A revocation that was interrupted may have deleted call facts whose phones it
        # did not get to; a repeat cannot know them, so it checks every phone.
        touched.update(find_unused_phones(db))
    cleanup = delete_unused_phones(db, touched)
    report.phones_deleted = cleanup.phones_deleted
    report.number_changes_deleted = cleanup.number_changes_deleted
    report.rings_marked_stale = mark_rings_stale(db, report.batch_ids, REASON_CONSENT_REVOKED)

    event = append_audit_event(
        db,
        actor=actor,
        action="consent.revoke",
        purpose="erasure",
        target=consent_id,
        consent_id=consent_id,
        details={"reason": redact(reason), **_audit_figures(report.to_json())},
    )
    report.audit_seq = int(event["seq"])
    logger.info(
        "consent erasure finished consent_id=%s batches=%d relationships=%d phones=%d rings=%d",
        consent_id,
        len(report.batch_ids),
        report.relationships_deleted,
        report.phones_deleted,
        report.rings_marked_stale,
    )
    return report


def delete_unused_phones(db: Database, phone_ids: Iterable[str]) -> CleanupResult:
    """Delete those of ``phone_ids`` that no call fact, party or contact refers to any more.

    Their ring memberships and the number changes that name them go with them; number
    changes that name a phone that stays are marked stale.
    """
    candidates = sorted(set(phone_ids))
    result = CleanupResult()
    for start in range(0, len(candidates), PHONE_CHECK_ROWS):
        row = db.write(
            statements.DELETE_UNUSED_PHONES,
            phone_ids=candidates[start : start + PHONE_CHECK_ROWS],
        )[0]
        result.phones_deleted += row["deleted"]
        result.number_changes_deleted += row["changes"]
    return result


def find_unused_phones(db: Database) -> list[str]:
    """Return the ids of phones that no call fact, party or emergency contact refers to."""
    return [row["phone_id"] for row in db.read(statements.UNUSED_PHONE_IDS)]


def mark_rings_stale(db: Database, batch_ids: list[str], reason: str) -> int:
    """Mark stale the rings of every detection run that read any of ``batch_ids``."""
    if not batch_ids:
        return 0
    rings: int = db.write(statements.MARK_RINGS_STALE, batch_ids=batch_ids, reason=reason)[0][
        "rings"
    ]
    if rings:
        logger.info("rings marked stale rings=%d reason=%s", rings, reason)
    return rings


def _audit_figures(report: dict[str, Any]) -> dict[str, Any]:
    # Batch ids can be many; the audit event keeps how many, and the batches themselves keep
    # their erasure as tombstones.
    figures = {key: value for key, value in report.items() if key not in ("batch_ids", "audit_seq")}
    figures["batches"] = len(report.get("batch_ids", []))
    figures["batch_ids_sample"] = list(report.get("batch_ids", []))[:20]
    return figures
