"""Helpers shared by the CLI command modules: database, key, output."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from ringscope.db import Database, connect
from ringscope.i18n import translate
from ringscope.pseudonym import PseudonymKey
from ringscope.settings import PseudonymSettings
from ringscope.tables import format_table

__all__ = [
    "echo_json",
    "format_table",
    "is_interactive",
    "load_pseudonym_key",
    "open_database",
    "say",
]


@contextmanager
def open_database() -> Iterator[Database]:
    """Connect to the configured or local server for the duration of one command."""
    db = connect()
    try:
        yield db
    finally:
        db.close()


def load_pseudonym_key() -> PseudonymKey:
    """Return the configured pseudonymisation key (raises PseudonymKeyError when unset)."""
    return PseudonymSettings().load_key()


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str))


def say(key: str, **params: object) -> None:
    """Print one localised message line."""
    click.echo(translate(key, None, **params))


def is_interactive() -> bool:
    return sys.stderr.isatty()
