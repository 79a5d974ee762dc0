"""Schema migrations against the real server."""

from __future__ import annotations

from graph_schema.apply import apply_schema, get_schema_status, is_schema_current
from graph_schema.migrations import LATEST_VERSION, MIGRATIONS
from ringscope.db import Database

SHOW_CONSTRAINTS = "SHOW CONSTRAINTS YIELD name RETURN 'constraint:' + name AS item"
SHOW_INDEXES = "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN 'index:' + name AS item"


def _schema_items(db: Database) -> list[str]:
    rows = db.read(SHOW_CONSTRAINTS) + db.read(SHOW_INDEXES)
    return sorted(row["item"] for row in rows)


def test_schema_apply_twice_same_state(db: Database) -> None:
    first = _schema_items(db)

    applied_again = apply_schema(db)

    assert applied_again == []
    assert _schema_items(db) == first


def test_schema_status_lists_every_migration(db: Database) -> None:
    states = get_schema_status(db)

    assert [state.version for state in states] == [m.version for m in MIGRATIONS]
    assert all(state.is_applied for state in states)
    assert states[-1].version == LATEST_VERSION


def test_schema_constraints_cover_node_keys(db: Database) -> None:
    items = _schema_items(db)

    for name in (
        "party_party_id_unique",
        "phone_phone_id_unique",
        "loan_loan_id_unique",
        "consent_consent_id_unique",
        "batch_batch_id_unique",
        "ring_ring_id_unique",
    ):
        assert f"constraint:{name}" in items


def test_schema_current_after_apply(db: Database) -> None:
    assert is_schema_current(db)
