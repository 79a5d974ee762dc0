"""Detection, evaluation and every named query on the default generated data set.

The module loads the data set once into the session's real Neo4j: every extract and every
bill except one coached-group member's, runs detection, loads that last bill and runs
detection again. Tests then check the stored results against the generator's truth. Clear
numbers of the truth are only ever turned into pseudonyms; assertions compare counts or
pseudonyms, never print clear numbers.
"""

from __future__ import annotations

import csv
import json
import re
import secrets
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from graph_schema.apply import apply_schema
from loader.extracts import load_extract
from loader.normalize import normalize_number
from loader.pipeline import load_calls
from queries.evaluate import Evaluation, evaluate_detection
from queries.library import run_named_query
from queries.rings import DetectionResult, detect_rings, get_ring, list_rings
from ringscope.cli.evaluate_commands import evaluate
from ringscope.cli.load_commands import read_manifest
from ringscope.cli.query_commands import cypher, query
from ringscope.cli.rings_commands import rings
from ringscope.db import Database, connect
from ringscope.neo4j_local import LocalServerInfo
from ringscope.pseudonym import PseudonymKey, pseudonymize
from tests import graph_helpers

SHANGHAI = timezone(timedelta(hours=8))
SEED = 42


@dataclass
class Loaded:
    db: Database
    key: PseudonymKey
    key_text: str
    data: Path
    truth: dict[str, Any]
    first: DetectionResult
    second: DetectionResult
    held_back: str  # party whose bill was loaded between the two runs
    evaluation: Evaluation

    def pid(self, number: str) -> str:
        return pseudonymize(self.key, normalize_number(number).canonical)


@pytest.fixture(scope="module")
def loaded(
    neo4j_server: LocalServerInfo, generated: Path, truth: dict[str, Any]
) -> Iterator[Loaded]:
    key_text = secrets.token_hex(32)
    key = PseudonymKey.from_text(key_text)
    db = connect()
    graph_helpers.wipe(db)
    apply_schema(db)
    quarantine = generated.parent / "quarantine"
    for kind in ("parties", "contacts", "loans", "consents"):
        load_extract(kind, generated / f"{kind}.csv", db=db, key=key, quarantine_dir=quarantine)

    # Hold back the bill of one member of the largest coached group.
    coached = [ring for ring in truth["rings"] if ring["kind"] == "coached_group"]
    held_back = max(coached, key=lambda ring: len(ring["members"]))["members"][0]
    jobs = read_manifest(generated / "manifest.json")
    refused = {item["consent_id"] for item in truth["consents"]["expired"]} | {
        item["consent_id"] for item in truth["consents"]["revoked"]
    }
    later = []
    for job in jobs:
        if job.consent_id in refused:
            continue
        if job.owner_party == held_back:
            later.append(job)
            continue
        load_calls(
            job.path,
            db=db,
            key=key,
            owner_party=job.owner_party,
            consent_id=job.consent_id,
            quarantine_dir=quarantine,
        )
    first = detect_rings(db, seed=SEED)
    for job in later:
        load_calls(
            job.path,
            db=db,
            key=key,
            owner_party=job.owner_party,
            consent_id=job.consent_id,
            quarantine_dir=quarantine,
        )
    second = detect_rings(db, seed=SEED)
    evaluation = evaluate_detection(db, truth, key)
    try:
        yield Loaded(db, key, key_text, generated, truth, first, second, held_back, evaluation)
    finally:
        db.close()


def _risk_rings(result: DetectionResult) -> dict[str, set[str]]:
    return {ring.ring_id: set(ring.party_ids) for ring in result.risk_rings}


def _run(loaded: Loaded, name: str, **params: Any) -> list[dict[str, Any]]:
    result = run_named_query(loaded.db, name, params, actor="tester", purpose="test")
    return result.rows


# --- detection and evaluation ---------------------------------------------------------------


