"""`ringscope demo`."""

from __future__ import annotations

from pathlib import Path

import click

from ringscope.demo import DEFAULT_DATA, run_demo


@click.command("demo")
@click.option(
    "--data",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help=f"VAST 2008 cdr.csv to load [default: {DEFAULT_DATA.name} bundled in data/].",
)
def demo(data: Path | None) -> None:
    """Run the main job end to end on the bundled VAST 2008 call records.

    Starts the local Neo4j unless RINGSCOPE_NEO4J_URI is set, loads the calls under demo
    parties and consents, runs Louvain and prints phone 200's linkage findings as the API
    returns them over HTTP. Without RINGSCOPE_PSEUDONYM_KEY it uses a throwaway key.
    """
    run_demo(data, echo=click.echo)
