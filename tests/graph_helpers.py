"""Cypher the tests use to reset and inspect the graph (never used by the product)."""

from __future__ import annotations

from typing import Any

from ringscope.db import Database

# Relationships first: DETACH DELETE of a dense node would delete all its relationships
# in one transaction and can exceed the server's transaction memory.
WIPE_RELATIONSHIPS = """
MATCH ()-[r]->()
CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS
"""

WIPE_NODES = """
MATCH (n)
CALL (n) { DELETE n } IN TRANSACTIONS OF 20000 ROWS
"""

ALL_PROPERTY_VALUES = """
MATCH (n)
RETURN labels(n) AS labels, properties(n) AS properties
UNION ALL
MATCH ()-[r]->()
RETURN [type(r)] AS labels, properties(r) AS properties
"""

COUNTS = """
CALL () { MATCH (n) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships }
CALL () { MATCH (p:Phone) RETURN count(p) AS phones }
CALL () { MATCH ()-[r:CALLED]->() RETURN count(r) AS called, coalesce(sum(r.calls), 0) AS calls,
          coalesce(sum(r.seconds), 0) AS seconds }
CALL () { MATCH (b:Batch) RETURN count(b) AS batches }
RETURN nodes, relationships, phones, called, calls, seconds, batches
"""

SNAPSHOT = """
MATCH (n)
OPTIONAL MATCH (n)-[r]->(m)
RETURN labels(n) AS labels, properties(n) AS node,
       collect([type(r), properties(r), labels(m), properties(m)]) AS out
"""


def wipe(db: Database) -> None:
    """Delete every node and relationship; keep constraints and indexes."""
    with db.driver.session(database=db.database) as session:
        session.run(WIPE_RELATIONSHIPS).consume()
        session.run(WIPE_NODES).consume()


def counts(db: Database) -> dict[str, Any]:
    return db.read(COUNTS)[0]


def all_property_values(db: Database) -> list[str]:
    """Every property value of every node and relationship, as strings."""
    values: list[str] = []
    for row in db.read(ALL_PROPERTY_VALUES):
        for value in row["properties"].values():
            if isinstance(value, list):
                values.extend(str(item) for item in value)
            else:
                values.append(str(value))
    return values


def snapshot(db: Database) -> list[str]:
    """A sorted text picture of the graph without timestamps, to compare two states."""
    lines = []
    for row in db.read(SNAPSHOT):
        node = {k: v for k, v in row["node"].items() if not k.endswith("_at")}
        out = sorted(
            repr(
                (t, {k: v for k, v in (p or {}).items() if not k.endswith("_at")}, labels, _key(mp))
            )
            for t, p, labels, mp in row["out"]
            if t is not None
        )
        lines.append(repr((sorted(row["labels"]), sorted(node.items()), out)))
    return sorted(lines)


def _key(properties: dict[str, Any] | None) -> str:
    if not properties:
        return ""
    for key in ("party_id", "phone_id", "loan_id", "consent_id", "batch_id", "ring_id", "run_id"):
        if key in properties:
            return f"{key}={properties[key]}"
    return repr(sorted(properties.items()))
