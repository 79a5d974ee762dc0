"""The ``ringscope`` command line: one group per component, each in its own module."""

from __future__ import annotations

import logging
import sys

import click

from ringscope import __version__
from ringscope.errors import ConsentError, InputFileError, RingScopeError
from ringscope.i18n import translate
from ringscope.logging_setup import configure_cli_logging


class RingScopeGroup(click.Group):
    """A click group that prints RingScope errors as one localised line, not a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except RingScopeError as err:
            logging.getLogger("ringscope.cli").debug("command failed: %s", err.code)
            click.echo(f"ringscope: {err.render()}", err=True)
            # 2: the input or its consent is at fault (fix the file or the consent);
            # 1: the environment is (server, key, settings).
            sys.exit(2 if isinstance(err, InputFileError | ConsentError) else 1)


@click.group(cls=RingScopeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ringscope")
@click.option("-v", "--verbose", is_flag=True, help="Log debug detail to stderr.")
def main(verbose: bool) -> None:
    """RingScope: find fraud rings in consented call records (Neo4j).

    Messages are in Simplified Chinese unless RINGSCOPE_LANG=en.
    """
    configure_cli_logging(logging.DEBUG if verbose else logging.WARNING)


def _register_commands() -> None:
    # Imported here so that `ringscope --help` lists every group and a module that fails to
    # import names itself in the traceback instead of breaking the root module.
    from ringscope.cli import (
        apikey_commands,
        audit_commands,
        consent_commands,
        demo_commands,
        evaluate_commands,
        generate_commands,
        load_commands,
        neo4j_commands,
        query_commands,
        rekey_commands,
        retention_commands,
        rings_commands,
        schema_commands,
        serve_commands,
    )

    main.add_command(neo4j_commands.neo4j)
    main.add_command(schema_commands.schema)
    main.add_command(load_commands.load)
    main.add_command(demo_commands.demo)
    main.add_command(generate_commands.generate)
    main.add_command(query_commands.query)
    main.add_command(query_commands.cypher)
    main.add_command(rings_commands.rings)
    main.add_command(evaluate_commands.evaluate)
    main.add_command(serve_commands.serve)
    main.add_command(apikey_commands.apikey)
    main.add_command(audit_commands.audit)
    main.add_command(consent_commands.consent)
    main.add_command(retention_commands.retention)
    main.add_command(rekey_commands.rekey)


_register_commands()


def _localise_summaries() -> None:
    # The command list of `ringscope --help` follows RINGSCOPE_LANG; each command's own
    # --help keeps its docstring.
    import ringscope.cli.cli_messages  # noqa: F401

    for name, command in main.commands.items():
        summary = translate(f"cli.short.{name}")
        if summary != f"cli.short.{name}":
            command.short_help = summary


_localise_summaries()
