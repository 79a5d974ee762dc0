"""Load one call-record file: read, gate on consent, pseudonymise, aggregate, write, report.

The steps follow the data flow of the product. Reading and normalising happen in
:mod:`loader.readers`; this module decides what is a duplicate, what goes to quarantine,
which pseudonym each number gets, and how a batch is written so that a rerun changes
nothing and an interrupted load leaves nothing behind.

Batch identity: ``batch_id`` is derived from the file's SHA-256, the owner party, the
consent, the layout and the key id. Loading the same file again for the same owner and
consent finds a complete batch and writes nothing; a batch left in status ``loading`` by a
crash is deleted and loaded again.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import loader.messages  # noqa: F401  (registers the reader messages used here)
import loader.pipeline_messages  # noqa: F401
from graph_schema import writes
from graph_schema.model import (
    CALL_RECORDS_SCOPE,
    CALL_SECONDS_BITS,
    CALL_SECONDS_MAX,
    encode_call_id,
    is_night_call_id,
    is_night_epoch,
)
from loader.quarantine import QuarantineWriter
from loader.readers import UNKNOWN_OWNER, open_calls
from loader.records import CanonicalNumber, PhoneKind, ReadChunk, RejectedRow
from loader.writer import (
    WRITE_BATCH_CALL_IDS,
    delete_batch_calls_if_exists,
    delete_batch_if_exists,
    write_call_rows,
)
from ringscope.consent import check_consent, read_consent
from ringscope.db import Database
from ringscope.errors import InputFileError, PseudonymKeyError
from ringscope.logging_setup import redact
from ringscope.pseudonym import PseudonymKey, mask_number, pseudonymize
from ringscope.settings import LoaderSettings

logger = logging.getLogger(__name__)

DEFAULT_PURPOSE = "credit_review"

ProgressCallback = Callable[[int], None]


@dataclass(slots=True)
class BatchReport:
    """Outcome of loading one file; ``rows_read == loaded + rejected + duplicates`` always."""

    file: str
    batch_id: str
    layout: str
    owner: str
    consent_id: str
    purpose: str
    status: str  # loaded, already_loaded, dry_run
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    duplicates: int = 0
    total_seconds: int = 0
    distinct_peers: int = 0
    key_id: str = ""
    quarantine_file: str | None = None
    rejected_examples: list[RejectedRow] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("rejected_examples")
        return data


@dataclass(slots=True)
class _PairTotals:
    """Calls of one caller-callee pair in one write buffer; times in Unix epoch seconds."""

    calls: int = 0
    seconds: int = 0
    night_calls: int = 0
    first_s: int = 0
    last_s: int = 0
    call_ids: list[int] = field(default_factory=list)


class _Pseudonyms:
    """Memoised pseudonyms of one file, so each distinct number is hashed once."""

    def __init__(self, key: PseudonymKey) -> None:
        self.key = key
        self._cache: dict[str, tuple[str, str, str]] = {}

    def lookup(self, number: CanonicalNumber) -> tuple[str, str, str]:
        """Return (pseudonym, kind, display mask) for a canonical number."""
        found = self._cache.get(number.canonical)
        if found is None:
            found = (
                pseudonymize(self.key, number.canonical),
                number.kind.value,
                mask_number(number.canonical),
            )
            self._cache[number.canonical] = found
        return found


def file_sha256(path: Path) -> str:
    """Return the SHA-256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as err:
        raise InputFileError("load.file_unreadable", file=str(path), error=err.strerror) from err
    return digest.hexdigest()


def make_batch_id(sha256: str, owner_party: str, consent_id: str, layout: str, key_id: str) -> str:
    """Derive the batch id from everything that makes two loads the same load."""
    material = "\x1f".join((sha256, owner_party, consent_id, layout, key_id))
    return "b-" + hashlib.sha256(material.encode("utf-8")).hexdigest()[:20]


def check_key_matches_graph(db: Database, key: PseudonymKey) -> None:
    """Raise PseudonymKeyError when the graph's batches or phones were made with another key."""
    rows = db.read(writes.GET_KEY_IDS)
    other_ids = sorted({row["key_id"] for row in rows if row["key_id"] != key.key_id})
    if other_ids:
        raise PseudonymKeyError(
            "load.key_mismatch", key_id=key.key_id, stored_key_ids=", ".join(other_ids)
        )


