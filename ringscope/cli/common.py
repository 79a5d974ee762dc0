"""Helpers shared by the CLI command modules: database, key, output."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click

from ringscope.db import Database, connect
from ringscope.i18n import translate
from ringscope.pseudonym import PseudonymKey
from ringscope.settings import PseudonymSettings


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
    click.echo(translate(key, **params))


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Render a plain-text table; widths count CJK characters as two columns."""
    cells = [[str(value) for value in headers]] + [[str(value) for value in row] for row in rows]
    widths = [max(_display_width(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for index, row in enumerate(cells):
        padded = [value + " " * (widths[i] - _display_width(value)) for i, value in enumerate(row)]
        lines.append("  ".join(padded).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _display_width(text: str) -> int:
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def is_interactive() -> bool:
    return sys.stderr.isatty()
