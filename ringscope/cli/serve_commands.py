"""`ringscope serve`: run the REST API with uvicorn."""

from __future__ import annotations

import ipaddress
import logging

import click
import uvicorn

import api.cli_messages  # noqa: F401  (registers the texts printed here)
from api.app import create_app
from ringscope.i18n import translate
from ringscope.logging_setup import configure_cli_logging
from ringscope.settings import ApiSettings


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("serve")
@click.option(
    "--host",
    default=None,
    help="Address to listen on [default: RINGSCOPE_API_HOST, 127.0.0.1].",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Port to listen on [default: RINGSCOPE_API_PORT, 8000].",
)
def serve(host: str | None, port: int | None) -> None:
    """Run the linkage API (OpenAPI docs at /docs) until Ctrl+C.

    Listens on loopback unless --host names another address. API keys come from
    `ringscope apikey create`. Logs go to stderr, redacted.
    """
    settings = ApiSettings()
    bind_host = host or settings.host
    bind_port = port or settings.port
    # Uvicorn's own loggers propagate to the root handler, which redacts every line.
    configure_cli_logging(logging.INFO)
    if not is_loopback(bind_host):
        click.echo(translate("serve.not_loopback", host=bind_host), err=True)
    click.echo(translate("serve.starting", host=bind_host, port=bind_port), err=True)
    uvicorn.run(
        create_app(settings=settings),
        host=bind_host,
        port=bind_port,
        log_config=None,
        proxy_headers=False,
        server_header=False,
    )