def test_evaluate_ring_recall_floor(loaded: Loaded) -> None:
    assert loaded.evaluation.ring_recall >= 0.9


def test_evaluate_ring_precision_floor(loaded: Loaded) -> None:
    assert loaded.evaluation.ring_precision >= 0.8


def test_evaluate_ring_ari_positive(loaded: Loaded) -> None:
    assert loaded.evaluation.ring_ari > 0.8


def test_evaluate_number_change_recall_floor(loaded: Loaded) -> None:
    assert loaded.evaluation.number_change_recall >= 0.9


def test_evaluate_number_change_precision_floor(loaded: Loaded) -> None:
    assert loaded.evaluation.number_change_precision >= 0.9


def test_detect_rings_ids_survive_new_batch(loaded: Loaded) -> None:
    assert set(_risk_rings(loaded.first)) == set(_risk_rings(loaded.second))


def test_detect_rings_new_batch_adds_its_party(loaded: Loaded) -> None:
    before = [ids for ids in _risk_rings(loaded.first).values() if loaded.held_back in ids]
    after = [ids for ids in _risk_rings(loaded.second).values() if loaded.held_back in ids]
    assert (len(before), len(after)) == (0, 1)


def test_detect_rings_same_seed_same_rings(loaded: Loaded) -> None:
    again = detect_rings(loaded.db, seed=SEED)
    assert _risk_rings(again) == _risk_rings(loaded.second)


def test_detect_rings_same_seed_same_partition(loaded: Loaded) -> None:
    again = detect_rings(loaded.db, seed=SEED)
    assert again.partition == loaded.second.partition


def test_detect_rings_every_ring_has_reasons(loaded: Loaded) -> None:
    without = [ring.ring_id for ring in loaded.second.risk_rings if not ring.reasons]
    assert without == []


def test_detect_rings_reports_call_communities(loaded: Loaded) -> None:
    sizes = Counter(loaded.second.partition.values())
    expected = sum(1 for size in sizes.values() if size >= 2)
    assert len(loaded.second.call_communities) == expected


def test_get_ring_details_parse(loaded: Loaded) -> None:
    ring_id = list_rings(loaded.db)[0]["ring_id"]
    ring = get_ring(loaded.db, ring_id)
    assert set(ring["reason_details"]) == set(ring["reasons"])


def test_detect_rings_circles_match_truth(loaded: Loaded) -> None:
    found = {frozenset(circle.parties) for circle in loaded.second.circles}
    expected = {
        frozenset(ring["members"])
        for ring in loaded.truth["rings"]
        if ring["kind"] == "guarantee_circle"
    }
    assert found == expected


# --- named queries against the truth ---------------------------------------------------------


def _coached(loaded: Loaded) -> list[dict[str, Any]]:
    return [ring for ring in loaded.truth["rings"] if ring["kind"] == "coached_group"]


def _circles(loaded: Loaded) -> list[dict[str, Any]]:
    return [ring for ring in loaded.truth["rings"] if ring["kind"] == "guarantee_circle"]


def test_query_shared_contacts_names_intermediary(loaded: Loaded) -> None:
    hits = 0
    for ring in _coached(loaded):
        rows = _run(
            loaded, "shared_contacts", party_a=ring["members"][0], party_b=ring["members"][1]
        )
        agents = {loaded.pid(number) for number in ring["intermediary_numbers"]}
        hits += bool(agents & {row["phone_id"] for row in rows})
    assert hits == len(_coached(loaded))


def test_query_candidate_intermediaries_finds_each_agent(loaded: Loaded) -> None:
    found = 0
    for ring in _coached(loaded):
        windows = ring["coaching_windows"]
        start = min(w["window_start"] for w in windows)
        end = max(w["window_end"] for w in windows) + "T23:59:59"
        rows = _run(loaded, "candidate_intermediaries", **{"from": start, "to": end})
        agents = {loaded.pid(number) for number in ring["intermediary_numbers"]}
        members = set(ring["members"])
        found += any(row["phone_id"] in agents and members <= set(row["party_ids"]) for row in rows)
    assert found == len(_coached(loaded))


