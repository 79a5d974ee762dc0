"""Batched writes: rows go to Neo4j through ``UNWIND $rows`` in fixed-size slices."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from graph_schema import writes
from ringscope.db import Database

logger = logging.getLogger(__name__)

WRITE_BATCH_ROWS = 5_000
# About 30 MB of transaction state on the server: fits the 256 MB page cache and heap of
# the test server with room to spare.
WRITE_BATCH_CALL_IDS = 100_000
DELETE_BATCH_ROWS = 20_000


def write_rows(
    db: Database,
    statement: str,
    rows: Sequence[dict[str, Any]],
    *,
    batch_rows: int = WRITE_BATCH_ROWS,
    **params: Any,
) -> None:
    """Run ``statement`` once per slice of ``batch_rows`` rows, each in its own transaction."""
    for start in range(0, len(rows), batch_rows):
        db.write(statement, rows=list(rows[start : start + batch_rows]), **params)


def write_call_rows(
    db: Database,
    statement: str,
    rows: Sequence[dict[str, Any]],
    *,
    max_rows: int = WRITE_BATCH_ROWS,
    max_call_ids: int = WRITE_BATCH_CALL_IDS,
    **params: Any,
) -> None:
    """Write pair rows in transactions of at most ``max_rows`` rows and ``max_call_ids`` ids.

    Each call id costs server memory while the transaction is open, so a slice is cut by
    whichever limit it reaches first; a single pair with more ids than the limit was split
    into several rows by the caller.
    """
    slice_rows: list[dict[str, Any]] = []
    slice_ids = 0
    for row in rows:
        ids = len(row["call_ids"])
        if slice_rows and (len(slice_rows) >= max_rows or slice_ids + ids > max_call_ids):
            db.write(statement, rows=slice_rows, **params)
            slice_rows, slice_ids = [], 0
        slice_rows.append(row)
        slice_ids += ids
    if slice_rows:
        db.write(statement, rows=slice_rows, **params)


def delete_batch_calls_if_exists(db: Database, batch_id: str) -> int:
    """Delete every call fact of one batch, slice by slice; return how many were deleted."""
    total = 0
    while True:
        deleted = int(
            db.write(writes.DELETE_BATCH_CALLS_SLICE, batch_id=batch_id, limit=DELETE_BATCH_ROWS)[
                0
            ]["deleted"]
        )
        total += deleted
        if deleted == 0:
            break
    logger.info("batch calls deleted batch_id=%s relationships=%d", batch_id, total)
    return total


def delete_batch_if_exists(db: Database, batch_id: str) -> None:
    """Remove a batch node with its call facts and any phone left without relationships."""
    delete_batch_calls_if_exists(db, batch_id)
    db.write(writes.DELETE_BATCH, batch_id=batch_id)
    delete_orphan_phones(db)


def delete_orphan_phones(db: Database) -> int:
    """Delete phones that no relationship refers to any more; return how many."""
    total = 0
    while True:
        deleted = int(
            db.write(writes.DELETE_ORPHAN_PHONES_SLICE, limit=DELETE_BATCH_ROWS)[0]["deleted"]
        )
        total += deleted
        if deleted == 0:
            return total
