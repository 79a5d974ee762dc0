"""``ringscope retention apply``: erase call facts older than the retention limit."""

from __future__ import annotations

import click

import ringscope.privacy_messages  # noqa: F401  (registers the messages printed here)
from ringscope.cli.common import echo_json, open_database
from ringscope.cli.consent_commands import cli_actor, print_table
from ringscope.i18n import translate
from ringscope.logging_setup import redact_data
from ringscope.retention import RetentionReport, apply_retention, parse_retention_limit


@click.group("retention", help=translate("privacy.retention.help"))
def retention() -> None:
    pass


@retention.command("apply", help=translate("privacy.retention.apply_help"))
@click.option(
    "--older-than",
    "older_than",
    default=None,
    metavar="DURATION",
    help="Erase calls older than this: 365d, 26w, 1y or P90D [default: the configured policy].",
)
@click.option("--dry-run", is_flag=True, help="Count what would be erased; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def apply_command(older_than: str | None, dry_run: bool, as_json: bool) -> None:
    limit = None
    if older_than is not None:
        try:
            limit = parse_retention_limit(older_than)
        except ValueError as err:
            raise click.BadParameter(
                translate("privacy.retention.bad_duration", value=older_than),
                param_hint="--older-than",
            ) from err
    with open_database() as db:
        report = apply_retention(db, limit=limit, dry_run=dry_run, actor=cli_actor())
    if as_json:
        echo_json(redact_data(report.to_json()))
        return
    _print_report(report)


def _print_report(report: RetentionReport) -> None:
    if report.dry_run:
        click.echo(translate("privacy.retention.dry_run"))
    else:
        click.echo(
            translate("privacy.retention.done", cutoff=report.cutoff, days=report.max_age_days)
        )
    rows: list[tuple[str, object]] = [
        (translate("privacy.col_cutoff"), report.cutoff),
        (translate("privacy.col_batches_touched"), report.batches_touched),
        (translate("privacy.col_relationships"), report.relationships_deleted),
        (translate("privacy.col_relationships_trimmed"), report.relationships_trimmed),
        (translate("privacy.col_call_records"), report.call_records_deleted),
        (translate("privacy.col_phones"), report.phones_deleted),
    ]
    if not report.dry_run:
        rows += [
            (translate("privacy.col_batches_emptied"), report.batches_emptied),
            (translate("privacy.col_number_changes"), report.number_changes_deleted),
            (translate("privacy.col_rings"), report.rings_marked_stale),
            (translate("privacy.col_audit"), report.audit_seq),
        ]
    print_table(rows)
    if report.rings_marked_stale:
        click.echo(translate("privacy.rings_stale_note"))
