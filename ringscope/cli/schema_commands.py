"""`ringscope schema apply|status`."""

from __future__ import annotations

import click

from graph_schema.apply import apply_schema, get_schema_status
from ringscope.cli.common import echo_json, format_table, open_database, say
from ringscope.i18n import translate


@click.group()
def schema() -> None:
    """Apply or inspect the graph schema (constraints and indexes)."""


@schema.command("apply")
def apply_command() -> None:
    """Apply pending migrations; running it again changes nothing."""
    with open_database() as db:
        applied = apply_schema(db)
    if applied:
        say("schema.applied", versions=", ".join(str(version) for version in applied))
    else:
        say("schema.up_to_date")


@schema.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status_command(as_json: bool) -> None:
    """List migrations with their applied time; exit 3 when some are pending."""
    with open_database() as db:
        states = get_schema_status(db)
    pending = [state for state in states if not state.is_applied]
    if as_json:
        echo_json(
            [
                {
                    "version": s.version,
                    "description": s.description,
                    "applied_at": s.applied_at,
                }
                for s in states
            ]
        )
    else:
        rows = [
            (s.version, s.description, s.applied_at or translate("schema.pending")) for s in states
        ]
        click.echo(
            format_table(
                [
                    translate("schema.col_version"),
                    translate("schema.col_description"),
                    translate("schema.col_applied"),
                ],
                rows,
            )
        )
    if pending:
        raise SystemExit(3)
