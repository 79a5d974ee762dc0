"""``ringscope consent revoke``: revoke a consent and erase what only it supported."""

from __future__ import annotations

import getpass

import click

import ringscope.privacy_messages  # noqa: F401  (registers the messages printed here)
from ringscope.cli.common import echo_json, format_table, open_database
from ringscope.erasure import ErasureReport, revoke_consent
from ringscope.i18n import translate
from ringscope.logging_setup import redact_data


def cli_actor() -> str:
    """Return the audit actor of a CLI command: ``cli:`` and the operating-system user."""
    try:
        return "cli:" + getpass.getuser()
    except (OSError, KeyError):
        # No user name in containers that run with an unnamed uid.
        return "cli:unknown"


def print_table(rows: list[tuple[str, object]]) -> None:
    """Print label-value rows as a two-column table in the reader's language."""
    headers = [translate("privacy.col_item"), translate("privacy.col_value")]
    click.echo(format_table(headers, [(label, value) for label, value in rows]))


@click.group("consent", help=translate("privacy.consent.help"))
def consent() -> None:
    pass


@consent.command("revoke", help=translate("privacy.revoke.help"))
@click.argument("consent_id")
@click.option(
    "--reason", required=True, help="Why the consent is revoked (kept in the audit trail)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the erasure report as JSON.")
def revoke_command(consent_id: str, reason: str, as_json: bool) -> None:
    with open_database() as db:
        report = revoke_consent(db, consent_id, reason=reason, actor=cli_actor())
    if as_json:
        echo_json(redact_data(report.to_json()))
        return
    _print_report(report)


def _print_report(report: ErasureReport) -> None:
    key = "privacy.revoke.already" if report.already_revoked else "privacy.revoke.done"
    click.echo(translate(key, consent_id=report.consent_id, revoked_at=report.revoked_at))
    print_table(
        [
            (translate("privacy.col_batches"), len(report.batch_ids)),
            (translate("privacy.col_relationships"), report.relationships_deleted),
            (translate("privacy.col_call_records"), report.call_records_deleted),
            (translate("privacy.col_calls_erased"), report.calls_erased),
            (translate("privacy.col_calls_kept"), report.calls_kept),
            (translate("privacy.col_phones"), report.phones_deleted),
            (translate("privacy.col_number_changes"), report.number_changes_deleted),
            (translate("privacy.col_rings"), report.rings_marked_stale),
            (translate("privacy.col_audit"), report.audit_seq),
        ]
    )
    if report.rings_marked_stale:
        click.echo(translate("privacy.rings_stale_note"))
