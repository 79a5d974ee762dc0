"""``ringscope rekey``: move the graph's pseudonyms to a new key, from the source files."""

from __future__ import annotations

from pathlib import Path

import click

import ringscope.privacy_messages  # noqa: F401  (registers the messages printed here)
from ringscope.cli.common import echo_json, load_pseudonym_key, open_database
from ringscope.cli.consent_commands import cli_actor, print_table
from ringscope.cli.load_commands import read_manifest
from ringscope.errors import PseudonymKeyError
from ringscope.i18n import translate
from ringscope.logging_setup import redact_data
from ringscope.pseudonym import PseudonymKey
from ringscope.rekey import CallSource, RekeyReport, rekey_graph


def read_new_key(path: Path, key_id: str | None) -> PseudonymKey:
    """Read the new key from a file; a key never travels on the command line.

    Raises:
        PseudonymKeyError: the file is unreadable or the key is too short.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise PseudonymKeyError(
            "privacy.rekey.new_key_unreadable", path=str(path), error=err.strerror
        ) from err
    return PseudonymKey.from_text(text, key_id)


@click.command("rekey", help=translate("privacy.rekey.help"))
@click.option(
    "--new-key-file",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="File with the new key (hex or text, at least 32 bytes).",
)
@click.option("--new-key-id", default=None, help="Public id of the new key [default: derived].")
@click.option(
    "--manifest",
    "manifests",
    multiple=True,
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Load manifest of the call-record files that were loaded (repeatable).",
)
@click.option(
    "--parties",
    multiple=True,
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Parties extract that was loaded (repeatable).",
)
@click.option(
    "--contacts",
    multiple=True,
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Emergency-contacts extract that was loaded (repeatable).",
)
@click.option(
    "--dry-run", is_flag=True, help="Check that the sources cover the graph; write nothing."
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def rekey(
    new_key_file: Path,
    new_key_id: str | None,
    manifests: tuple[Path, ...],
    parties: tuple[Path, ...],
    contacts: tuple[Path, ...],
    dry_run: bool,
    as_json: bool,
) -> None:
    if not (manifests or parties or contacts):
        raise click.UsageError(translate("privacy.rekey.no_sources"))
    old_key = load_pseudonym_key()
    new_key = read_new_key(new_key_file, new_key_id)
    call_sources = [
        CallSource(
            path=job.path,
            layout=job.layout,
            owner_number=job.owner_number,
            default_year=job.default_year,
        )
        for manifest in manifests
        for job in read_manifest(manifest)
    ]
    with open_database() as db:
        report = rekey_graph(
            db,
            old_key=old_key,
            new_key=new_key,
            call_sources=call_sources,
            parties=list(parties),
            contacts=list(contacts),
            actor=cli_actor(),
            dry_run=dry_run,
        )
    if as_json:
        echo_json(redact_data(report.to_json()))
        return
    _print_report(report)


def _print_report(report: RekeyReport) -> None:
    if report.dry_run:
        click.echo(translate("privacy.rekey.dry_run", phones=report.phones))
        return
    click.echo(
        translate(
            "privacy.rekey.done",
            phones=report.phones_rekeyed,
            batches=report.batches_rekeyed,
            old_key_id=report.old_key_id,
            new_key_id=report.new_key_id,
        )
    )
    print_table(
        [
            (translate("privacy.col_relationships_moved"), report.relationships_moved),
            (translate("privacy.col_runs_updated"), report.detection_runs_updated),
            (translate("privacy.col_audit"), report.audit_seq),
        ]
    )
    click.echo(translate("privacy.rekey.next_steps"))
