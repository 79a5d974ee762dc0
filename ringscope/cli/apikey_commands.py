"""`ringscope apikey create|list|revoke`: the API's keys, stored only as hashes."""

from __future__ import annotations

from dataclasses import asdict

import click

import api.cli_messages  # noqa: F401  (registers the texts printed here)
from api.keys import (
    KEY_PREFIX_CHARS,
    ROLES,
    create_api_key,
    list_api_keys,
    revoke_api_key_if_active,
)
from ringscope.cli.common import echo_json, format_table, open_database
from ringscope.i18n import translate


@click.group("apikey")
def apikey() -> None:
    """Create, list and revoke API keys (roles: loan_system, investigator, admin)."""


@apikey.command("create")
@click.option(
    "--role",
    required=True,
    type=click.Choice(ROLES),
    help="loan_system: linkage only; investigator: read endpoints; admin: everything.",
)
@click.option("--label", default=None, help="Who or what the key is for, shown in listings.")
def create_command(role: str, label: str | None) -> None:
    """Create a key and print it once; only its hash is stored."""
    with open_database() as db:
        key = create_api_key(db, role, label)
    click.echo(translate("apikey.created", role=role, prefix=key[:KEY_PREFIX_CHARS]), err=True)
    click.echo(key)


@apikey.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the keys as JSON.")
def list_command(as_json: bool) -> None:
    """List keys by prefix, role and label; the keys themselves are not stored."""
    with open_database() as db:
        keys = list_api_keys(db)
    if as_json:
        echo_json([asdict(key) for key in keys])
        return
    if not keys:
        click.echo(translate("apikey.none"))
        return
    rows = [
        (key.key_prefix, key.role, key.label or "-", key.created_at or "-", key.revoked_at or "-")
        for key in keys
    ]
    headers = ["col_prefix", "col_role", "col_label", "col_created", "col_revoked"]
    click.echo(format_table([translate(f"apikey.{name}") for name in headers], rows))


@apikey.command("revoke")
@click.argument("prefix")
def revoke_command(prefix: str) -> None:
    """Revoke the key whose first 12 characters are PREFIX; it stops working at once."""
    with open_database() as db:
        revoked = revoke_api_key_if_active(db, prefix)
    if not revoked:
        click.echo(translate("apikey.not_active", prefix=prefix), err=True)
        raise SystemExit(1)
    click.echo(translate("apikey.revoked", prefix=prefix))