def load_calls(
    path: Path,
    *,
    db: Database | None,
    key: PseudonymKey,
    owner_party: str,
    consent_id: str,
    purpose: str = DEFAULT_PURPOSE,
    layout: str | None = None,
    owner_number: CanonicalNumber | None = None,
    default_year: int | None = None,
    chunk_rows: int = 50_000,
    quarantine_dir: Path,
    progress: ProgressCallback | None = None,
    now: datetime | None = None,
) -> BatchReport:
    """Load one file of call records as one batch; ``db=None`` is a dry run.

    Raises:
        InputFileError: the file is unreadable, of unknown layout, or its owner is unknown.
        ConsentError: the consent does not allow loading this owner's call records.
        PseudonymKeyError: the graph contains data made with another pseudonymisation key.
        Neo4jUnavailableError: the server went away during the load.
    """
    dry_run = db is None
    at = now or datetime.now(UTC)
    sha256 = file_sha256(path)
    info, chunks = open_calls(
        path,
        layout=layout,
        owner=owner_number,
        default_year=default_year,
        chunk_rows=chunk_rows,
    )
    pseudonyms = _Pseudonyms(key)

    # Gate: nothing is written unless the owner's consent allows it, under our key.
    stated_owner = info.owner if info.owner not in (None, UNKNOWN_OWNER) else owner_number
    if stated_owner is not None and stated_owner.kind not in (PhoneKind.MOBILE, PhoneKind.LANDLINE):
        raise InputFileError(
            "load.owner_not_personal",
            file=redact(str(path)),
            owner=mask_number(stated_owner.canonical),
        )
    owner_phone_id: str | None = None
    owner_display = "-" if info.is_edge_list else "?"
    if stated_owner is not None and not info.is_edge_list:
        owner_display = mask_number(stated_owner.canonical)
    if db is not None:
        consent = read_consent(db, consent_id)
        check_consent(
            consent,
            consent_id=consent_id,
            party_id=owner_party,
            purpose=purpose,
            at=at,
            scope=CALL_RECORDS_SCOPE,
        )
        check_key_matches_graph(db, key)
        if not info.is_edge_list:
            owner_phone_id, owner_display = _resolve_owner_phone(
                db, stated_owner, owner_party, pseudonyms, path
            )

    batch_id = make_batch_id(sha256, owner_party, consent_id, info.layout, key.key_id)
    report = BatchReport(
        file=redact(str(path)),
        batch_id=batch_id,
        layout=info.layout,
        owner=owner_display,
        consent_id=consent_id,
        purpose=purpose,
        status="dry_run" if dry_run else "loaded",
        key_id=key.key_id,
    )

    already_loaded = False
    if db is not None:
        existing = db.read(writes.GET_BATCH, batch_id=batch_id)
        if existing and existing[0]["batch"].get("status") == "complete":
            already_loaded = True
            report.status = "already_loaded"
        elif existing:
            logger.warning("incomplete batch found, reloading batch_id=%s", batch_id)
            delete_batch_calls_if_exists(db, batch_id)

    writing = db is not None and not already_loaded
    if writing:
        assert db is not None
        db.write(
            writes.BEGIN_BATCH,
            batch_id=batch_id,
            file_sha256=sha256,
            layout=info.layout,
            owner_party=owner_party,
            consent_id=consent_id,
            purpose=purpose,
            key_id=key.key_id,
        )

    logger.info(
        "load started batch_id=%s layout=%s dry_run=%s already_loaded=%s",
        batch_id,
        info.layout,
        dry_run,
        already_loaded,
    )
    # A dry run must not overwrite the quarantine file of the real load of the same batch.
    suffix = ".dry-run.rejected.csv" if dry_run else ".rejected.csv"
    quarantine = QuarantineWriter(quarantine_dir / f"{batch_id}{suffix}", path)
    try:
        _stream_chunks(
            chunks,
            owner_canonical=(info.owner or owner_number or UNKNOWN_OWNER).canonical,
            report=report,
            db=db if writing else None,
            pseudonyms=pseudonyms,
            owner_phone_id=owner_phone_id,
            quarantine=quarantine,
            progress=progress,
        )
        if writing:
            assert db is not None
            db.write(
                writes.FINISH_BATCH,
                batch_id=batch_id,
                rows_read=report.rows_read,
                rows_loaded=report.rows_loaded,
                rows_rejected=report.rows_rejected,
                duplicates=report.duplicates,
                total_seconds=report.total_seconds,
                distinct_peers=report.distinct_peers,
            )
    except BaseException:
        # Ctrl-C, a bad row the reader could not classify or a lost server: leave no
        # partial batch behind. If the server itself is gone, the batch stays in status
        # "loading" and the next load of the same file deletes it first.
        if writing:
            assert db is not None
            try:
                delete_batch_if_exists(db, batch_id)
            except Exception:  # noqa: BLE001 - the original error matters more
                logger.exception("cleanup of partial batch failed batch_id=%s", batch_id)
        raise
    finally:
        quarantine.close()

    if already_loaded:
        # Every row that would load is already in the graph under this batch.
        report.duplicates += report.rows_loaded
        report.rows_loaded = 0
    report.quarantine_file = str(quarantine.path) if quarantine.rows_written else None
    logger.info(
        "load finished batch_id=%s status=%s rows_read=%d rows_loaded=%d rows_rejected=%d "
        "duplicates=%d",
        batch_id,
        report.status,
        report.rows_read,
        report.rows_loaded,
        report.rows_rejected,
        report.duplicates,
    )
    return report


