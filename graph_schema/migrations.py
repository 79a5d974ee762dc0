"""Versioned schema migrations: uniqueness constraints and the indexes the queries use.

Each migration is a version number, a description and Cypher statements that are safe to
run again (``IF NOT EXISTS``). Applied versions are recorded as ``SchemaMigration`` nodes,
so ``ringscope schema status`` can tell what is pending. Never edit an applied migration;
add a new one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from graph_schema import model


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]

    @property
    def checksum(self) -> str:
        """SHA-256 of the statements, stored so a changed migration is detected."""
        return hashlib.sha256("\n".join(self.statements).encode("utf-8")).hexdigest()


def _unique(label: str, key: str) -> str:
    name = f"{label.lower()}_{key}_unique"
    return f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{label}) REQUIRE n.{key} IS UNIQUE"


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        version=1,
        description="uniqueness constraints on node keys",
        # Spelled out, not derived from model.NODE_KEYS, so that adding a key to the model
        # cannot silently change an applied migration; a new key needs a new migration.
        statements=(
            _unique(model.PARTY, "party_id"),
            _unique(model.PHONE, "phone_id"),
            _unique(model.LOAN, "loan_id"),
            _unique(model.CONSENT, "consent_id"),
            _unique(model.BATCH, "batch_id"),
            _unique(model.RING, "ring_id"),
            _unique(model.DETECTION_RUN, "run_id"),
            _unique(model.NUMBER_CHANGE, "change_id"),
            _unique(model.AUDIT_EVENT, "seq"),
            _unique(model.SCHEMA_MIGRATION, "version"),
            _unique(model.API_KEY, "key_hash"),
        ),
    ),
    Migration(
        version=2,
        description="indexes for provenance, erasure and investigator queries",
        statements=(
            f"CREATE INDEX called_batch_id IF NOT EXISTS "
            f"FOR ()-[r:{model.CALLED}]-() ON (r.batch_id)",
            f"CREATE INDEX called_consent_id IF NOT EXISTS "
            f"FOR ()-[r:{model.CALLED}]-() ON (r.consent_id)",
            f"CREATE INDEX phone_kind IF NOT EXISTS FOR (n:{model.PHONE}) ON (n.kind)",
            f"CREATE INDEX loan_status IF NOT EXISTS FOR (n:{model.LOAN}) ON (n.status)",
            f"CREATE INDEX consent_party IF NOT EXISTS FOR (n:{model.CONSENT}) ON (n.party_id)",
            f"CREATE INDEX batch_consent IF NOT EXISTS FOR (n:{model.BATCH}) ON (n.consent_id)",
            f"CREATE INDEX ring_run IF NOT EXISTS FOR (n:{model.RING}) ON (n.run_id)",
        ),
    ),
)

LATEST_VERSION = MIGRATIONS[-1].version

RECORD_MIGRATION = f"""
MERGE (m:{model.SCHEMA_MIGRATION} {{version: $version}})
ON CREATE SET m.description = $description, m.checksum = $checksum,
              m.applied_at = datetime()
RETURN m.checksum AS checksum
"""

APPLIED_MIGRATIONS = f"""
MATCH (m:{model.SCHEMA_MIGRATION})
RETURN m.version AS version, m.description AS description, m.checksum AS checksum,
       toString(m.applied_at) AS applied_at
ORDER BY version
"""
