"""Re-keying: move every pseudonym in the graph from the current key to a new one.

A pseudonym is HMAC-SHA256(key, number), so a new pseudonym cannot be computed from the old
one: it needs the clear number. The graph never stores clear numbers, so re-keying reads
them again from the source files that were loaded: the bills of a load manifest and the
parties and contacts extracts. It computes ``old -> new`` for every number found and
rewrites the graph in place:

1. Check that the graph uses the current key only (or, after an interrupted run, the
   current and the new key), and that the sources contain every phone of the current key.
   If any phone is missing, nothing is written.
2. Give each phone its new pseudonym and key id, in slices.
3. Give each batch the id that loading its file under the new key would give, moving its
   call facts first, and keep the old id in ``previous_batch_ids``; detection runs and
   number changes follow the new ids.
4. Check that nothing of the old key remains, and append an audit event.

Every step selects only what still carries the old key, so running the command again after
a crash finishes the work. Consents, loans, rings, tombstones and the audit trail stay as
they are. Loads and the API should be stopped while it runs.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import ringscope.privacy_messages  # noqa: F401  (registers the messages raised here)
from graph_schema import erasure as statements
from graph_schema import writes
from loader.extracts import read_extract_rows
from loader.normalize import NumberError, normalize_number
from loader.pipeline import make_batch_id
from loader.readers import UNKNOWN_OWNER, open_calls
from loader.records import CanonicalNumber
from ringscope.audit import append_audit_event
from ringscope.db import Database
from ringscope.errors import InputFileError, PseudonymKeyError
from ringscope.pseudonym import PseudonymKey, pseudonymize

logger = logging.getLogger(__name__)

REKEY_SLICE_ROWS = 5_000
MISSING_EXAMPLES_SHOWN = 5


@dataclass(frozen=True, slots=True)
class CallSource:
    """One call-record file as it was loaded (the fields of a load-manifest entry)."""

    path: Path
    layout: str | None = None
    owner_number: CanonicalNumber | None = None
    default_year: int | None = None


@dataclass(slots=True)
class RekeyReport:
    old_key_id: str
    new_key_id: str
    dry_run: bool
    source_numbers: int = 0
    phones: int = 0
    phones_rekeyed: int = 0
    batches_rekeyed: int = 0
    relationships_moved: int = 0
    detection_runs_updated: int = 0
    number_changes_updated: int = 0
    audit_seq: int | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def collect_source_numbers(
    call_sources: Sequence[CallSource],
    parties: Sequence[Path] = (),
    contacts: Sequence[Path] = (),
) -> set[str]:
    """Return the canonical numbers of every call end and every extract phone in the sources.

    Rows that the loader rejects are skipped here too, because they never reached the graph.

    Raises:
        InputFileError: a source file cannot be read or has an unknown layout.
    """
    numbers: set[str] = set()
    for path in [*parties, *contacts]:
        _, rows = read_extract_rows(path)
        for _, row in rows:
            value = row.get("phone", "")
            if not value:
                continue
            try:
                numbers.add(normalize_number(value).canonical)
            except NumberError:
                continue
    for source in call_sources:
        _, chunks = open_calls(
            source.path,
            layout=source.layout,
            owner=source.owner_number,
            default_year=source.default_year,
        )
        for chunk in chunks:
            for call in chunk.calls:
                numbers.add(call.caller.canonical)
                numbers.add(call.callee.canonical)
        if source.owner_number is not None:
            numbers.add(source.owner_number.canonical)
    numbers.discard(UNKNOWN_OWNER.canonical)
    return numbers


def rekey_graph(
    db: Database,
    *,
    old_key: PseudonymKey,
    new_key: PseudonymKey,
    call_sources: Sequence[CallSource] = (),
    parties: Sequence[Path] = (),
    contacts: Sequence[Path] = (),
    actor: str,
    dry_run: bool = False,
) -> RekeyReport:
    """Re-key the graph from ``old_key`` to ``new_key`` using the source files.

    Raises:
        PseudonymKeyError: the keys are the same, or the graph uses a key that is neither.
        InputFileError: a source is unreadable, or the sources lack some of the graph's
            numbers (nothing is written then).
        Neo4jUnavailableError: the server went away; run the same command again.
    """
    if old_key.key_id == new_key.key_id or hmac.compare_digest(old_key.secret, new_key.secret):
        raise PseudonymKeyError("privacy.rekey.same_key", key_id=old_key.key_id)
    report = RekeyReport(old_key_id=old_key.key_id, new_key_id=new_key.key_id, dry_run=dry_run)
    _check_graph_keys(db, old_key, new_key)

    numbers = collect_source_numbers(call_sources, parties, contacts)
    report.source_numbers = len(numbers)
    mapping = {pseudonymize(old_key, number): pseudonymize(new_key, number) for number in numbers}
    phones = db.read(statements.PHONES_OF_KEY, key_id=old_key.key_id)
    report.phones = len(phones)
    missing = [row for row in phones if row["phone_id"] not in mapping]
    if missing:
        examples = ", ".join(str(row["display"]) for row in missing[:MISSING_EXAMPLES_SHOWN])
        raise InputFileError(
            "privacy.rekey.incomplete_sources", missing=len(missing), examples=examples
        )
    logger.info(
        "rekey sources checked old_key_id=%s new_key_id=%s phones=%d numbers=%d",
        old_key.key_id,
        new_key.key_id,
        report.phones,
        report.source_numbers,
    )
    if dry_run:
        return report

    rows = [{"old": row["phone_id"], "new": mapping[row["phone_id"]]} for row in phones]
    for start in range(0, len(rows), REKEY_SLICE_ROWS):
        report.phones_rekeyed += db.write(
            statements.REKEY_PHONES,
            rows=rows[start : start + REKEY_SLICE_ROWS],
            old_key_id=old_key.key_id,
            new_key_id=new_key.key_id,
        )[0]["phones"]

    _rekey_batches(db, old_key, new_key, report)
    # From the stored history, so that a run interrupted after moving the batches still
    # updates the detection runs when it is repeated.
    batch_map = {
        row["previous_id"]: row["batch_id"] for row in db.read(statements.BATCH_ID_HISTORY)
    }
    if batch_map:
        report.detection_runs_updated = db.write(
            statements.REKEY_DETECTION_RUN_BATCHES, batch_map=batch_map
        )[0]["runs"]
    report.number_changes_updated = _rekey_number_changes(db, mapping)

    _check_nothing_left(db, old_key, new_key)
    event = append_audit_event(
        db,
        actor=actor,
        action="pseudonym.rekey",
        purpose="security",
        details={k: v for k, v in report.to_json().items() if k != "audit_seq"},
    )
    report.audit_seq = int(event["seq"])
    logger.info(
        "rekey finished old_key_id=%s new_key_id=%s phones=%d batches=%d",
        old_key.key_id,
        new_key.key_id,
        report.phones_rekeyed,
        report.batches_rekeyed,
    )
    return report


def _check_graph_keys(db: Database, old_key: PseudonymKey, new_key: PseudonymKey) -> None:
    allowed = {old_key.key_id, new_key.key_id}
    stored = {row["key_id"] for row in db.read(statements.PHONE_KEY_IDS)}
    stored |= {row["key_id"] for row in db.read(writes.GET_KEY_IDS)}
    foreign = sorted(str(key_id) for key_id in stored - allowed)
    if foreign:
        raise PseudonymKeyError(
            "privacy.rekey.graph_key_mismatch",
            stored_key_ids=", ".join(foreign),
            old_key_id=old_key.key_id,
            new_key_id=new_key.key_id,
        )


def _rekey_batches(
    db: Database, old_key: PseudonymKey, new_key: PseudonymKey, report: RekeyReport
) -> None:
    for batch in db.read(statements.BATCHES_OF_KEY, key_id=old_key.key_id):
        old_id = batch["batch_id"]
        # The id a load of the same file under the new key computes, so that loading the
        # file again after re-keying finds the batch and changes nothing. A batch without
        # a file hash (none is written so) gets an id derived from its old one.
        new_id = make_batch_id(
            batch["file_sha256"] or old_id,
            batch["owner_party"] or "",
            batch["consent_id"] or "",
            batch["layout"] or "",
            new_key.key_id,
        )
        while True:
            moved = db.write(
                statements.REKEY_BATCH_CALLS_SLICE,
                old_batch_id=old_id,
                new_batch_id=new_id,
                limit=REKEY_SLICE_ROWS,
            )[0]["relationships"]
            report.relationships_moved += moved
            if moved == 0:
                break
        report.batches_rekeyed += db.write(
            statements.REKEY_BATCH,
            old_batch_id=old_id,
            new_batch_id=new_id,
            old_key_id=old_key.key_id,
            new_key_id=new_key.key_id,
        )[0]["batches"]


def _rekey_number_changes(db: Database, mapping: dict[str, str]) -> int:
    def translate(phone_id: str | None) -> str | None:
        return None if phone_id is None else mapping.get(phone_id, phone_id)

    rows = [
        {
            "id": row["id"],
            "old_phone_id": translate(row["old_phone_id"]),
            "new_phone_id": translate(row["new_phone_id"]),
            "contact_phone_ids": [translate(x) for x in row["contact_phone_ids"]],
        }
        for row in db.read(statements.NUMBER_CHANGE_PHONES)
    ]
    changed = 0
    for start in range(0, len(rows), REKEY_SLICE_ROWS):
        changed += db.write(
            statements.REKEY_NUMBER_CHANGES, rows=rows[start : start + REKEY_SLICE_ROWS]
        )[0]["changes"]
    return changed


def _check_nothing_left(db: Database, old_key: PseudonymKey, new_key: PseudonymKey) -> None:
    # A phone created by a load that ran during re-keying would carry the old key; it
    # makes the graph mixed again, which the next load refuses and this check reports.
    rows = [*db.read(statements.PHONE_KEY_IDS), *db.read(writes.GET_KEY_IDS)]
    left = [row for row in rows if row["key_id"] != new_key.key_id]
    if left:
        raise PseudonymKeyError(
            "privacy.rekey.graph_key_mismatch",
            stored_key_ids=", ".join(sorted({str(row["key_id"]) for row in left})),
            old_key_id=old_key.key_id,
            new_key_id=new_key.key_id,
        )
