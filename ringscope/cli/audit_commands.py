"""`ringscope audit verify|export`: check and export the hash-chained audit trail."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO

import click

import api.cli_messages  # noqa: F401  (registers the texts printed here)
from ringscope.audit import iter_audit_events, verify_audit_trail
from ringscope.cli.common import echo_json, open_database
from ringscope.db import Database
from ringscope.i18n import translate


@click.group("audit")
def audit() -> None:
    """Verify or export the audit trail of API requests and compliance actions."""


@audit.command("verify")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def verify_command(as_json: bool) -> None:
    """Check every event's hash and the chain; exit 1 when anything was changed."""
    with open_database() as db:
        count, problems = verify_audit_trail(db)
    if as_json:
        echo_json(
            {
                "events": count,
                "intact": not problems,
                "problems": [{"seq": p.seq, "problem": p.problem} for p in problems],
            }
        )
    elif not problems:
        click.echo(translate("audit.intact", count=count))
    else:
        click.echo(translate("audit.broken", count=count, problems=len(problems)))
        for problem in problems:
            click.echo("  - " + translate(f"audit.problem_{problem.problem}", seq=problem.seq))
    if problems:
        raise SystemExit(1)


@audit.command("export")
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="File to write [default: standard output].",
)
def export_command(out_path: Path | None) -> None:
    """Write every event as one JSON object per line, in sequence order."""
    with open_database() as db:
        if out_path is None:
            _write_events(db, sys.stdout)
            return
        with out_path.open("w", encoding="utf-8") as stream:
            count = _write_events(db, stream)
    click.echo(translate("audit.exported", count=count, path=out_path), err=True)


def _write_events(db: Database, stream: IO[str]) -> int:
    count = 0
    for event in iter_audit_events(db):
        stream.write(json.dumps(event, ensure_ascii=False, sort_keys=True, default=str) + "\n")
        count += 1
    return count
