"""The API's side of the audit trail: one event per request, written by group commit.

Every request appends one event before its response leaves (see api.middleware). Writing
each event in its own transaction would serialise all requests on the chain's head node
and on one commit each. Instead, one writer thread takes every event that is waiting and
appends them all in one transaction. Only then are the waiting responses released. The
chain is the one of :mod:`ringscope.audit`: same fields, same hash, same head node, so
``verify_audit_trail`` checks API events and CLI events alike.

NOTE: ringscope.audit has no batch append yet, so the transaction below builds the events
itself with ``ringscope.audit.event_hash``; a shared ``append_audit_events`` there would
keep the two writers from drifting.
"""

from __future__ import annotations

import asyncio
import json
import logging
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from neo4j import ManagedTransaction

from graph_schema import audit as chain_statements
from queries import api_statements
from ringscope.audit import event_hash
from ringscope.db import Database
from ringscope.logging_setup import redact

logger = logging.getLogger(__name__)

MAX_EVENTS_PER_COMMIT = 500


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One request's event before it is chained: the key's prefix as actor, never the key."""

    actor: str
    action: str
    outcome: str
    request_id: str
    purpose: str | None = None
    target: str | None = None
    consent_id: str | None = None
    details: dict[str, Any] | None = None


_STOP = object()


class AuditWriter:
    """A thread that appends queued entries, all waiting ones per transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._queue: queue.Queue[Any] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="ringscope-audit", daemon=True)
        self._started = False

    def start(self) -> None:
        self._thread.start()
        self._started = True

    def close(self) -> None:
        """Write what is queued, then stop the thread."""
        if self._started:
            self._queue.put(_STOP)
            self._thread.join(timeout=30)
            self._started = False

    def submit(self, entry: AuditEntry) -> Future[dict[str, Any]]:
        """Queue ``entry``; the future resolves to the stored event once it is committed."""
        future: Future[dict[str, Any]] = Future()
        if not self._started:
            future.set_exception(RuntimeError("the audit writer is not running"))
            return future
        self._queue.put((entry, future))
        return future

    async def append(self, entry: AuditEntry) -> dict[str, Any]:
        """Append ``entry`` and wait until it is committed.

        Raises:
            Neo4jUnavailableError: the server went away; the entry is not stored.
        """
        return await asyncio.wrap_future(self.submit(entry))

    def _run(self) -> None:
        stopping = False
        while not stopping:
            item = self._queue.get()
            if item is _STOP:
                return
            group = [item]
            while len(group) < MAX_EVENTS_PER_COMMIT:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stopping = True
                    break
                group.append(item)
            self._commit(group)

    def _commit(self, group: list[tuple[AuditEntry, Future[dict[str, Any]]]]) -> None:
        entries = [entry for entry, _ in group]
        try:
            events = self._db.execute_write(lambda tx: _append_events(tx, entries))
        except Exception as err:  # every waiting request must hear about the failure
            logger.error("audit append failed events=%d error=%s", len(group), type(err).__name__)
            for _, future in group:
                future.set_exception(err)
            return
        for (_, future), event in zip(group, events, strict=True):
            future.set_result(event)
        logger.debug("audit events appended count=%d last_seq=%d", len(events), events[-1]["seq"])


def _append_events(tx: ManagedTransaction, entries: list[AuditEntry]) -> list[dict[str, Any]]:
    """Chain ``entries`` after the head in one transaction and return them as stored.

    Runs again from the start when the driver retries the transaction, so the events are
    built inside it, from the head it has locked.
    """
    head = tx.run(chain_statements.LOCK_HEAD).single()
    if head is None:
        raise RuntimeError("the audit head node could not be created")
    seq, prev_hash = int(head["seq"]), str(head["hash"])

    events = []
    for entry in entries:
        seq += 1
        event: dict[str, Any] = {
            "seq": seq,
            "at": datetime.now(UTC).isoformat(),
            "actor": entry.actor,
            "action": entry.action,
            "purpose": _redacted(entry.purpose),
            "target": _redacted(entry.target),
            "consent_id": _redacted(entry.consent_id),
            "outcome": entry.outcome,
            "request_id": entry.request_id,
            "details": redact(
                json.dumps(entry.details or {}, ensure_ascii=False, sort_keys=True, default=str)
            ),
            "prev_hash": prev_hash,
        }
        event["hash"] = event_hash(event)
        prev_hash = event["hash"]
        events.append(event)

    tx.run(
        api_statements.APPEND_AUDIT_EVENTS, events=events, last_seq=seq, last_hash=prev_hash
    ).consume()
    return events


def _redacted(value: str | None) -> str | None:
    # Values that came from a request are redacted too: a client may send a phone number
    # where an id belongs.
    return redact(value) if value else None
