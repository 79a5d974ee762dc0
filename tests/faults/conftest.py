"""Leave the session's database empty after each test that used it.

The ``db`` fixture empties the database before a test, but some later tests (the demo's)
run on the session server without it and refuse to load next to data made with another
pseudonymisation key. Tests here therefore clean up after themselves too.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph_schema.apply import apply_schema
from ringscope.db import connect
from tests import graph_helpers


@pytest.fixture(autouse=True)
def _empty_database_afterwards(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "db" not in request.fixturenames:
        return
    with connect() as database:
        graph_helpers.wipe(database)
        apply_schema(database)
