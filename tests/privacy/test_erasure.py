"""Consent revocation with erasure, against the real Neo4j.

The main proof: after revoking a consent, the graph's picture equals a fresh load of the
batches that remain (tests/privacy/helpers.picture leaves out history such as the audit
trail and the tombstones of erased batches).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph_schema import erasure as erasure_statements
from queries.rings import detect_rings, get_valid_consents
from queries.statements import PAIR_TOTALS
from ringscope.audit import iter_audit_events, verify_audit_trail
from ringscope.cli import RingScopeGroup
from ringscope.cli.consent_commands import consent
from ringscope.db import Database
from ringscope.erasure import revoke_consent
from ringscope.errors import ConsentError, NotFoundError
from ringscope.pseudonym import PseudonymKey, pseudonymize
from tests.privacy import helpers
from tests.privacy.helpers import LOAD_TIME

REVOKE_TIME = LOAD_TIME.replace(day=2)
GRAPH_FACTS = """
MATCH (b:Batch) RETURN b.batch_id AS batch_id, b.status AS status,
       b.total_seconds AS total_seconds, b.file_sha256 AS file_sha256
"""
RINGS = "MATCH (r:Ring) RETURN r.ring_id AS ring_id, r.stale AS stale, r.stale_reason AS reason"


def _pair_calls(db: Database, key: PseudonymKey, first: str, second: str) -> int:
    ends = {pseudonymize(key, first), pseudonymize(key, second)}
    rows = db.read(PAIR_TOTALS, valid_consents=get_valid_consents(db, LOAD_TIME))
    return sum(row["calls"] for row in rows if {row["caller"], row["callee"]} == ends)


@pytest.fixture()
def population(tmp_path: Path) -> helpers.Population:
    return helpers.make_population(tmp_path / "bills", seed=11, owners=3, calls=150)


def test_revoke_consent_graph_equals_fresh_load_of_remaining(
    db: Database, pseudonym_key: PseudonymKey, population: helpers.Population, tmp_path: Path
) -> None:
    helpers.load_population(db, pseudonym_key, population, tmp_path)
    detect_rings(db, at=LOAD_TIME)

    report = revoke_consent(db, "C-P-1", reason="customer request", actor="test", at=REVOKE_TIME)
    after = helpers.picture(db)
    helpers.reset(db)
    helpers.load_population(
        db, pseudonym_key, population, tmp_path, parties=["P-0", "P-2"], revoked=("P-1",)
    )
    fresh = helpers.picture(db)

    assert report.relationships_deleted > 0
    assert after == fresh


def test_revoke_consent_keeps_calls_other_consent_supports(
    db: Database, pseudonym_key: PseudonymKey, population: helpers.Population, tmp_path: Path
) -> None:
    helpers.load_population(db, pseudonym_key, population, tmp_path)
    owner_0, owner_1 = population.owners["P-0"], population.owners["P-1"]
    owners = set(population.owners.values())
    calls_1 = [call for call in population.calls if owner_1 in (call.caller, call.callee)]
    # A call between two owners is in both owners' bills, so another consent supports it.
    shared = sum(1 for call in calls_1 if {call.caller, call.callee} <= owners)
    only_1 = len(calls_1) - shared
    with_0 = sum(1 for call in calls_1 if owner_0 in (call.caller, call.callee))

    report = revoke_consent(db, "C-P-1", reason="customer request", actor="test", at=REVOKE_TIME)

    assert shared > 0
    assert report.calls_kept == shared
    assert report.calls_erased == only_1
    assert _pair_calls(db, pseudonym_key, owner_0, owner_1) == with_0


def test_revoke_consent_marks_rings_stale_until_next_detection(
    db: Database, pseudonym_key: PseudonymKey, population: helpers.Population, tmp_path: Path
) -> None:
    loaded = helpers.load_population(db, pseudonym_key, population, tmp_path)
    owners = [pseudonymize(pseudonym_key, number) for number in population.owners.values()]
    helpers.plant_ring(db, "run-old", [report.batch_id for report in loaded], owners[:2])
    helpers.plant_ring(db, "run-other", [loaded[0].batch_id], owners[1:])

    report = revoke_consent(db, "C-P-1", reason="customer request", actor="test", at=REVOKE_TIME)
    stale = {row["ring_id"]: row for row in db.read(RINGS)}
    detect_rings(db, at=REVOKE_TIME)
    redetected = db.read(RINGS)

    assert report.rings_marked_stale == 1
    assert stale["run-old-ring"]["stale"]
    assert stale["run-old-ring"]["reason"] == "consent_revoked"
    assert not stale["run-other-ring"]["stale"]
    assert not any(row["stale"] for row in redetected)


def test_revoke_consent_leaves_tombstone_batches(
    db: Database, pseudonym_key: PseudonymKey, population: helpers.Population, tmp_path: Path
) -> None:
    loaded = helpers.load_population(db, pseudonym_key, population, tmp_path)

    report = revoke_consent(db, "C-P-1", reason="customer request", actor="test", at=REVOKE_TIME)
    batches = {row["batch_id"]: row for row in db.read(GRAPH_FACTS)}

    erased = batches[loaded[1].batch_id]
    assert report.batch_ids == [loaded[1].batch_id]
    assert erased["status"] == "erased"
    assert erased["total_seconds"] is None
    assert erased["file_sha256"] is not None
    assert batches[loaded[0].batch_id]["status"] == "complete"


def test_revoke_consent_records_redacted_audit_event(
    db: Database, pseudonym_key: PseudonymKey, population: helpers.Population, tmp_path: Path
) -> None:
    helpers.load_population(db, pseudonym_key, population, tmp_path)
    number = population.owners["P-1"]

    report = revoke_consent(
        db, "C-P-1", reason=f"called from {number}", actor="test", at=REVOKE_TIME
    )
    events = list(iter_audit_events(db))
    _, problems = verify_audit_trail(db)
    details = json.loads(events[-1]["details"])

    assert events[-1]["seq"] == report.audit_seq
    assert events[-1]["action"] == "consent.revoke"
    assert events[-1]["consent_id"] == "C-P-1"
    assert details["relationships_deleted"] == report.relationships_deleted
    assert number not in events[-1]["details"]
    assert problems == []


def test_revoke_consent_twice_changes_nothing(
    db: Database, pseudonym_key: PseudonymKey, population: helpers.Population, tmp_path: Path
) -> None:
    helpers.load_population(db, pseudonym_key, population, tmp_path)
    revoke_consent(db, "C-P-1", reason="customer request", actor="test", at=REVOKE_TIME)
    before = helpers.picture(db)

    again = revoke_consent(db, "C-P-1", reason="customer request", actor="test")

    assert again.already_revoked
    assert again.relationships_deleted == 0
    assert helpers.picture(db) == before


def test_revoke_consent_repeat_finishes_interrupted_erasure(
    db: Database, pseudonym_key: PseudonymKey, tmp_path: Path
) -> None:
    # Many peers, so that some are called by the revoked owner only.
    population = helpers.make_population(tmp_path / "bills", seed=13, calls=150, peers=80)
    helpers.load_population(db, pseudonym_key, population, tmp_path)
    revoke_consent(db, "C-P-1", reason="r", actor="test", at=REVOKE_TIME)
    finished = helpers.picture(db)
    helpers.reset(db)
    helpers.load_population(db, pseudonym_key, population, tmp_path)
    # An erasure that stopped after its first two steps: revoked, call facts deleted.
    db.write(erasure_statements.REVOKE_CONSENT, consent_id="C-P-1", at=REVOKE_TIME.isoformat())
    db.write(erasure_statements.DELETE_CONSENT_CALLS_SLICE, consent_id="C-P-1", limit=10**6)

    report = revoke_consent(db, "C-P-1", reason="r", actor="test")

    assert report.already_revoked
    assert report.phones_deleted > 0
    assert helpers.picture(db) == finished


def test_revoke_consent_in_small_slices_same_graph(
    db: Database, pseudonym_key: PseudonymKey, population: helpers.Population, tmp_path: Path
) -> None:
    helpers.load_population(db, pseudonym_key, population, tmp_path)
    revoke_consent(db, "C-P-1", reason="r", actor="test", at=REVOKE_TIME)
    whole = helpers.picture(db)
    helpers.reset(db)
    helpers.load_population(db, pseudonym_key, population, tmp_path)

    report = revoke_consent(db, "C-P-1", reason="r", actor="test", at=REVOKE_TIME, slice_rows=3)

    assert report.relationships_deleted > 3
    assert helpers.picture(db) == whole


def test_revoke_consent_unknown_raises_not_found(db: Database) -> None:
    with pytest.raises(NotFoundError) as caught:
        revoke_consent(db, "C-NONE", reason="r", actor="test")

    assert "C-NONE" in caught.value.render("en")


def test_revoke_consent_then_load_refused(
    db: Database, pseudonym_key: PseudonymKey, population: helpers.Population, tmp_path: Path
) -> None:
    helpers.load_population(db, pseudonym_key, population, tmp_path, parties=["P-0"])
    revoke_consent(db, "C-P-1", reason="r", actor="test", at=REVOKE_TIME)

    with pytest.raises(ConsentError) as caught:
        helpers.load_population(
            db, pseudonym_key, population, tmp_path, parties=["P-1"], now=REVOKE_TIME
        )

    assert caught.value.code == "consent_revoked"


@pytest.mark.parametrize(("language", "word"), [("en", "erased"), ("zh-CN", "删除")])
def test_consent_revoke_cli_prints_report(
    db: Database,
    pseudonym_key: PseudonymKey,
    population: helpers.Population,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    word: str,
) -> None:
    helpers.load_population(db, pseudonym_key, population, tmp_path)
    monkeypatch.setenv("RINGSCOPE_LANG", language)
    group = RingScopeGroup(commands={"consent": consent})

    result = CliRunner().invoke(group, ["consent", "revoke", "C-P-2", "--reason", "withdrawn"])

    assert result.exit_code == 0, result.output
    assert word in result.output
    assert "C-P-2" in result.output


def test_consent_revoke_cli_json_and_unknown(
    db: Database, pseudonym_key: PseudonymKey, population: helpers.Population, tmp_path: Path
) -> None:
    helpers.load_population(db, pseudonym_key, population, tmp_path)
    group = RingScopeGroup(commands={"consent": consent})

    result = CliRunner().invoke(group, ["consent", "revoke", "C-P-2", "--reason", "x", "--json"])
    unknown = CliRunner().invoke(group, ["consent", "revoke", "C-NONE", "--reason", "x"])

    assert json.loads(result.output)["consent_id"] == "C-P-2"
    assert unknown.exit_code == 1
    assert "C-NONE" in unknown.output
