"""Retention: erase the call facts of calls older than a limit.

The cutoff is ``now - limit`` rounded down to the whole minute, because call ids keep the
start minute (see graph_schema.model): a call that started before the cutoff minute is
erased, one that started in it or later stays. For every relationship that holds such a
call, the old call ids are dropped and calls, seconds, night calls and first_at are
recomputed from the ids that remain; a relationship left with none is deleted. Work goes
batch by batch, and inside a batch by slices of relationships, each slice in its own
transaction and safe to repeat.

Afterwards batches without call facts become tombstones (status ``erased``), phones that
nothing refers to are deleted, and rings of detection runs that read a touched batch are
marked stale, as after a revocation (see :mod:`ringscope.erasure`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import ringscope.privacy_messages  # noqa: F401  (registers the messages used here)
from graph_schema import erasure as statements
from graph_schema.model import CALL_SECONDS_BITS
from ringscope.audit import append_audit_event
from ringscope.db import Database
from ringscope.erasure import (
    REASON_RETENTION,
    delete_unused_phones,
    find_unused_phones,
    mark_rings_stale,
)
from ringscope.settings import RetentionSettings

logger = logging.getLogger(__name__)

_DURATION = re.compile(r"^\s*(\d{1,6})\s*([dwy])\s*$", re.IGNORECASE)
_ISO_DAYS = re.compile(r"^\s*P(\d{1,6})D\s*$", re.IGNORECASE)
_DAYS_PER_UNIT = {"d": 1, "w": 7, "y": 365}


@dataclass(slots=True)
class RetentionReport:
    """Figures of one retention run, or of what a dry run would erase."""

    cutoff: str
    max_age_days: int
    dry_run: bool
    batches_touched: int = 0
    relationships_deleted: int = 0
    relationships_trimmed: int = 0
    call_records_deleted: int = 0
    # Not computed by a dry run.
    batches_emptied: int | None = None
    phones_deleted: int = 0
    number_changes_deleted: int = 0
    rings_marked_stale: int = 0
    audit_seq: int | None = None
    batch_ids: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def parse_retention_limit(text: str) -> timedelta:
    """Parse a limit such as ``365d``, ``26w``, ``1y`` (365 days) or ``P90D``.

    Raises:
        ValueError: the text is in no such form or is zero.
    """
    match = _DURATION.match(text)
    if match:
        days = int(match.group(1)) * _DAYS_PER_UNIT[match.group(2).lower()]
    else:
        iso = _ISO_DAYS.match(text)
        if iso is None:
            raise ValueError(f"not a retention limit: {text!r}")
        days = int(iso.group(1))
    if days < 1:
        raise ValueError(f"a retention limit must be at least one day: {text!r}")
    return timedelta(days=days)


def retention_cutoff(now: datetime, limit: timedelta) -> datetime:
    """Return ``now - limit`` rounded down to the minute, in UTC."""
    cutoff = (now - limit).astimezone(UTC)
    return cutoff.replace(second=0, microsecond=0)


def apply_retention(
    db: Database,
    *,
    limit: timedelta | None = None,
    now: datetime | None = None,
    dry_run: bool = False,
    actor: str,
    slice_rows: int | None = None,
) -> RetentionReport:
    """Erase call facts of calls that started before ``now - limit``; return the report.

    ``limit`` defaults to RINGSCOPE_RETENTION_MAX_AGE_DAYS. A dry run reads and counts only.

    Raises:
        Neo4jUnavailableError: the server went away; run the same command again.
    """
    settings = RetentionSettings()
    max_age = limit if limit is not None else timedelta(days=settings.max_age_days)
    rows_per_slice = slice_rows or settings.slice_rows
    cutoff = retention_cutoff(now or datetime.now(UTC), max_age)
    cutoff_id = (int(cutoff.timestamp()) // 60) << CALL_SECONDS_BITS
    report = RetentionReport(cutoff=cutoff.isoformat(), max_age_days=max_age.days, dry_run=dry_run)
    logger.info("retention started cutoff=%s dry_run=%s", report.cutoff, dry_run)

    batch_ids = [
        row["batch_id"]
        for row in db.read(statements.RETENTION_BATCHES, cutoff=report.cutoff)
        if row["batch_id"] is not None
    ]
    report.batch_ids = batch_ids
    report.batches_touched = len(batch_ids)
    touched_phones: set[str] = set()
    for batch_id in batch_ids:
        targets = db.read(
            statements.RETENTION_TARGETS_OF_BATCH,
            batch_id=batch_id,
            cutoff=report.cutoff,
            cutoff_id=cutoff_id,
        )
        if dry_run:
            _count_targets(report, targets)
            continue
        ids = [row["id"] for row in targets]
        for start in range(0, len(ids), rows_per_slice):
            result = db.write(
                statements.TRIM_CALLS_SLICE,
                ids=ids[start : start + rows_per_slice],
                cutoff_id=cutoff_id,
            )[0]
            report.call_records_deleted += result["call_records"]
            report.relationships_deleted += result["deleted"]
            report.relationships_trimmed += result["trimmed"]
            touched_phones.update(result["phone_ids"])
        logger.info("retention applied batch_id=%s relationships=%d", batch_id, len(ids))

    if dry_run:
        report.phones_deleted = db.read(statements.RETENTION_PHONES_DELETED, cutoff=report.cutoff)[
            0
        ]["phones"]
        return report

    report.batches_emptied = db.write(
        statements.TOMBSTONE_EMPTIED_BATCHES,
        batch_ids=batch_ids,
        cutoff=report.cutoff,
        reason=REASON_RETENTION,
    )[0]["batches"]
    # Every unused phone, not only those touched now, so that a run after an interrupted
    # one also deletes the phones that run did not get to.
    touched_phones.update(find_unused_phones(db))
    cleanup = delete_unused_phones(db, touched_phones)
    report.phones_deleted = cleanup.phones_deleted
    report.number_changes_deleted = cleanup.number_changes_deleted
    report.rings_marked_stale = mark_rings_stale(db, batch_ids, REASON_RETENTION)

    figures = report.to_json()
    figures.pop("audit_seq")
    figures["batch_ids"] = batch_ids[:20]
    event = append_audit_event(
        db, actor=actor, action="retention.apply", purpose="retention", details=figures
    )
    report.audit_seq = int(event["seq"])
    logger.info(
        "retention finished cutoff=%s relationships_deleted=%d trimmed=%d phones=%d rings=%d",
        report.cutoff,
        report.relationships_deleted,
        report.relationships_trimmed,
        report.phones_deleted,
        report.rings_marked_stale,
    )
    return report


def _count_targets(report: RetentionReport, targets: list[dict[str, Any]]) -> None:
    for row in targets:
        report.call_records_deleted += row["dropped"]
        if row["dropped"] == row["calls"]:
            report.relationships_deleted += 1
        elif row["dropped"]:
            report.relationships_trimmed += 1
