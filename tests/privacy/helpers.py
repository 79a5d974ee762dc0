"""Bills, extracts and graph pictures shared by the privacy, fault and fuzz tests.

Bills are written in the China Unicom monthly layout, which states no owner number, so the
owner's phone comes from the parties extract as in production. Numbers are random but
seeded; tests never print them.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from graph_schema.apply import apply_schema
from loader.extracts import load_extract
from loader.pipeline import BatchReport, load_calls
from ringscope.db import Database
from ringscope.pseudonym import PseudonymKey
from tests import graph_helpers

UNICOM_HEADER = (
    "序号,业务类型,通话起始时间,通话时长,呼叫类型,对方号码,通话地点,通话类型,通话费,其他费,小计"
)
CONSENTS_HEADER = (
    "consent_id,party_id,scope,purpose,granted_at,expires_at,revoked_at,document_sha256"
)
SHANGHAI = timezone(timedelta(hours=8))
LOAD_TIME = datetime(2026, 11, 1, tzinfo=UTC)
PERIOD_START = datetime(2026, 7, 1, tzinfo=SHANGHAI)
PERIOD_DAYS = 120

# Labels and relationship types that record what happened to the graph rather than what
# the loaded files say; a fresh load has none of them.
HISTORY_LABELS = frozenset({"AuditEvent", "AuditHead", "Ring", "DetectionRun", "ApiKey"})
HISTORY_TYPES = frozenset({"MEMBER_OF", "FOUND_BY"})
# Properties that ring detection writes onto phones: its output, replaced by each run.
HISTORY_PROPERTIES = frozenset({"community", "community_run"})

_NODES = """
MATCH (n)
RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS properties
"""
_RELATIONSHIPS = """
MATCH (a)-[r]->(b)
RETURN elementId(a) AS start, type(r) AS type, properties(r) AS properties,
       elementId(b) AS end
"""
# A detection run that read ``$batch_ids`` with one ring of ``$phone_ids``, as
# queries.rings writes them; planted directly so that these tests do not depend on what
# the detector finds in small random graphs.
_PLANT_RING = """
CREATE (d:DetectionRun {run_id: $run_id, batches: $batch_ids, valid_consents: []})
CREATE (r:Ring {ring_id: $run_id + '-ring', run_id: $run_id, stale: false, size: 2})
CREATE (r)-[:FOUND_BY]->(d)
WITH r
UNWIND $phone_ids AS phone_id
MATCH (ph:Phone {phone_id: phone_id})
CREATE (ph)-[:MEMBER_OF]->(r)
"""
_CALL_FACTS = """
MATCH (a:Phone)-[r:CALLED]->(b:Phone)
RETURN a.phone_id AS caller, b.phone_id AS callee, r.consent_id AS consent_id,
       r.call_ids AS call_ids, r.calls AS calls, r.seconds AS seconds,
       r.night_calls AS night_calls, r.first_at AS first_at, r.last_at AS last_at
