"""Ad-hoc Cypher runs read-only: a write is refused with a clear message, and audited."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from queries.library import run_cypher
from ringscope.cli.query_commands import cypher
from ringscope.db import Database
from ringscope.errors import QueryError
from tests import graph_helpers

WRITE = "CREATE (n:Intruder {name: 'x'}) RETURN n"


def test_run_cypher_write_raises_query_error(db: Database) -> None:
    with pytest.raises(QueryError) as caught:
        run_cypher(db, WRITE, actor="tester", purpose="test")
    assert caught.value.message_key == "query.write_refused"


def test_run_cypher_write_leaves_no_node(db: Database) -> None:
    with pytest.raises(QueryError):
        run_cypher(db, WRITE, actor="tester", purpose="test")
    assert db.read("MATCH (n:Intruder) RETURN count(n) AS n")[0]["n"] == 0


def test_run_cypher_schema_change_refused(db: Database) -> None:
    with pytest.raises(QueryError) as caught:
        run_cypher(db, "CREATE INDEX x IF NOT EXISTS FOR (n:X) ON (n.y)", actor="t", purpose="t")
    assert caught.value.message_key == "query.write_refused"


def test_run_cypher_refusal_is_audited(db: Database) -> None:
    with pytest.raises(QueryError):
        run_cypher(db, WRITE, actor="tester", purpose="test")
    events = db.read(
        "MATCH (e:AuditEvent) RETURN e.action AS action, e.outcome AS outcome, e.actor AS actor"
    )
    assert events == [{"action": "cypher.run", "outcome": "query_invalid", "actor": "tester"}]


def test_run_cypher_read_returns_rows(db: Database) -> None:
    result = run_cypher(db, "RETURN toInteger($n) + 1 AS m", {"n": "41"}, actor="t", purpose="t")
    assert result.rows == [{"m": 42}]


def test_run_cypher_syntax_error_message_key(db: Database) -> None:
    with pytest.raises(QueryError) as caught:
        run_cypher(db, "RETURN 1 +", actor="t", purpose="t")
    assert caught.value.message_key == "query.cypher_invalid"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "read-only transactions"), ("zh-CN", "只读事务")],
)
def test_cli_cypher_write_refused_localised(db: Database, language: str, expected: str) -> None:
    result = CliRunner().invoke(cypher, [WRITE], env={"RINGSCOPE_LANG": language})
    assert expected in result.output


def test_cli_cypher_write_exit_code(db: Database) -> None:
    result = CliRunner().invoke(cypher, [WRITE], env={"RINGSCOPE_LANG": "en"})
    assert result.exit_code == 1


def test_cli_cypher_write_keeps_graph(db: Database) -> None:
    before = graph_helpers.snapshot(db)
    CliRunner().invoke(cypher, ["MATCH (n) DETACH DELETE n"], env={"RINGSCOPE_LANG": "en"})
    after = [line for line in graph_helpers.snapshot(db) if "Audit" not in line]
    assert after == [line for line in before if "Audit" not in line]
