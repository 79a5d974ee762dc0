"""``ringscope neo4j start|stop|status``: the local Neo4j server from the command line.

Progress goes to stderr and results to stdout, both in the language of RINGSCOPE_LANG. The
password is never printed. Instead, the output names the file that contains it.
"""

from __future__ import annotations

import json

import click

from ringscope.i18n import translate
from ringscope.neo4j_local import (
    DEFAULT_STOP_TIMEOUT_SECONDS,
    DEFAULT_WAIT_SECONDS,
    LocalNeo4j,
    LocalServerInfo,
)

# Exit status of `status` when no server runs, so scripts can tell "not running" (3) from a
# failure (1), as the LSB init-script convention does.
EXIT_NOT_RUNNING = 3


def _progress(line: str) -> None:
    click.echo(line, err=True)


def _details(server: LocalNeo4j, info: LocalServerInfo) -> str:
    return translate(
        "neo4j_cli.details",
        uri=info.uri,
        user=info.user,
        password_file=server.password_file,
        browser=info.browser_url or translate("neo4j_cli.browser_not_served"),
        data_dir=server.data_dir,
        logs_dir=server.logs_dir,
        lib_dir=server.lib_dir,
    )


@click.group(name="neo4j")
def neo4j() -> None:
    """Start, stop and check the local Neo4j server (no Docker needed)."""


@neo4j.command()
@click.option(
    "--bolt-port",
    type=click.IntRange(0, 65535),
    help="Bolt port on 127.0.0.1 (default RINGSCOPE_NEO4J_LOCAL_BOLT_PORT; 0 = any free port).",
)
@click.option(
    "--http-port",
    type=click.IntRange(0, 65535),
    help="HTTP port for Neo4j Browser (default RINGSCOPE_NEO4J_LOCAL_HTTP_PORT; 0 = any).",
)
@click.option(
    "--wait-seconds",
    type=click.FloatRange(min=1.0),
    default=DEFAULT_WAIT_SECONDS,
    show_default=True,
    help="Seconds to wait for Bolt to accept connections.",
)
def start(bolt_port: int | None, http_port: int | None, wait_seconds: float) -> None:
    """Download Neo4j once, start it on 127.0.0.1 and wait until Bolt accepts connections."""
    server = LocalNeo4j()
    was_running = server.status()

    info = server.start(bolt_port, http_port, wait_seconds, progress=_progress)

    if was_running is not None and was_running.pid == info.pid:
        click.echo(translate("neo4j_cli.already_running", pid=info.pid))
        if info.port_note:  # a fresh start already printed the note as a progress line
            click.echo(info.port_note)
    else:
        click.echo(translate("neo4j_cli.started", version=server.version, pid=info.pid))
    click.echo(_details(server, info))


@neo4j.command()
@click.option(
    "--timeout-seconds",
    type=click.FloatRange(min=0.0),
    default=DEFAULT_STOP_TIMEOUT_SECONDS,
    show_default=True,
    help="Seconds to wait after SIGTERM before sending SIGKILL.",
)
def stop(timeout_seconds: float) -> None:
    """Stop the local server, and exit with status 0 when none was running."""
    server = LocalNeo4j()
    info = server.status()

    stopped = server.stop(timeout_seconds)

    if stopped and info is not None:
        click.echo(translate("neo4j_cli.stopped", pid=info.pid))
    else:
        click.echo(translate("neo4j_cli.was_not_running", home=server.home))


@neo4j.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Report whether the local server is running and where, with exit status 3 when it is not."""
    server = LocalNeo4j()
    info = server.status()

    if as_json:
        payload: dict[str, object] = {"running": info is not None, "home": str(server.home)}
        if info is not None:
            payload.update(
                pid=info.pid,
                uri=info.uri,
                bolt_port=info.bolt_port,
                http_port=info.http_port,
                browser_url=info.browser_url,
                user=info.user,
                password_file=str(server.password_file),
                data_dir=str(server.data_dir),
                logs_dir=str(server.logs_dir),
                lib_dir=str(server.lib_dir),
                port_note=info.port_note,
            )
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    elif info is not None:
        click.echo(translate("neo4j_cli.running", pid=info.pid))
        if info.port_note:
            click.echo(info.port_note)
        click.echo(_details(server, info))
    else:
        click.echo(translate("neo4j_cli.status_not_running", home=server.home))

    if info is None:
        ctx.exit(EXIT_NOT_RUNNING)


@neo4j.command()
def install() -> None:
    """Download the Neo4j jars with Maven once; later runs find them and do nothing."""
    server = LocalNeo4j()
    server.ensure_installed(progress=_progress)
    click.echo(translate("neo4j_cli.installed", version=server.version, lib_dir=server.lib_dir))