def test_query_direct_calls_covers_circle_neighbours(loaded: Loaded) -> None:
    rows = _run(loaded, "direct_calls", limit=100000)
    pairs = {frozenset((row["party_a"], row["party_b"])) for row in rows}
    expected = {
        frozenset((item["guarantor"], item["borrower"]))
        for ring in _circles(loaded)
        for item in ring["guarantees"]
    }
    assert len(expected - pairs) == 0


def test_query_direct_calls_covers_defaulted_links(loaded: Loaded) -> None:
    rows = _run(loaded, "direct_calls", limit=100000)
    pairs = {frozenset((row["party_a"], row["party_b"])) for row in rows}
    expected = {
        frozenset((link["defaulted_party"], applicant))
        for link in loaded.truth["defaulted_links"]
        for applicant in link["linked_applicants"]
    }
    assert len(expected - pairs) == 0


def test_query_emergency_contact_links_defaulted_listing(loaded: Loaded) -> None:
    rows = _run(loaded, "emergency_contact_links", limit=100000)
    found = {
        (row["party_id"], row["other_party_id"])
        for row in rows
        if row["how"] == "lists_their_phone"
    }
    expected = {
        (link["defaulted_party"], applicant)
        for link in loaded.truth["defaulted_links"]
        for applicant in link["listed_as_emergency_contact"]
    }
    assert len(expected - found) == 0


def test_query_guarantee_circles_match_truth(loaded: Loaded) -> None:
    rows = _run(loaded, "guarantee_circles")
    found = {(frozenset(row["parties"]), frozenset(row["loans"])) for row in rows}
    expected = {
        (frozenset(ring["members"]), frozenset(ring["guarantee_loan_ids"]))
        for ring in _circles(loaded)
    }
    assert found == expected


def test_query_shortest_paths_guarantee_is_two_hops(loaded: Loaded) -> None:
    hops = []
    for ring in _circles(loaded):
        guarantee = ring["guarantees"][0]
        rows = _run(
            loaded, "shortest_paths", party_a=guarantee["guarantor"], party_b=guarantee["borrower"]
        )
        hops.append(rows[0]["hops"] if rows else None)
    assert hops == [2] * len(_circles(loaded))


def test_query_shortest_paths_ends_at_both_parties(loaded: Loaded) -> None:
    ring = _coached(loaded)[0]
    rows = _run(loaded, "shortest_paths", party_a=ring["members"][0], party_b=ring["members"][1])
    ends = {(row["nodes"][0], row["nodes"][-1]) for row in rows}
    assert ends == {(ring["members"][0], ring["members"][1])}


def test_query_neighbourhood_reaches_group_members(loaded: Loaded) -> None:
    missing = 0
    for ring in _coached(loaded):
        first, *others = ring["members"]
        rows = _run(loaded, "neighbourhood", party_id=first, hops=2)
        reached = {holder for row in rows for holder in row["holders"]}
        missing += len(set(others) - reached)
    assert missing == 0


def test_query_neighbourhood_one_hop_is_distance_one(loaded: Loaded) -> None:
    party = _coached(loaded)[0]["members"][0]
    rows = _run(loaded, "neighbourhood", party_id=party, hops=1)
    assert {row["distance"] for row in rows} == {1}


def test_query_defaulted_links_match_truth(loaded: Loaded) -> None:
    rows = _run(loaded, "defaulted_links", limit=100000)
    found = {(row["defaulted_party"], row["party_id"]) for row in rows if row["how"] == "calls"}
    expected = {
        (link["defaulted_party"], applicant)
        for link in loaded.truth["defaulted_links"]
        for applicant in link["linked_applicants"]
    }
    assert len(expected - found) == 0


