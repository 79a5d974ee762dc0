"""A tamper-evident audit trail: every event carries the hash of the one before it.

``hash = SHA-256(prev_hash + canonical JSON of the event's other fields)``. Changing,
inserting or deleting an event breaks the chain at that point, and the head node stores
the last sequence number and hash, so deleting events at the end is detected too.
Details are redacted before they are stored: no clear number, id, key or password.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from neo4j import ManagedTransaction

from graph_schema import audit as statements
from ringscope.db import Database
from ringscope.logging_setup import redact

logger = logging.getLogger(__name__)

EVENT_FIELDS = (
    "seq",
    "at",
    "actor",
    "action",
    "purpose",
    "target",
    "consent_id",
    "outcome",
    "request_id",
    "details",
    "prev_hash",
)
READ_PAGE_ROWS = 5_000


@dataclass(frozen=True, slots=True)
class AuditProblem:
    seq: int
    problem: str  # changed, missing, out_of_order, head_mismatch


def event_hash(event: dict[str, Any]) -> str:
    """Return the SHA-256 of an event's fields other than ``hash``, chained to prev_hash."""
    body = {name: event.get(name) for name in EVENT_FIELDS}
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def append_audit_event(
    db: Database,
    *,
    actor: str,
    action: str,
    purpose: str | None = None,
    target: str | None = None,
    consent_id: str | None = None,
    outcome: str = "ok",
    request_id: str | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Append one event to the chain and return it as stored."""
    redacted = redact(json.dumps(details or {}, ensure_ascii=False, sort_keys=True, default=str))

    def work(tx: ManagedTransaction) -> dict[str, Any]:
        head = tx.run(statements.LOCK_HEAD).single()
        assert head is not None
        event: dict[str, Any] = {
            "seq": head["seq"] + 1,
            "at": datetime.now(UTC).isoformat(),
            "actor": actor,
            "action": action,
            "purpose": purpose,
            "target": redact(target) if target else None,
            "consent_id": consent_id,
            "outcome": outcome,
            "request_id": request_id,
            "details": redacted,
            "prev_hash": head["hash"],
        }
        event["hash"] = event_hash(event)
        tx.run(statements.APPEND_EVENT, event=event).consume()
        return event

    event = db.execute_write(work)
    logger.info("audit event appended seq=%d action=%s outcome=%s", event["seq"], action, outcome)
    return event


def iter_audit_events(db: Database) -> Iterator[dict[str, Any]]:
    """Yield every stored event in sequence order, a page at a time."""
    after = 0
    while True:
        rows = db.read(statements.READ_EVENTS, after=after, limit=READ_PAGE_ROWS)
        if not rows:
            return
        for row in rows:
            yield row["event"]
        after = rows[-1]["event"]["seq"]


def verify_audit_trail(db: Database) -> tuple[int, list[AuditProblem]]:
    """Check the whole chain; return the number of events and the problems found."""
    problems: list[AuditProblem] = []
    expected_seq = 1
    prev_hash = ""
    count = 0
    for event in iter_audit_events(db):
        count += 1
        seq = int(event["seq"])
        if seq != expected_seq:
            problems.append(
                AuditProblem(expected_seq, "missing" if seq > expected_seq else "out_of_order")
            )
        if event.get("prev_hash") != prev_hash:
            problems.append(AuditProblem(seq, "chain_broken"))
        if event_hash(event) != event.get("hash"):
            problems.append(AuditProblem(seq, "changed"))
        prev_hash = str(event.get("hash"))
        expected_seq = seq + 1

    head = db.read(statements.READ_HEAD)[0]
    if head["seq"] != expected_seq - 1 or head["hash"] != prev_hash:
        problems.append(AuditProblem(int(head["seq"]), "head_mismatch"))
    return count, problems
