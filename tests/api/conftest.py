"""Fixtures of the API tests: one loaded population, a real API server, keys, a client.

Loading a population takes about 15 seconds, so every module of this package shares one
(package scope), and one uvicorn server on a loopback port in front of the session's
Neo4j. Tests here must leave the graph as they found it, and must not take the ``db``
fixture: it wipes the database, population included. Tests that change something (revoke
a consent, tamper with the audit trail) put it back in a ``finally``.

Every response that the ``client`` fixture receives is checked for the population's clear
phone numbers; a test that gets one fails on the spot, naming the path, never the number.
"""

from __future__ import annotations

import logging
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import uvicorn

from api.app import create_app
from api.keys import create_api_key
from graph_schema.apply import apply_schema
from ringscope.db import Database, connect
from ringscope.neo4j_local import LocalServerInfo
from ringscope.pseudonym import PseudonymKey
from ringscope.settings import ApiSettings
from tests import graph_helpers
from tests.api.population import (
    Population,
    clear_numbers,
    count_clear_numbers,
    generate,
    load_population,
)

logger = logging.getLogger(__name__)

# High enough that no test but the rate-limit test ever meets it.
TEST_RATE_PER_MINUTE = 100_000
ROLES = ("loan_system", "investigator", "admin")


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running_api(settings: ApiSettings) -> Iterator[str]:
    """Serve the app with uvicorn on a free loopback port in a thread; yield its URL."""
    port = free_loopback_port()
    config = uvicorn.Config(
        create_app(settings=settings),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"test-api-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the test API server did not start within 30 s")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


class ScanningClient(httpx.Client):
    """An HTTP client that fails the test when a response contains a clear number."""

    def __init__(self, numbers: set[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.numbers = numbers
        self.responses = 0

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        response = super().send(request, **kwargs)
        response.read()
        self.responses += 1
        found = count_clear_numbers(response.text, self.numbers) + count_clear_numbers(
            str(response.headers), self.numbers
        )
        if found:
            pytest.fail(f"{request.method} {request.url.path} returned {found} clear phone numbers")
        return response


class ApiContext:
    """What a test needs to call the API and check the answers."""

    def __init__(
        self,
        db: Database,
        population: Population,
        base_url: str,
        keys: dict[str, str],
        numbers: set[str],
    ) -> None:
        self.db = db
        self.population = population
        self.base_url = base_url
        self.keys = keys
        self.numbers = numbers

    def headers(self, role: str = "loan_system", language: str = "en") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}", "Accept-Language": language}


@pytest.fixture(scope="package")
def api_db(neo4j_server: LocalServerInfo) -> Iterator[Database]:
    """The session's database, emptied for this package and again after it.

    Emptying it afterwards matters: later tests that do not take ``db`` (the demo) would
    otherwise find data made with this package's pseudonymisation key.
    """
    database = connect()
    graph_helpers.wipe(database)
    apply_schema(database)
    try:
        yield database
    finally:
        graph_helpers.wipe(database)
        database.close()


@pytest.fixture(scope="package")
def population(api_db: Database, tmp_path_factory: pytest.TempPathFactory) -> Population:
    folder = tmp_path_factory.mktemp("api-population") / "data"
    generate(folder)
    key = PseudonymKey.from_text(secrets.token_hex(32))
    started = time.monotonic()
    loaded = load_population(api_db, folder, key)
    logger.info("api population loaded in %.1f s", time.monotonic() - started)
    return loaded


@pytest.fixture(scope="package")
def api(api_db: Database, population: Population) -> Iterator[ApiContext]:
    keys = {role: create_api_key(api_db, role, label=f"test {role}") for role in ROLES}
    settings = ApiSettings(rate_limit_per_minute=TEST_RATE_PER_MINUTE)
    with running_api(settings) as base_url:
        yield ApiContext(
            db=api_db,
            population=population,
            base_url=base_url,
            keys=keys,
            numbers=clear_numbers(population.folder),
        )


@pytest.fixture(scope="package")
def client(api: ApiContext) -> Iterator[ScanningClient]:
    with ScanningClient(api.numbers, base_url=api.base_url, timeout=60) as scanning:
        yield scanning


def linkage_body(party_id: str, **extra: Any) -> dict[str, Any]:
    """A linkage request for ``party_id`` under its generated consent ``C-<party_id>``."""
    return {
        "party_id": party_id,
        "consent_id": "C-" + party_id,
        "purpose": "credit_review",
        **extra,
    }
