"""Session-wide real Neo4j server and per-test clean database.

The test session starts its own local Neo4j (the same code path as `ringscope neo4j
start`) in a temporary home, on free loopback ports, reusing the jars of the default home
so that a session downloads them at most once. Every test that takes ``db`` gets an empty
database with the schema applied. No test talks to a server it did not start.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_schema.apply import apply_schema
from ringscope.db import Database, connect
from ringscope.neo4j_local import LocalNeo4j, LocalServerInfo, shared_lib_dir
from ringscope.pseudonym import PseudonymKey
from tests import graph_helpers

logger = logging.getLogger(__name__)

REPOSITORY = Path(__file__).resolve().parents[1]
SHARED_DATA = REPOSITORY.parent / "shared" / "data"


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServerInfo]:
    """Start one real Neo4j for the whole session and point RingScope's settings at it.

    ``lib_dir=shared_lib_dir()`` makes every home share the default home's jars, which are
    downloaded at most once per machine (under a file lock).
    """
    home = tmp_path_factory.mktemp("neo4j-home")
    # A small heap and page cache: the test graphs are small, and CI machines have other
    # work to do while the suite runs.
    server = LocalNeo4j(home=home, lib_dir=shared_lib_dir(), heap_mb=768, pagecache_mb=256)
    info = server.start(bolt_port=0, http_port=0)
    saved = {name: os.environ.get(name) for name in _SERVER_VARIABLES}
    os.environ["RINGSCOPE_NEO4J_URI"] = info.uri
    os.environ["RINGSCOPE_NEO4J_USER"] = info.user
    os.environ["RINGSCOPE_NEO4J_PASSWORD"] = info.password
    os.environ["RINGSCOPE_HOME"] = str(tmp_path_factory.mktemp("ringscope-home"))
    try:
        yield info
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        server.stop()


_SERVER_VARIABLES = (
    "RINGSCOPE_NEO4J_URI",
    "RINGSCOPE_NEO4J_USER",
    "RINGSCOPE_NEO4J_PASSWORD",
    "RINGSCOPE_HOME",
)


@pytest.fixture()
def db(neo4j_server: LocalServerInfo) -> Iterator[Database]:
    """An empty database with the current schema, on the session's server."""
    database = connect()
    graph_helpers.wipe(database)
    apply_schema(database)
    try:
        yield database
    finally:
        database.close()


@pytest.fixture()
def pseudonym_key(monkeypatch: pytest.MonkeyPatch) -> PseudonymKey:
    """A fresh key for this test only, also exported as RINGSCOPE_PSEUDONYM_KEY."""
    text = secrets.token_hex(32)
    monkeypatch.setenv("RINGSCOPE_PSEUDONYM_KEY", text)
    monkeypatch.delenv("RINGSCOPE_PSEUDONYM_KEY_FILE", raising=False)
    return PseudonymKey.from_text(text)


@pytest.fixture()
def shared_data() -> Path:
    """The shared sample data folder beside the repository (read-only)."""
    if not SHARED_DATA.is_dir():
        pytest.fail(f"shared data folder {SHARED_DATA} is missing; tests need it")
    return SHARED_DATA