"""


@dataclass(frozen=True, slots=True, repr=False)
class Call:
    start: datetime
    seconds: int
    caller: str
    callee: str


@dataclass(slots=True, repr=False)
class Population:
    """Owners (party id -> number), their calls, and the files written for them.

    ``repr`` shows counts only, so that a failing test never prints a number.
    """

    owners: dict[str, str]
    calls: list[Call]
    folder: Path
    bills: dict[str, Path] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"Population(owners={len(self.owners)}, calls={len(self.calls)})"

    def numbers(self) -> set[str]:
        found = set(self.owners.values())
        for call in self.calls:
            found.update((call.caller, call.callee))
        return found


def random_mobile(rng: random.Random) -> str:
    return "1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9))


def make_population(
    folder: Path, *, seed: int, owners: int = 3, calls: int = 120, peers: int = 12
) -> Population:
    """Owners P-0.. with random peers; a third of the calls are between two owners."""
    rng = random.Random(seed)
    owner_numbers = {f"P-{index}": random_mobile(rng) for index in range(owners)}
    peer_numbers = [random_mobile(rng) for _ in range(peers)]
    result: list[Call] = []
    used: set[tuple[str, datetime]] = set()
    numbers = list(owner_numbers.values())
    while len(result) < calls:
        start = PERIOD_START + timedelta(
            days=rng.randrange(PERIOD_DAYS),
            hours=rng.randrange(24),
            minutes=rng.randrange(60),
            seconds=rng.randrange(60),
        )
        first = rng.choice(numbers)
        second = rng.choice(numbers + peer_numbers + peer_numbers)
        if second == first or (first, start) in used or (second, start) in used:
            continue
        used.update({(first, start), (second, start)})
        caller, callee = (first, second) if rng.random() < 0.5 else (second, first)
        result.append(Call(start, rng.randrange(1, 900), caller, callee))
    folder.mkdir(parents=True, exist_ok=True)
    population = Population(owner_numbers, result, folder)
    write_bills(population, folder, lambda call: True)
    return population


def reset(db: Database) -> None:
    """Empty the database and apply the schema, as the ``db`` fixture does."""
    graph_helpers.wipe(db)
    apply_schema(db)


def plant_ring(db: Database, run_id: str, batch_ids: list[str], phone_ids: list[str]) -> None:
    db.write(_PLANT_RING, run_id=run_id, batch_ids=batch_ids, phone_ids=phone_ids)


def write_bills(population: Population, folder: Path, keep: Any) -> dict[str, Path]:
    """Write one Unicom bill per owner with the calls ``keep(call)`` accepts."""
    folder.mkdir(parents=True, exist_ok=True)
    bills: dict[str, Path] = {}
    for party, number in population.owners.items():
        rows = []
        for call in population.calls:
            if not keep(call) or number not in (call.caller, call.callee):
                continue
            outgoing = call.caller == number
            peer = call.callee if outgoing else call.caller
            minutes, seconds = divmod(call.seconds, 60)
            duration = f"{minutes}分{seconds}秒" if minutes else f"{seconds}秒"
            rows.append(
                f"{len(rows) + 1},语音电话,{call.start:%Y-%m-%d %H:%M:%S},{duration},"
                f"{'主叫' if outgoing else '被叫'},{peer},0663,本地通话,0,0,0"
            )
        path = folder / f"bill-{party}.csv"
        path.write_text("\n".join([UNICOM_HEADER, *rows]) + "\n", encoding="utf-8")
        bills[party] = path
    population.bills = bills
    return bills


def write_extracts(
    population: Population, folder: Path, revoked: tuple[str, ...] = ()
) -> tuple[Path, Path]:
    """Write parties.csv and consents.csv (consent C-<party> per owner)."""
    parties = folder / "parties.csv"
    parties.write_text(
        "party_id,phone\n"
        + "".join(f"{party},{number}\n" for party, number in population.owners.items()),
        encoding="utf-8",
    )
    consents = folder / "consents.csv"
    rows = [
        f"C-{party},{party},call_records,credit_review,2026-06-01T00:00:00+08:00,"
        f"2029-06-01T00:00:00+08:00,{'2026-11-02T00:00:00+08:00' if party in revoked else ''},"
        for party in population.owners
    ]
    consents.write_text(CONSENTS_HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return parties, consents


def write_manifest(population: Population, folder: Path) -> Path:
    manifest = folder / "manifest.json"
    entries = [
        {"file": str(path), "owner_party": party, "consent": f"C-{party}"}
        for party, path in population.bills.items()
    ]
    manifest.write_text(json.dumps({"batches": entries}), encoding="utf-8")
    return manifest


def load_population(
    db: Database,
    key: PseudonymKey,
    population: Population,
    folder: Path,
    *,
    parties: list[str] | None = None,
    revoked: tuple[str, ...] = (),
    chunk_rows: int = 50_000,
    now: datetime = LOAD_TIME,
) -> list[BatchReport]:
    """Load the extracts and the bills of ``parties`` (default: all) under their consents."""
    parties_file, consents_file = write_extracts(population, folder, revoked)
    quarantine = folder / "quarantine"
    load_extract("parties", parties_file, db=db, key=key, quarantine_dir=quarantine)
    load_extract("consents", consents_file, db=db, key=None, quarantine_dir=quarantine)
    reports = []
    for party in parties if parties is not None else list(population.owners):
        reports.append(
            load_calls(
                population.bills[party],
                db=db,
                key=key,
                owner_party=party,
                consent_id=f"C-{party}",
                quarantine_dir=quarantine,
                chunk_rows=chunk_rows,
                now=now,
            )
        )
    return reports


def picture(db: Database, *, drop_properties: frozenset[str] = frozenset()) -> list[str]:
    """A sorted text picture of what the loaded files put in the graph.

    Leaves out the history (audit trail, rings, detection runs and the community labels
    they put on phones, API keys), erased batches (tombstones), timestamps and
    ``drop_properties``, and names nodes by their key instead of their element id.
    """
    nodes = {row["id"]: row for row in db.read(_NODES)}

    def keep(row: dict[str, Any]) -> bool:
        labels = set(row["labels"])
        if labels & HISTORY_LABELS:
            return False
        return not ("Batch" in labels and row["properties"].get("status") == "erased")

    def clean(properties: dict[str, Any]) -> list[tuple[str, str]]:
        return sorted(
            (name, repr(value))
            for name, value in properties.items()
            if not name.endswith("_at")
            and name not in drop_properties
            and name not in HISTORY_PROPERTIES
        )

    def name(node_id: str) -> str:
        row = nodes[node_id]
        for key in ("party_id", "phone_id", "loan_id", "consent_id", "batch_id", "version"):
            if key in row["properties"]:
                return f"{key}={row['properties'][key]}"
        return repr(clean(row["properties"]))

    lines = [
        repr((sorted(row["labels"]), clean(row["properties"])))
        for row in nodes.values()
        if keep(row)
    ]
    for row in db.read(_RELATIONSHIPS):
        if row["type"] in HISTORY_TYPES:
            continue
        if not (keep(nodes[row["start"]]) and keep(nodes[row["end"]])):
            continue
        lines.append(
            repr((name(row["start"]), row["type"], clean(row["properties"]), name(row["end"])))
        )
    return sorted(lines)


def call_facts(db: Database) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Call facts per (caller, callee, consent), merged over batches and chunks.

    ``first_minute`` is first_at to the minute, because retention keeps start minutes only.
    """
    merged: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in db.read(_CALL_FACTS):
        key = (row["caller"], row["callee"], row["consent_id"])
        fact = merged.setdefault(
            key,
            {
                "call_ids": set(),
                "calls": 0,
                "seconds": 0,
                "night_calls": 0,
                "first": None,
                "last": None,
            },
        )
        fact["call_ids"].update(row["call_ids"])
        fact["calls"] += row["calls"]
        fact["seconds"] += row["seconds"]
        fact["night_calls"] += row["night_calls"]
        first = row["first_at"].to_native().astimezone(UTC).replace(second=0, microsecond=0)
        last = row["last_at"].to_native().astimezone(UTC)
        fact["first"] = first if fact["first"] is None else min(fact["first"], first)
        fact["last"] = last if fact["last"] is None else max(fact["last"], last)
    for fact in merged.values():
        fact["call_ids"] = sorted(fact["call_ids"])
    return merged
