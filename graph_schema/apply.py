"""Apply pending migrations and report which are applied."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from graph_schema.migrations import APPLIED_MIGRATIONS, MIGRATIONS, RECORD_MIGRATION
from ringscope.db import Database
from ringscope.errors import SchemaError

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class MigrationState:
    version: int
    description: str
    applied_at: str | None

    @property
    def is_applied(self) -> bool:
        return self.applied_at is not None


def get_schema_status(db: Database) -> list[MigrationState]:
    """Return every known migration with its applied time, or None when pending.

    Raises:
        SchemaError: an applied migration's checksum differs from the code's.
    """
    applied = {row["version"]: row for row in db.read(APPLIED_MIGRATIONS)}
    states = []
    for migration in MIGRATIONS:
        row = applied.get(migration.version)
        if row is not None and row["checksum"] != migration.checksum:
            raise SchemaError("schema.checksum_mismatch", version=migration.version)
        states.append(
            MigrationState(
                version=migration.version,
                description=migration.description,
                applied_at=row["applied_at"] if row else None,
            )
        )
    return states


def apply_schema(db: Database) -> list[int]:
    """Apply every pending migration in order; safe to repeat. Return the versions applied."""
    pending = [state.version for state in get_schema_status(db) if not state.is_applied]
    by_version = {migration.version: migration for migration in MIGRATIONS}

    for version in pending:
        migration = by_version[version]
        # Schema statements cannot share a transaction with data writes, so each runs
        # alone; they are IF NOT EXISTS, so a crash between them is repaired by a rerun.
        for statement in migration.statements:
            db.write(statement)
        db.write(
            RECORD_MIGRATION,
            version=migration.version,
            description=migration.description,
            checksum=migration.checksum,
        )
        logger.info("schema migration applied version=%d", version)

    db.write("CALL db.awaitIndexes(300)")
    return pending


def is_schema_current(db: Database) -> bool:
    """Return whether every migration is applied."""
    return all(state.is_applied for state in get_schema_status(db))
