"""Loan-system extracts: parties, emergency contacts, loans and consents (CSV or JSON).

Columns (extra columns are ignored; docs/extracts.md lists them with examples):

- parties: party_id, phone (one row per phone; a party without phone may leave it empty)
- contacts: party_id, phone, relation (optional)
- loans: loan_id, party_id, role (applicant, borrower, co_borrower, guarantor), status,
  applied_at
- consents: consent_id, party_id, scope, purpose, granted_at, expires_at, revoked_at,
  document_sha256; scope and purpose may list several values separated by ``;``, ``,``
  or ``|``; an empty expires_at means no end date, an empty revoked_at means not revoked.

Columns that would put a name or national id into the graph (name, id_number, ...) are
never read. Every row is loaded, rejected to the quarantine file with a reason, or
counted as a duplicate of an earlier row of the same file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import loader.pipeline_messages  # noqa: F401
from graph_schema import writes
from graph_schema.model import LOAN_ROLE_RELATIONSHIPS, LOAN_STATUSES
from loader.normalize import NumberError, normalize_number
from loader.pipeline import check_key_matches_graph
from loader.quarantine import QuarantineWriter
from loader.records import RejectedRow
from loader.writer import write_rows
from ringscope.db import Database
from ringscope.errors import InputFileError
from ringscope.logging_setup import redact
from ringscope.pseudonym import PseudonymKey, mask_number, pseudonymize

logger = logging.getLogger(__name__)

# Asia/Shanghai has had no daylight saving time since 1991, so a fixed +08:00 offset is
# exact for every date this tool handles; a ZoneInfo here would crash the driver (see
# ringscope.db.to_fixed_offset).
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
_SPLIT = re.compile(r"[;,|，；\s]+")
_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")

REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "parties": ("party_id", "phone"),
    "contacts": ("party_id", "phone"),
    "loans": ("loan_id", "party_id", "role", "status"),
    "consents": ("consent_id", "party_id", "scope", "purpose", "granted_at"),
}
EXTRACT_KINDS = tuple(REQUIRED_COLUMNS)


@dataclass(slots=True)
class ExtractReport:
    kind: str
    file: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    duplicates: int = 0
    quarantine_file: str | None = None
    dry_run: bool = False
    rejected_examples: list[RejectedRow] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("rejected_examples")
        return data


class _RowError(ValueError):
    def __init__(self, reason_key: str, column: str, value: str, mask: bool = False) -> None:
        super().__init__(reason_key)
        self.reason_key = reason_key
        self.column = column
        self.value = mask_number(value) if mask else value[:40]


def read_extract_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """Return the columns and (line, row) pairs of a CSV or JSON extract.

    Raises:
        InputFileError: unreadable, undecodable or not a table.
    """
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InputFileError("load.file_unreadable", file=str(path), error=err.strerror) from err
    if not raw.strip():
        raise InputFileError("extract.empty", file=redact(str(path)))
    if b"\x00" in raw[:4096]:
        raise InputFileError("extract.binary", file=redact(str(path)))

    text = _decode(raw, path)
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("[", "{")):
        return _json_rows(text, path)
    reader = csv.reader(io.StringIO(text))
    try:
        header = [column.strip().lower() for column in next(reader)]
    except (StopIteration, csv.Error) as err:
        raise InputFileError("extract.no_header", file=redact(str(path))) from err

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for index, values in enumerate(reader, start=2):
            if not any(value.strip() for value in values):
                continue
            padded = values + [""] * (len(header) - len(values))
            yield index, {column: padded[i].strip() for i, column in enumerate(header)}

    return header, rows()


def _decode(raw: bytes, path: Path) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputFileError("extract.encoding", file=redact(str(path)))


def _json_rows(text: str, path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputFileError(
            "extract.json_invalid", file=redact(str(path)), line=err.lineno, error=err.msg
        ) from err
    if isinstance(data, dict):
        data = next((value for value in data.values() if isinstance(value, list)), None)
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise InputFileError("extract.json_shape", file=redact(str(path)))
    columns = sorted({str(key).lower() for item in data for key in item})

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for index, item in enumerate(data, start=1):
            yield (
                index,
                {
                    str(key).lower(): "" if value is None else str(value).strip()
                    for key, value in item.items()
                },
            )

    return columns, rows()


def parse_datetime(value: str, column: str) -> datetime:
    """Parse an ISO date or date-time; naive values are Asia/Shanghai."""
    try:
        parsed = datetime.fromisoformat(value.replace("/", "-").replace("Z", "+00:00"))
    except ValueError as err:
        raise _RowError("extract.bad_datetime", column, value) from err
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=SHANGHAI)
    return parsed


def _optional_datetime(row: dict[str, str], column: str) -> datetime | None:
    value = row.get(column, "")
    return parse_datetime(value, column) if value else None


def _require(row: dict[str, str], column: str) -> str:
    value = row.get(column, "")
    if not value:
        raise _RowError("extract.missing_value", column, "")
    return value


def _phone_fields(key: PseudonymKey, value: str) -> dict[str, str]:
    try:
        number = normalize_number(value)
    except NumberError as err:
        raise _RowError("extract.bad_phone", "phone", value, mask=True) from err
    return {
        "phone_id": pseudonymize(key, number.canonical),
        "kind": number.kind.value,
        "display": mask_number(number.canonical),
    }


def _party_row(
    row: dict[str, str], key: PseudonymKey | None
) -> tuple[tuple[str, ...], dict[str, Any]]:
    party_id = _require(row, "party_id")
    phone = row.get("phone", "")
    fields: dict[str, Any] = {"party_id": party_id, "phone_id": None}
    if phone:
        assert key is not None
        fields.update(_phone_fields(key, phone))
    return (party_id, fields["phone_id"] or ""), fields


def _contact_row(
    row: dict[str, str], key: PseudonymKey | None
) -> tuple[tuple[str, ...], dict[str, Any]]:
    assert key is not None
    party_id = _require(row, "party_id")
    fields: dict[str, Any] = {"party_id": party_id, "relation": row.get("relation") or None}
    fields.update(_phone_fields(key, _require(row, "phone")))
    return (party_id, fields["phone_id"]), fields


def _loan_row(
    row: dict[str, str], key: PseudonymKey | None
) -> tuple[tuple[str, ...], dict[str, Any]]:
    loan_id = _require(row, "loan_id")
    party_id = _require(row, "party_id")
    role = _require(row, "role").lower().replace("-", "_")
    if role not in LOAN_ROLE_RELATIONSHIPS:
        raise _RowError("extract.bad_role", "role", role)
    status = _require(row, "status").lower()
    if status not in LOAN_STATUSES:
        raise _RowError("extract.bad_status", "status", status)
    applied_at = _optional_datetime(row, "applied_at")
    fields = {
        "loan_id": loan_id,
        "party_id": party_id,
        "role": role,
        "status": status,
        "applied_at": applied_at,
    }
    return (loan_id, party_id, role), fields


def _consent_row(
    row: dict[str, str], key: PseudonymKey | None
) -> tuple[tuple[str, ...], dict[str, Any]]:
    consent_id = _require(row, "consent_id")
    party_id = _require(row, "party_id")
    scope = [part for part in _SPLIT.split(_require(row, "scope").lower()) if part]
    purpose = [part for part in _SPLIT.split(_require(row, "purpose").lower()) if part]
    granted_at = parse_datetime(_require(row, "granted_at"), "granted_at")
    expires_at = _optional_datetime(row, "expires_at")
    revoked_at = _optional_datetime(row, "revoked_at")
    if expires_at is not None and expires_at <= granted_at:
        raise _RowError("extract.expires_before_granted", "expires_at", row["expires_at"])
    document = row.get("document_sha256", "")
    if document and not _SHA256.match(document):
        raise _RowError("extract.bad_sha256", "document_sha256", document)
    fields = {
        "consent_id": consent_id,
        "party_id": party_id,
        "scope": scope,
        "purpose": purpose,
        "granted_at": granted_at,
        "expires_at": expires_at,
        "revoked_at": revoked_at,
        "document_sha256": document.lower() or None,
    }
    return (consent_id,), fields


_ROW_PARSERS: dict[
    str, Callable[[dict[str, str], PseudonymKey | None], tuple[tuple[str, ...], dict[str, Any]]]
] = {
    "parties": _party_row,
    "contacts": _contact_row,
    "loans": _loan_row,
    "consents": _consent_row,
}
_STATEMENTS = {
    "parties": writes.UPSERT_PARTY_PHONES,
    "contacts": writes.UPSERT_EMERGENCY_CONTACTS,
    "loans": writes.UPSERT_LOANS,
    "consents": writes.UPSERT_CONSENTS,
}


def load_extract(
    kind: str,
    path: Path,
    *,
    db: Database | None,
    key: PseudonymKey | None,
    quarantine_dir: Path,
) -> ExtractReport:
    """Load one extract of ``kind``; ``db=None`` validates without writing.

    Raises:
        InputFileError: the file is unreadable or lacks a required column.
        PseudonymKeyError: the graph contains phones made with another pseudonymisation key.
    """
    header, rows = read_extract_rows(path)
    missing = [column for column in REQUIRED_COLUMNS[kind] if column not in header]
    if missing:
        raise InputFileError(
            "extract.missing_columns",
            file=redact(str(path)),
            kind=kind,
            missing=", ".join(missing),
            found=", ".join(header) or "-",
        )

    report = ExtractReport(kind=kind, file=redact(str(path)), dry_run=db is None)
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
    quarantine = QuarantineWriter(quarantine_dir / f"{kind}-{digest}.rejected.csv", path)
    parse = _ROW_PARSERS[kind]
    seen: set[tuple[str, ...]] = set()
    accepted: list[dict[str, Any]] = []
    try:
        for line, row in rows:
            report.rows_read += 1
            try:
                identity, fields = parse(row, key)
            except _RowError as err:
                rejected = RejectedRow(
                    line=line,
                    reason_key=err.reason_key,
                    reason_params={"column": err.column, "value": err.value},
                    values={err.column: err.value},
                )
                report.rows_rejected += 1
                quarantine.write([rejected])
                if len(report.rejected_examples) < 20:
                    report.rejected_examples.append(rejected)
                continue
            if identity in seen:
                report.duplicates += 1
                continue
            seen.add(identity)
            accepted.append(fields)
    finally:
        quarantine.close()

    if db is not None and key is not None:
        check_key_matches_graph(db, key)
    if db is not None and accepted:
        write_rows(db, _STATEMENTS[kind], accepted, key_id=key.key_id if key else None)
    report.rows_loaded = len(accepted)
    report.quarantine_file = str(quarantine.path) if quarantine.rows_written else None
    logger.info(
        "extract loaded kind=%s rows_read=%d rows_loaded=%d rows_rejected=%d duplicates=%d",
        kind,
        report.rows_read,
        report.rows_loaded,
        report.rows_rejected,
        report.duplicates,
    )
    return report