def _resolve_owner_phone(
    db: Database,
    stated_owner: CanonicalNumber | None,
    owner_party: str,
    pseudonyms: _Pseudonyms,
    path: Path,
) -> tuple[str, str]:
    """Return pseudonym and mask of the bill owner's number, checked against the party's phones.

    ``stated_owner`` is the number the file or --owner-phone gives, if any; without it the
    party must have exactly one phone on record.
    """
    rows = db.read(writes.GET_PARTY_PHONES, party_id=owner_party)
    party_phones: list[str] = rows[0]["phone_ids"] if rows else []
    party_displays: list[str] = rows[0]["displays"] if rows else []

    if stated_owner is not None:
        phone_id, kind, display = pseudonyms.lookup(stated_owner)
        if party_phones and phone_id not in party_phones:
            raise InputFileError(
                "load.owner_mismatch",
                file=redact(str(path)),
                owner=display,
                party_id=owner_party,
            )
        if not party_phones:
            db.write(
                writes.ATTACH_OWNER_PHONE,
                party_id=owner_party,
                phone_id=phone_id,
                kind=kind,
                display=display,
                key_id=pseudonyms.key.key_id,
            )
        return phone_id, display

    if len(party_phones) == 1:
        return party_phones[0], party_displays[0] if party_displays else "?"
    if not party_phones:
        raise InputFileError("load.owner_unknown", file=redact(str(path)), party_id=owner_party)
    raise InputFileError(
        "load.owner_ambiguous",
        file=redact(str(path)),
        party_id=owner_party,
        count=len(party_phones),
    )


def _stream_chunks(
    chunks: Iterator[ReadChunk],
    *,
    owner_canonical: str,
    report: BatchReport,
    db: Database | None,
    pseudonyms: _Pseudonyms,
    owner_phone_id: str | None,
    quarantine: QuarantineWriter,
    progress: ProgressCallback | None,
) -> None:
    seen: set[tuple[str, str, int]] = set()
    peers: dict[str, PhoneKind] = {}
    pairs: dict[tuple[str, str], _PairTotals] = {}
    buffered_calls = 0
    limits = LoaderSettings()
    # Totals of a pair accumulate across chunks until the buffer is full, so a bill whose
    # owner calls the same peers all year becomes one relationship per pair, not one per
    # pair and chunk. One writer thread stores a flushed buffer while this thread reads
    # on; at most one write is pending, so memory stays at about two buffers.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ringscope-writer") as writer:
        pending: Future[None] | None = None

        def flush() -> None:
            nonlocal pending, pairs, buffered_calls
            if db is not None and pairs:
                rows = _pair_rows(pairs, pseudonyms, peers, owner_phone_id, owner_canonical)
                if pending is not None:
                    pending.result()
                pending = writer.submit(
                    write_call_rows,
                    db,
                    writes.ADD_CALLS,
                    rows,
                    batch_id=report.batch_id,
                    consent_id=report.consent_id,
                    key_id=pseudonyms.key.key_id,
                )
            pairs = {}
            buffered_calls = 0

        try:
            for chunk in chunks:
                buffered_calls += _aggregate_chunk(
                    chunk, pairs, report, seen, peers, owner_canonical, quarantine
                )
                if len(pairs) >= limits.flush_pairs or buffered_calls >= limits.flush_calls:
                    flush()
                if progress is not None:
                    progress(chunk.rows_read)
            flush()
            if pending is not None:
                pending.result()
        finally:
            # On an error, let the write in flight finish before the caller deletes the
            # partial batch, so that nothing is written after the cleanup.
            if pending is not None and not pending.done():
                wait([pending])

    report.distinct_peers = len(peers)


