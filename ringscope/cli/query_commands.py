"""`ringscope query list|show|run` and `ringscope cypher`: investigators' read-only queries."""

from __future__ import annotations

import csv
import functools
import getpass
import io
import json
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from queries.library import (
    DEFAULT_MAX_ROWS,
    NamedQuery,
    QueryResult,
    get_query,
    list_queries,
    run_cypher,
    run_named_query,
)
from ringscope.cli.common import format_table, open_database
from ringscope.errors import QueryError, RingScopeError
from ringscope.i18n import current_language, translate

DEFAULT_PURPOSE = "investigation"
F = TypeVar("F", bound=Callable[..., Any])
FORMATS = ("table", "csv", "json")


def reports_errors(command: F) -> F:
    """Print a RingScope error as one localised line and exit 1, as the root group does."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except RingScopeError as err:
            click.echo(f"ringscope: {err.render()}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def current_actor() -> str:
    """Who runs the command: RINGSCOPE_ACTOR, else the operating-system user name."""
    return os.environ.get("RINGSCOPE_ACTOR") or getpass.getuser()


def parse_params(values: tuple[str, ...]) -> dict[str, str]:
    """Turn ``--param name=value`` options into a dict; a value may contain ``=``."""
    params: dict[str, str] = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name.strip():
            raise QueryError("query.param_format", value=value)
        params[name.strip()] = text
    return params


def render_result(result: QueryResult, output: str) -> str:
    """Return the rows as a table, CSV or JSON; lists are joined by commas outside JSON."""
    if output == "json":
        return json.dumps(
            {"columns": result.columns, "rows": result.rows, "truncated": result.truncated},
            ensure_ascii=False,
            indent=2,
            default=str,
        )
    cells = [[_cell(row.get(column)) for column in result.columns] for row in result.rows]
    if output == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows(cells)
        return buffer.getvalue().rstrip("\n")
    return format_table(result.columns, cells)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def _echo_result(result: QueryResult, output: str, max_rows: int) -> None:
    click.echo(render_result(result, output))
    if output == "table":
        click.echo(translate("query.rows", rows=len(result.rows), seq=result.audit_seq))
    if result.truncated:
        click.echo(translate("query.truncated", rows=max_rows), err=True)


_format_option = click.option(
    "--format",
    "output",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="Output format.",
)
_param_option = click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A query parameter; repeat for several.",
)
_purpose_option = click.option(
    "--purpose",
    default=DEFAULT_PURPOSE,
    show_default=True,
    help="Why you run it; recorded in the audit trail.",
)
_max_rows_option = click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_ROWS,
    show_default=True,
    help="Stop after this many rows.",
)


@click.group()
def query() -> None:
    """Named investigator queries (read-only, audited)."""


@query.command("list")
@reports_errors
def list_command() -> None:
    """List the named queries with their purpose."""
    language = current_language()
    rows = [[q.name, q.purpose[language]] for q in list_queries()]
    click.echo(format_table([translate("query.col_name"), translate("query.col_purpose")], rows))


@query.command("show")
@click.argument("name")
@reports_errors
def show_command(name: str) -> None:
    """Show a query's purpose, parameters, columns and Cypher."""
    click.echo(describe_query(get_query(name)))


def describe_query(named: NamedQuery) -> str:
    language = current_language()
    params = [
        [
            p.name,
            p.type,
            translate("query.injected")
            if p.injected
            else (translate("query.required") if p.required else repr(p.default)),
            p.description[language],
        ]
        for p in named.params
    ]
    columns = [[c.name, c.type, c.description[language]] for c in named.columns]
    parts = [
        f"{named.name}: {named.purpose[language]}",
        "",
        format_table(
            [
                translate("query.col_param"),
                translate("query.col_type"),
                translate("query.col_default"),
                translate("query.col_meaning"),
            ],
            params,
        ),
        "",
        format_table(
            [
                translate("query.col_column"),
                translate("query.col_type"),
                translate("query.col_meaning"),
            ],
            columns,
        ),
        "",
        named.text,
    ]
    return "\n".join(parts)


@query.command("run")
@click.argument("name")
@_param_option
@_format_option
@_purpose_option
@_max_rows_option
@reports_errors
def run_command(
    name: str, params: tuple[str, ...], output: str, purpose: str, max_rows: int
) -> None:
    """Run the named query NAME in a read-only transaction."""
    values = parse_params(params)
    with open_database() as db:
        result = run_named_query(
            db, name, values, actor=current_actor(), purpose=purpose, max_rows=max_rows
        )
    _echo_result(result, output, max_rows)


@click.command("cypher")
@click.argument("statement")
@_param_option
@_format_option
@_purpose_option
@_max_rows_option
@reports_errors
def cypher(
    statement: str, params: tuple[str, ...], output: str, purpose: str, max_rows: int
) -> None:
    """Run ad-hoc Cypher STATEMENT in a READ transaction; writes are refused.

    Parameter values are strings; use toInteger($x) and similar in the statement.
    """
    values = parse_params(params)
    with open_database() as db:
        result = run_cypher(
            db, statement, values, actor=current_actor(), purpose=purpose, max_rows=max_rows
        )
    _echo_result(result, output, max_rows)
