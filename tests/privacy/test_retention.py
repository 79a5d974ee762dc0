"""Retention against the real Neo4j: erasing calls older than a limit.

The oracle: the call facts after retention equal those of a fresh load of the same bills
with the old calls left out, compared per caller, callee and consent (first_at to the
minute, because call ids keep start minutes).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from ringscope.audit import iter_audit_events
from ringscope.cli import RingScopeGroup
from ringscope.cli.retention_commands import retention
from ringscope.db import Database
from ringscope.pseudonym import PseudonymKey, pseudonymize
from ringscope.retention import apply_retention, parse_retention_limit, retention_cutoff
from tests import graph_helpers
from tests.privacy import helpers
from tests.privacy.helpers import PERIOD_DAYS, PERIOD_START

NOW = datetime(2026, 12, 1, 12, 0, 30, tzinfo=UTC)
# Calls of the first half of the period are older than this limit.
LIMIT = NOW - (PERIOD_START + timedelta(days=PERIOD_DAYS // 2, seconds=17))
BATCHES = "MATCH (b:Batch) RETURN b.batch_id AS batch_id, b.status AS status"
RINGS = "MATCH (r:Ring) RETURN r.stale AS stale, r.stale_reason AS reason"


@pytest.fixture()
def population(tmp_path: Path) -> helpers.Population:
    return helpers.make_population(tmp_path / "bills", seed=23, owners=3, calls=200)


def test_apply_retention_equals_fresh_load_of_recent_calls(
    db: Database, pseudonym_key: PseudonymKey, population: helpers.Population, tmp_path: Path
) -> None:
    helpers.load_population(db, pseudonym_key, population, tmp_path)
    cutoff = retention_cutoff(NOW, LIMIT)

    report = apply_retention(db, limit=LIMIT, now=NOW, actor="test")
    after = helpers.call_facts(db)
    phones_after = graph_helpers.counts(db)["phones"]
    helpers.reset(db)
    helpers.write_bills(population, tmp_path / "recent", lambda call: call.start >= cutoff)
    helpers.load_population(db, pseudonym_key, population, tmp_path)
    fresh = helpers.call_facts(db)

    assert report.relationships_deleted > 0
    assert report.relationships_trimmed > 0
    assert after == fresh
    assert phones_after == graph_helpers.counts(db)["phones"]


def test_apply_retention_dry_run_counts_and_changes_nothing(
    db: Database, pseudonym_key: PseudonymKey, population: helpers.Population, tmp_path: Path
) -> None:
    helpers.load_population(db, pseudonym_key, population, tmp_path)
    before = graph_helpers.snapshot(db)

    planned = apply_retention(db, limit=LIMIT, now=NOW, actor="test", dry_run=True)
    unchanged = graph_helpers.snapshot(db)
    done = apply_retention(db, limit=LIMIT, now=NOW, actor="test")

    assert unchanged == before
    assert planned.audit_seq is None
    assert planned.relationships_deleted == done.relationships_deleted
    assert planned.relationships_trimmed == done.relationships_trimmed
    assert planned.call_records_deleted == done.call_records_deleted
    assert planned.phones_deleted == done.phones_deleted


def test_apply_retention_twice_changes_nothing(
    db: Database, pseudonym_key: PseudonymKey, population: helpers.Population, tmp_path: Path
) -> None:
    helpers.load_population(db, pseudonym_key, population, tmp_path)
    apply_retention(db, limit=LIMIT, now=NOW, actor="test")
    before = helpers.picture(db)

    again = apply_retention(db, limit=LIMIT, now=NOW, actor="test")

    assert again.call_records_deleted == 0
    assert helpers.picture(db) == before


def test_apply_retention_in_small_slices_same_graph(
    db: Database, pseudonym_key: PseudonymKey, population: helpers.Population, tmp_path: Path
) -> None:
    helpers.load_population(db, pseudonym_key, population, tmp_path)
    apply_retention(db, limit=LIMIT, now=NOW, actor="test")
    whole = helpers.picture(db)
    helpers.reset(db)
    helpers.load_population(db, pseudonym_key, population, tmp_path)

    apply_retention(db, limit=LIMIT, now=NOW, actor="test", slice_rows=2)

    assert helpers.picture(db) == whole


def test_apply_retention_all_old_tombstones(
    db: Database, pseudonym_key: PseudonymKey, population: helpers.Population, tmp_path: Path
) -> None:
    loaded = helpers.load_population(db, pseudonym_key, population, tmp_path)
    owner = pseudonymize(pseudonym_key, population.owners["P-0"])
    helpers.plant_ring(db, "run-old", [loaded[0].batch_id], [owner])

    report = apply_retention(db, limit=timedelta(days=1), now=NOW, actor="test")
    counts = graph_helpers.counts(db)
    events = list(iter_audit_events(db))

    assert report.batches_emptied == 3
    assert {row["status"] for row in db.read(BATCHES)} == {"erased"}
    assert counts["called"] == 0
    # Only the three owners' phones stay: the parties extract names them.
    assert counts["phones"] == 3
    assert report.rings_marked_stale == 1
    assert db.read(RINGS) == [{"stale": True, "reason": "retention"}]
    assert events[-1]["action"] == "retention.apply"


def test_apply_retention_default_policy_from_settings(
    db: Database,
    pseudonym_key: PseudonymKey,
    population: helpers.Population,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    helpers.load_population(db, pseudonym_key, population, tmp_path)
    monkeypatch.setenv("RINGSCOPE_RETENTION_MAX_AGE_DAYS", "3650")

    report = apply_retention(db, now=NOW, actor="test")

    assert report.max_age_days == 3650
    assert report.call_records_deleted == 0


@pytest.mark.parametrize(
    ("text", "days"), [("365d", 365), ("26w", 182), ("1y", 365), ("P90D", 90), (" 7D ", 7)]
)
def test_parse_retention_limit_accepts(text: str, days: int) -> None:
    assert parse_retention_limit(text) == timedelta(days=days)


@pytest.mark.parametrize("text", ["", "0d", "12", "3 months", "P1M", "-5d", "1.5y"])
def test_parse_retention_limit_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_retention_limit(text)


def test_retention_cutoff_rounds_down_to_minute() -> None:
    cutoff = retention_cutoff(datetime(2026, 12, 1, 12, 0, 59, tzinfo=UTC), timedelta(days=1))

    assert cutoff == datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def test_retention_cli_dry_run_and_bad_limit(
    db: Database,
    pseudonym_key: PseudonymKey,
    population: helpers.Population,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    helpers.load_population(db, pseudonym_key, population, tmp_path)
    monkeypatch.setenv("RINGSCOPE_LANG", "en")
    group = RingScopeGroup(commands={"retention": retention})
    runner = CliRunner()

    dry = runner.invoke(group, ["retention", "apply", "--older-than", "1d", "--dry-run", "--json"])
    table = runner.invoke(group, ["retention", "apply", "--older-than", "36500d"])
    bad = runner.invoke(group, ["retention", "apply", "--older-than", "soon"])

    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.output)["dry_run"] is True
    assert json.loads(dry.output)["relationships_deleted"] > 0
    assert "Erased the call facts" in table.output
    assert bad.exit_code == 2
    assert "365d" in bad.output


def test_retention_apply_cli_zh_output(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RINGSCOPE_LANG", "zh-CN")
    group = RingScopeGroup(commands={"retention": retention})

    result = CliRunner().invoke(group, ["retention", "apply", "--older-than", "30d"])

    assert result.exit_code == 0, result.output
    assert "已删除" in result.output