def _aggregate_chunk(
    chunk: ReadChunk,
    pairs: dict[tuple[str, str], _PairTotals],
    report: BatchReport,
    seen: set[tuple[str, str, int]],
    peers: dict[str, PhoneKind],
    owner_canonical: str,
    quarantine: QuarantineWriter,
) -> int:
    """Add one chunk to per-pair totals keyed by canonical numbers; return the calls added.

    Duplicates (same caller, callee, start minute and duration as an earlier row of the
    file) are counted in the report and not added.

    ``peers`` collects every number other than the owner with its kind. In a bill the peer
    is the end that is not the owner; an edge list has no owner, so there distinct_peers
    counts every distinct number in the file.
    """
    rejected = list(chunk.rejected)
    added = 0

    # The hot loop of a load: per-row work is kept to tuple hashing and integer maths.
    for call in chunk.calls:
        duration = call.duration_seconds
        if duration > CALL_SECONDS_MAX:
            rejected.append(
                RejectedRow(
                    line=call.line,
                    reason_key="load.duration_too_long",
                    reason_params={"seconds": str(duration)},
                )
            )
            continue
        caller = call.caller.canonical
        callee = call.callee.canonical
        epoch = int(call.started_at.timestamp())
        identity = encode_call_id(epoch, duration)
        fingerprint = (caller, callee, identity)
        if fingerprint in seen:
            report.duplicates += 1
            continue
        seen.add(fingerprint)
        _add_call(pairs, caller, callee, epoch, duration, identity)
        added += 1
        report.total_seconds += duration
        if caller != owner_canonical:
            peers[caller] = call.caller.kind
        if callee != owner_canonical:
            peers[callee] = call.callee.kind

    report.rows_rejected += len(rejected)
    report.rows_read += chunk.rows_read
    if rejected:
        quarantine.write(rejected)
        room = 20 - len(report.rejected_examples)
        report.rejected_examples.extend(rejected[: max(room, 0)])
    report.rows_loaded += added
    return added


def _add_call(
    pairs: dict[tuple[str, str], _PairTotals],
    caller: str,
    callee: str,
    epoch: int,
    duration: int,
    identity: int,
) -> None:
    totals = pairs.get((caller, callee))
    if totals is None:
        totals = _PairTotals(first_s=epoch, last_s=epoch)
        pairs[(caller, callee)] = totals
    totals.calls += 1
    totals.seconds += duration
    if is_night_epoch(epoch):
        totals.night_calls += 1
    totals.call_ids.append(identity)
    if epoch < totals.first_s:
        totals.first_s = epoch
    elif epoch > totals.last_s:
        totals.last_s = epoch


def _pair_rows(
    pairs: dict[tuple[str, str], _PairTotals],
    pseudonyms: _Pseudonyms,
    kinds: dict[str, PhoneKind],
    owner_phone_id: str | None,
    owner_canonical: str,
) -> list[dict[str, Any]]:
    """Turn canonical-keyed totals into write rows: pseudonyms and masks, never numbers."""

    def describe(canonical: str) -> tuple[str, str, str]:
        if canonical == owner_canonical and owner_phone_id is not None:
            # The owner's phone exists already (HAS_PHONE), so kind and mask are not used.
            return owner_phone_id, "", ""
        return pseudonyms.lookup(CanonicalNumber(canonical, kinds[canonical]))

    rows = []
    for (caller, callee), totals in pairs.items():
        caller_id, caller_kind, caller_display = describe(caller)
        callee_id, callee_kind, callee_display = describe(callee)
        for part in _split_totals(totals):
            rows.append(
                {
                    "caller": caller_id,
                    "callee": callee_id,
                    "caller_kind": caller_kind,
                    "caller_display": caller_display,
                    "callee_kind": callee_kind,
                    "callee_display": callee_display,
                    "calls": part.calls,
                    "seconds": part.seconds,
                    "night_calls": part.night_calls,
                    "first_s": part.first_s,
                    "last_s": part.last_s,
                    "call_ids": part.call_ids,
                }
            )
    return rows


def _split_totals(totals: _PairTotals) -> list[_PairTotals]:
    """Split a pair with more calls than one transaction may carry into several parts."""
    if len(totals.call_ids) <= WRITE_BATCH_CALL_IDS:
        return [totals]
    parts = []
    ids = totals.call_ids
    for start in range(0, len(ids), WRITE_BATCH_CALL_IDS):
        part_ids = ids[start : start + WRITE_BATCH_CALL_IDS]
        minutes = [call >> CALL_SECONDS_BITS for call in part_ids]
        parts.append(
            _PairTotals(
                calls=len(part_ids),
                seconds=sum(call & CALL_SECONDS_MAX for call in part_ids),
                night_calls=sum(1 for call in part_ids if is_night_call_id(call)),
                first_s=min(minutes) * 60,
                last_s=max(minutes) * 60,
                call_ids=part_ids,
            )
        )
    return parts
