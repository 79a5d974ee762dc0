"""`ringscope load calls|manifest|parties|contacts|loans|consents`."""

from __future__ import annotations

import csv
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import click

import ringscope.cli.cli_messages  # noqa: F401
from loader.extracts import EXTRACT_KINDS, ExtractReport, load_extract
from loader.normalize import NumberError, normalize_number
from loader.pipeline import DEFAULT_PURPOSE, BatchReport, load_calls
from loader.records import CanonicalNumber, RejectedRow
from ringscope.cli.common import (
    echo_json,
    format_table,
    is_interactive,
    load_pseudonym_key,
    open_database,
)
from ringscope.db import Database, connect
from ringscope.errors import InputFileError, RingScopeError
from ringscope.i18n import translate
from ringscope.logging_setup import redact
from ringscope.pseudonym import PseudonymKey, mask_number
from ringscope.settings import get_home

MAX_EXAMPLES_SHOWN = 5


class ProgressLine:
    """Rows and rate on one self-rewriting stderr line, shown only on a terminal."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.rows = 0
        self.started = time.monotonic()
        self.enabled = is_interactive()

    def update(self, rows: int) -> None:
        self.rows += rows
        if not self.enabled:
            return
        elapsed = max(time.monotonic() - self.started, 1e-6)
        text = translate(
            "load.progress", label=self.label, rows=self.rows, rate=int(self.rows / elapsed)
        )
        sys.stderr.write("\r" + text)
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self.rows:
            sys.stderr.write("\n")


@click.group()
def load() -> None:
    """Load call records and loan-system extracts into the graph."""


def _default_quarantine_dir() -> Path:
    return get_home() / "quarantine"


def _parse_owner_phone(value: str | None) -> CanonicalNumber | None:
    if value is None:
        return None
    try:
        return normalize_number(value)
    except NumberError as err:
        raise click.BadParameter(
            translate("load.bad_owner_phone", value=mask_number(value))
        ) from err


@load.command("calls")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--owner-party", required=True, help="party_id of the person whose records these are."
)
@click.option("--consent", "consent_id", required=True, help="consent_id that allows loading them.")
@click.option(
    "--purpose", default=DEFAULT_PURPOSE, show_default=True, help="Declared purpose of use."
)
@click.option("--layout", default=None, help="Force a layout instead of detecting it.")
@click.option("--owner-phone", default=None, help="Owner's number, for bills that do not state it.")
@click.option(
    "--year", "default_year", type=int, default=None, help="Year for start times without one."
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON summary per file.")
@click.option("--dry-run", is_flag=True, help="Read and validate only; skips the consent gate.")
@click.option(
    "--quarantine-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for rejected rows [default: <home>/quarantine].",
)
def calls_command(
    files: tuple[Path, ...],
    owner_party: str,
    consent_id: str,
    purpose: str,
    layout: str | None,
    owner_phone: str | None,
    default_year: int | None,
    as_json: bool,
    dry_run: bool,
    quarantine_dir: Path | None,
) -> None:
    """Load call-record FILES of one owner under one consent."""
    key = load_pseudonym_key()
    owner_number = _parse_owner_phone(owner_phone)
    jobs = [
        _CallJob(path, owner_party, consent_id, purpose, layout, owner_number, default_year)
        for path in files
    ]
    failed = _run_call_jobs(
        jobs, key, dry_run, as_json, quarantine_dir or _default_quarantine_dir()
    )
    if failed:
        raise SystemExit(2)


@dataclass(frozen=True, slots=True)
class _CallJob:
    path: Path
    owner_party: str
    consent_id: str
    purpose: str
    layout: str | None
    owner_number: CanonicalNumber | None
    default_year: int | None


def _run_call_jobs(
    jobs: list[_CallJob], key: PseudonymKey, dry_run: bool, as_json: bool, quarantine_dir: Path
) -> int:
    """Load each job; a failing file is reported and the next one still loads."""
    failed = 0
    reports: list[BatchReport] = []
    db: Database | None = None
    try:
        if not dry_run:
            db = connect()
        elif not as_json:
            click.echo(translate("load.dry_run_note"))
        for job in jobs:
            progress = ProgressLine(redact(job.path.name))
            try:
                report = load_calls(
                    job.path,
                    db=db,
                    key=key,
                    owner_party=job.owner_party,
                    consent_id=job.consent_id,
                    purpose=job.purpose,
                    layout=job.layout,
                    owner_number=job.owner_number,
                    default_year=job.default_year,
                    quarantine_dir=quarantine_dir,
                    progress=progress.update,
                )
            except RingScopeError as err:
                progress.close()
                failed += 1
                _print_failure(job.path, err, as_json)
                continue
            progress.close()
            _print_batch(report, as_json)
            reports.append(report)
    finally:
        if db is not None:
            db.close()
    if len(jobs) > 1 and not as_json:
        click.echo(
            translate(
                "load.totals",
                files=len(jobs),
                loaded=sum(1 for r in reports if r.status == "loaded"),
                already=sum(1 for r in reports if r.status == "already_loaded"),
                dry=sum(1 for r in reports if r.status == "dry_run"),
                failed=failed,
                rows_read=sum(r.rows_read for r in reports),
                rows_loaded=sum(r.rows_loaded for r in reports),
                rows_rejected=sum(r.rows_rejected for r in reports),
                duplicates=sum(r.duplicates for r in reports),
            )
        )
    return failed


def _print_failure(path: Path, err: RingScopeError, as_json: bool) -> None:
    if as_json:
        echo_json(
            {
                "file": redact(str(path)),
                "status": "refused",
                "code": err.code,
                "reason": err.render(),
            }
        )
    else:
        click.echo(
            translate("load.file_failed", file=redact(str(path)), reason=err.render()), err=True
        )


def _print_batch(report: BatchReport, as_json: bool) -> None:
    if as_json:
        echo_json(report.to_json())
        return
    status = translate(f"load.status_{report.status}")
    rows = [
        (translate("load.col_file"), report.file),
        (translate("load.col_status"), status),
        (translate("load.col_batch"), report.batch_id),
        (translate("load.col_layout"), report.layout),
        (translate("load.col_owner"), report.owner),
        (translate("load.col_consent"), report.consent_id),
        (translate("load.col_rows_read"), report.rows_read),
        (translate("load.col_rows_loaded"), report.rows_loaded),
        (translate("load.col_rows_rejected"), report.rows_rejected),
        (translate("load.col_duplicates"), report.duplicates),
        (translate("load.col_total_seconds"), report.total_seconds),
        (translate("load.col_distinct_peers"), report.distinct_peers),
    ]
    click.echo(format_table([translate("load.col_item"), translate("load.col_value")], rows))
    if report.rows_read == 0:
        click.echo(translate("load.no_rows", file=report.file))
    _print_rejections(
        report.file, report.rejected_examples, report.rows_rejected, report.quarantine_file
    )
    click.echo()


def _print_rejections(
    file: str, examples: list[RejectedRow], total: int, quarantine_file: str | None
) -> None:
    for row in examples[:MAX_EXAMPLES_SHOWN]:
        values = ", ".join(f"{k}={v}" for k, v in sorted(row.values.items()))
        click.echo(
            translate(
                "load.rejected_row",
                file=file,
                line=row.line,
                reason=translate(row.reason_key, **row.reason_params),
                values=values or "-",
            )
        )
    if total > MAX_EXAMPLES_SHOWN:
        click.echo(translate("load.more_rejected", count=total - MAX_EXAMPLES_SHOWN))
    if quarantine_file:
        click.echo(translate("load.quarantine_file", path=quarantine_file))


@load.command("manifest")
@click.argument("manifest", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON summary per file.")
@click.option("--dry-run", is_flag=True, help="Read and validate only; skips the consent gate.")
@click.option("--quarantine-dir", type=click.Path(path_type=Path), default=None)
def manifest_command(
    manifest: Path, as_json: bool, dry_run: bool, quarantine_dir: Path | None
) -> None:
    """Load every file a MANIFEST lists (JSON {"batches": [...]} or CSV), each under its consent.

    Each entry needs file, owner_party and consent; purpose, layout, owner_phone and year
    are optional. Paths are relative to the manifest's folder.
    """
    key = load_pseudonym_key()
    jobs = read_manifest(manifest)
    failed = _run_call_jobs(
        jobs, key, dry_run, as_json, quarantine_dir or _default_quarantine_dir()
    )
    if failed:
        raise SystemExit(2)


def read_manifest(manifest: Path) -> list[_CallJob]:
    """Parse a manifest into load jobs.

    Raises:
        InputFileError: the manifest is unreadable or an entry lacks a required field.
    """
    try:
        text = manifest.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise InputFileError("load.file_unreadable", file=str(manifest), error=str(err)) from err
    entries: list[dict[str, str]]
    if text.lstrip().startswith(("{", "[")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise InputFileError(
                "extract.json_invalid", file=str(manifest), line=err.lineno, error=err.msg
            ) from err
        raw = data.get("batches", []) if isinstance(data, dict) else data
        if not isinstance(raw, list):
            raise InputFileError("manifest.shape", file=str(manifest))
        entries = [
            {str(k): "" if v is None else str(v) for k, v in item.items()}
            for item in raw
            if isinstance(item, dict)
        ]
    else:
        entries = [dict(row) for row in csv.DictReader(text.splitlines())]

    jobs = []
    for index, entry in enumerate(entries, start=1):
        missing = [name for name in ("file", "owner_party", "consent") if not entry.get(name)]
        if missing:
            raise InputFileError(
                "manifest.missing", file=str(manifest), entry=index, missing=", ".join(missing)
            )
        year = entry.get("year") or ""
        jobs.append(
            _CallJob(
                path=(manifest.parent / entry["file"]),
                owner_party=entry["owner_party"],
                consent_id=entry["consent"],
                purpose=entry.get("purpose") or DEFAULT_PURPOSE,
                layout=entry.get("layout") or None,
                owner_number=_parse_owner_phone(entry.get("owner_phone") or None),
                default_year=int(year) if year.isdigit() else None,
            )
        )
    return jobs


def _make_extract_command(kind: str) -> click.Command:
    @click.command(kind, help=translate(f"extract.help_{kind}", "en"))
    @click.argument("file", type=click.Path(path_type=Path))
    @click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
    @click.option("--dry-run", is_flag=True, help="Validate only; write nothing.")
    @click.option("--quarantine-dir", type=click.Path(path_type=Path), default=None)
    def command(file: Path, as_json: bool, dry_run: bool, quarantine_dir: Path | None) -> None:
        key = load_pseudonym_key() if kind in ("parties", "contacts") else None
        target = quarantine_dir or _default_quarantine_dir()
        if dry_run:
            report = load_extract(kind, file, db=None, key=key, quarantine_dir=target)
        else:
            with open_database() as db:
                report = load_extract(kind, file, db=db, key=key, quarantine_dir=target)
        # Like `load calls`: rejected rows are reported and quarantined, and the command
        # still succeeds; exit 2 is kept for a file that could not be loaded at all.
        _print_extract(report, as_json)

    return command


def _print_extract(report: ExtractReport, as_json: bool) -> None:
    if as_json:
        echo_json(report.to_json())
        return
    rows = [
        (translate("load.col_file"), report.file),
        (translate("load.col_kind"), report.kind),
        (translate("load.col_rows_read"), report.rows_read),
        (translate("load.col_rows_loaded"), report.rows_loaded),
        (translate("load.col_rows_rejected"), report.rows_rejected),
        (translate("load.col_duplicates"), report.duplicates),
    ]
    if report.dry_run:
        click.echo(translate("load.extract_dry_run_note"))
    click.echo(format_table([translate("load.col_item"), translate("load.col_value")], rows))
    _print_rejections(
        report.file, report.rejected_examples, report.rows_rejected, report.quarantine_file
    )


for _kind in EXTRACT_KINDS:
    load.add_command(_make_extract_command(_kind))