def _ordinary_applicant(loaded: Loaded) -> tuple[str, str]:
    """An applicant with a valid consent whose number never changed and is not shared."""
    truth = loaded.truth
    special: set[str] = {p for ring in truth["rings"] for p in ring["members"]}
    special |= {c["party_id"] for c in truth["number_changes"]}
    special |= {p for item in truth["shared_phones"] for p in item["party_ids"]}
    special |= {c["party_id"] for group in truth["consents"].values() for c in group}
    with (loaded.data / "parties.csv").open(encoding="utf-8") as handle:
        parties = {row["party_id"]: row["phone"] for row in csv.DictReader(handle)}
    manifest = json.loads((loaded.data / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["batches"]:
        party = entry["owner_party"]
        if party not in special:
            return party, parties[party]
    raise AssertionError("no ordinary applicant in the data set")


def _edges_of(loaded: Loaded, number: str) -> dict[str, list[tuple[datetime, int]]]:
    """Calls of one clear number from edges.csv, by the pseudonym of the other end."""
    calls: dict[str, list[tuple[datetime, int]]] = {}
    with (loaded.data / "edges.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if number not in (row["caller"], row["callee"]):
                continue
            other = row["callee"] if row["caller"] == number else row["caller"]
            start = datetime.fromisoformat(row["start"]).replace(tzinfo=SHANGHAI)
            calls.setdefault(loaded.pid(other), []).append((start, int(row["duration_seconds"])))
    return calls


def test_query_night_call_profile_matches_edges(loaded: Loaded) -> None:
    party, number = _ordinary_applicant(loaded)
    calls = _edges_of(loaded, number)
    night = sum(1 for items in calls.values() for start, _ in items if not 6 <= start.hour < 22)
    rows = _run(loaded, "night_call_profile", party_id=party, limit=100000)
    assert (sum(r["calls"] for r in rows), sum(r["night_calls"] for r in rows)) == (
        sum(len(items) for items in calls.values()),
        night,
    )


def test_query_top_contacts_matches_edges(loaded: Loaded) -> None:
    party, number = _ordinary_applicant(loaded)
    calls = _edges_of(loaded, number)
    expected = sorted((len(items), sum(s for _, s in items)) for items in calls.values())
    rows = _run(loaded, "top_contacts", party_id=party, limit=100000)
    assert sorted((row["calls"], row["seconds"]) for row in rows) == expected


def test_query_top_contacts_ordered_by_intensity(loaded: Loaded) -> None:
    party, _ = _ordinary_applicant(loaded)
    rows = _run(loaded, "top_contacts", party_id=party, limit=100000)
    intensities = [row["intensity"] for row in rows]
    assert intensities == sorted(intensities, reverse=True)


def test_query_number_changes_match_truth(loaded: Loaded) -> None:
    rows = _run(loaded, "number_changes", limit=100000)
    found = {(row["old_phone_id"], row["new_phone_id"]) for row in rows}
    expected = {
        (loaded.pid(c["old_number"]), loaded.pid(c["new_number"]))
        for c in loaded.truth["number_changes"]
    }
    assert len(found & expected) >= 0.9 * len(expected)


def test_query_number_changes_for_party(loaded: Loaded) -> None:
    change = loaded.truth["number_changes"][0]
    rows = _run(loaded, "number_changes", party_id=change["party_id"])
    assert {row["new_phone_id"] for row in rows} == {loaded.pid(change["new_number"])}


def test_query_run_appends_audit_event(loaded: Loaded) -> None:
    result = run_named_query(
        loaded.db, "guarantee_circles", {}, actor="tester", purpose="audit check"
    )
    events = list(
        loaded.db.read(
            "MATCH (e:AuditEvent {seq: $seq}) RETURN e.action AS action, e.actor AS actor, "
            "e.purpose AS purpose, e.target AS target",
            seq=result.audit_seq,
        )
    )
    assert events == [
        {
            "action": "query.run",
            "actor": "tester",
            "purpose": "audit check",
            "target": "guarantee_circles",
        }
    ]


# --- the command line ------------------------------------------------------------------------


def _invoke(loaded: Loaded, command: Any, args: list[str], language: str = "en") -> Any:
    env = {
        "RINGSCOPE_LANG": language,
        "RINGSCOPE_PSEUDONYM_KEY": loaded.key_text,
        "RINGSCOPE_ACTOR": "cli-tester",
    }
    return CliRunner().invoke(command, args, env=env, catch_exceptions=False)


def test_cli_evaluate_json_keys(loaded: Loaded) -> None:
    result = _invoke(loaded, evaluate, ["--truth", str(loaded.data / "truth.json"), "--json"])
    keys = set(json.loads(result.output))
    assert {
        "ring_precision",
        "ring_recall",
        "ring_ari",
        "number_change_precision",
        "number_change_recall",
    } <= keys


def test_cli_evaluate_table_in_chinese(loaded: Loaded) -> None:
    result = _invoke(loaded, evaluate, ["--truth", str(loaded.data / "truth.json")], "zh-CN")
    assert "团伙召回率" in result.output


def test_cli_rings_list_shows_every_ring(loaded: Loaded) -> None:
    result = _invoke(loaded, rings, ["list", "--json"])
    assert len(json.loads(result.output)) == len(list_rings(loaded.db))


def test_cli_rings_show_renders_reasons(loaded: Loaded) -> None:
    ring = list_rings(loaded.db)[0]
    result = _invoke(loaded, rings, ["show", ring["ring_id"]])
    bullet_lines = [line for line in result.output.splitlines() if line.startswith("  - ")]
    assert len(bullet_lines) == len(ring["reasons"])


def test_cli_rings_show_unknown_ring_exits_1(loaded: Loaded) -> None:
    result = _invoke(loaded, rings, ["show", "R-nope"])
    assert result.exit_code == 1


def test_cli_query_run_csv_header(loaded: Loaded) -> None:
    result = _invoke(loaded, query, ["run", "guarantee_circles", "--format", "csv"])
    assert result.output.splitlines()[0] == "length,parties,loans"


def test_cli_query_run_bad_param_exits_1(loaded: Loaded) -> None:
    result = _invoke(loaded, query, ["run", "top_contacts", "--param", "limit=many"])
    assert result.exit_code == 1


def test_cli_cypher_write_refused_message(loaded: Loaded) -> None:
    result = _invoke(loaded, cypher, ["MATCH (p:Party) SET p.flag = true RETURN count(p)"])
    assert "read-only" in result.output


def test_cli_cypher_write_changes_nothing(loaded: Loaded) -> None:
    _invoke(loaded, cypher, ["MATCH (p:Party) SET p.flag = true RETURN count(p)"])
    flagged = loaded.db.read("MATCH (p:Party) WHERE p.flag IS NOT NULL RETURN count(p) AS n")
    assert flagged[0]["n"] == 0


def test_cli_outputs_contain_no_clear_numbers(loaded: Loaded) -> None:
    party, _ = _ordinary_applicant(loaded)
    outputs = [
        _invoke(
            loaded, query, ["run", name, "--param", f"party_id={party}", "--format", "json"]
        ).output
        for name in ("top_contacts", "night_call_profile", "neighbourhood")
    ]
    outputs.append(_invoke(loaded, rings, ["show", list_rings(loaded.db)[0]["ring_id"]]).output)
    text = "\n".join(outputs)
    with (loaded.data / "edges.csv").open(encoding="utf-8") as handle:
        numbers = {n for row in csv.DictReader(handle) for n in (row["caller"], row["callee"])}
    leaked = sum(1 for n in numbers if len(n) >= 7 and re.search(rf"(?<!\d){n}(?!\d)", text))
    assert leaked == 0
