"""One place that opens the Neo4j driver and runs transactions.

Writes run as managed write transactions, reads that serve investigators as managed
READ transactions (so a query cannot write), and every call passes the database name.
Driver errors that mean "the server is not there" become :class:`Neo4jUnavailableError`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, TypeVar

import neo4j
from neo4j import GraphDatabase, ManagedTransaction
from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired

import ringscope.messages  # noqa: F401  (registers the messages raised here)
from ringscope.errors import Neo4jUnavailableError
from ringscope.settings import Neo4jSettings

logger = logging.getLogger(__name__)

T = TypeVar("T")
Record = dict[str, Any]


class Database:
    """A driver bound to one database name."""

    def __init__(self, driver: neo4j.Driver, database: str, uri: str) -> None:
        self.driver = driver
        self.database = database
        self.uri = uri

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def write(self, query: str, **params: Any) -> list[Record]:
        """Run one statement in a managed write transaction and return its records."""
        return self.execute_write(lambda tx: _run(tx, query, params))

    def read(self, query: str, **params: Any) -> list[Record]:
        """Run one statement in a managed READ transaction and return its records."""
        return self.execute_read(lambda tx: _run(tx, query, params))

    def execute_write(self, work: Callable[[ManagedTransaction], T]) -> T:
        """Run ``work`` in a managed write transaction, retried by the driver."""
        with self._session(neo4j.WRITE_ACCESS) as session:
            return session.execute_write(work)

    def execute_read(self, work: Callable[[ManagedTransaction], T]) -> T:
        """Run ``work`` in a managed READ transaction, retried by the driver."""
        with self._session(neo4j.READ_ACCESS) as session:
            return session.execute_read(work)

    @contextmanager
    def _session(self, access_mode: str) -> Iterator[neo4j.Session]:
        try:
            with self.driver.session(database=self.database, default_access_mode=access_mode) as s:
                yield s
        except (ServiceUnavailable, SessionExpired) as err:
            logger.warning("neo4j unavailable uri=%s error=%s", self.uri, type(err).__name__)
            raise Neo4jUnavailableError("db.unavailable", uri=self.uri) from err
        except AuthError as err:
            raise Neo4jUnavailableError("db.auth_failed", uri=self.uri) from err


def to_fixed_offset(value: datetime) -> datetime:
    """Return ``value`` with a ``datetime.timezone`` of the same offset, for the driver.

    The driver calls ``tzinfo.utcoffset`` with its own DateTime type, and CPython's
    ``zoneinfo.ZoneInfo`` crashes the interpreter on such an argument (CPython issue 125318,
    seen with Python 3.11.7 and neo4j 6.4), so no ZoneInfo datetime may reach a query.
    """
    offset = value.utcoffset()
    if offset is None:
        raise ValueError("naive datetime passed to Neo4j; attach a time zone first")
    return value.astimezone(timezone(offset))


def _run(tx: ManagedTransaction, query: str, params: Mapping[str, Any]) -> list[Record]:
    # Statements are module constants built from graph_schema names, never from input.
    result = tx.run(query, dict(params))
    return [record.data() for record in result]


def connect(settings: Neo4jSettings | None = None, *, verify: bool = True) -> Database:
    """Open the configured server, or the running local one, and check that it accepts connections.

    Raises:
        Neo4jUnavailableError: the server is unreachable or rejects the credentials.
        LocalNeo4jError / ConfigurationError: no server is configured or running.
    """
    from ringscope.neo4j_local import resolve_connection

    info = resolve_connection(settings)
    timeouts = settings or Neo4jSettings()
    driver = GraphDatabase.driver(
        info.uri,
        auth=(info.user, info.password),
        connection_timeout=timeouts.connect_timeout_seconds,
        connection_acquisition_timeout=timeouts.connect_timeout_seconds * 2,
        # A request that finds Neo4j down should fail within seconds (the API returns 503),
        # not retry for the driver's default 30 s.
        max_transaction_retry_time=timeouts.transaction_retry_seconds,
        # Server notifications (deprecations, cartesian products) are not acted on here.
        notifications_min_severity="OFF",
    )
    database = Database(driver, info.database, info.uri)
    if verify:
        try:
            driver.verify_connectivity()
        except (ServiceUnavailable, SessionExpired, OSError) as err:
            driver.close()
            raise Neo4jUnavailableError("db.unavailable", uri=info.uri) from err
        except AuthError as err:
            driver.close()
            raise Neo4jUnavailableError("db.auth_failed", uri=info.uri) from err
    logger.info("connected uri=%s database=%s", info.uri, info.database)
    return database
