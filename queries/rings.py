"""Community detection on the phone graph and the rings written back to Neo4j.

Steps of one run: read the consented call facts as one weighted undirected graph
(:func:`project_phone_graph`), run Louvain from python-louvain with a fixed seed, keep ring
ids stable across runs by member overlap, and write ``Ring`` and ``DetectionRun`` nodes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import community as community_louvain
import networkx as nx

from queries import statements
from ringscope.db import Database

logger = logging.getLogger(__name__)

DEFAULT_SEED = 42
DEFAULT_RESOLUTION = 1.0
# Seconds are worth a tenth of a call per minute talked: a pair with one 10-minute call
# weighs about as much as a pair with two short calls.
SECONDS_PER_WEIGHT_UNIT = 600.0
MIN_RING_SIZE = 2
# A new ring inherits an old ring's id when their member sets have at least this Jaccard
# similarity; below it the ring is new.
STABLE_ID_MIN_JACCARD = 0.5


@dataclass(frozen=True, slots=True)
class PhoneGraph:
    """The projection: an undirected graph of phone ids with call totals on each edge."""

    graph: nx.Graph
    valid_consents: list[str]
    batches: list[str]


@dataclass(slots=True)
class DetectedRing:
    ring_id: str
    community: int
    phone_ids: list[str]
    score: float
    kind: str = "call_community"
    reasons: list[str] = field(default_factory=list)


@dataclass(slots=True)
class DetectionResult:
    run_id: str
    algorithm: str
    seed: int
    resolution: float
    modularity: float
    communities: int
    rings: list[DetectedRing]
    partition: dict[str, int]
    graph: nx.Graph


def get_valid_consents(db: Database, at: datetime | None = None) -> list[str]:
    """Return ids of consents that allow using call records at ``at`` (default: now)."""
    moment = (at or datetime.now(UTC)).isoformat()
    consent_ids: list[str] = db.read(statements.VALID_CALL_CONSENTS, at=moment)[0]["consent_ids"]
    return consent_ids


def project_phone_graph(db: Database, at: datetime | None = None) -> PhoneGraph:
    """Build the undirected phone graph from consented call facts, each call counted once."""
    valid = get_valid_consents(db, at)
    graph = nx.Graph()
    for row in db.read(statements.PAIR_TOTALS, valid_consents=valid):
        a, b = row["caller"], row["callee"]
        if a == b:
            continue
        graph.add_node(a, kind=row["caller_kind"])
        graph.add_node(b, kind=row["callee_kind"])
        if graph.has_edge(a, b):
            edge = graph[a][b]
            edge["calls"] += row["calls"]
            edge["seconds"] += row["seconds"]
            edge["night_calls"] += row["night_calls"]
        else:
            graph.add_edge(
                a, b, calls=row["calls"], seconds=row["seconds"], night_calls=row["night_calls"]
            )
    for _, _, data in graph.edges(data=True):
        data["weight"] = data["calls"] + data["seconds"] / SECONDS_PER_WEIGHT_UNIT
    batches: list[str] = db.read(statements.COMPLETE_BATCHES)[0]["batch_ids"]
    logger.info(
        "phone graph projected nodes=%d edges=%d consents=%d",
        graph.number_of_nodes(),
        graph.number_of_edges(),
        len(valid),
    )
    return PhoneGraph(graph=graph, valid_consents=sorted(valid), batches=sorted(batches))


def run_louvain(
    graph: nx.Graph, *, seed: int = DEFAULT_SEED, resolution: float = DEFAULT_RESOLUTION
) -> tuple[dict[str, int], float]:
    """Return python-louvain's partition and its modularity; same graph and seed, same result.

    Nodes are added in sorted order first because python-louvain visits nodes in graph
    order, so two projections of the same data must not differ in insertion order.
    """
    ordered = nx.Graph()
    ordered.add_nodes_from(sorted(graph.nodes(data=True)))
    ordered.add_edges_from(sorted((min(a, b), max(a, b), d) for a, b, d in graph.edges(data=True)))
    if ordered.number_of_edges() == 0:
        return {node: index for index, node in enumerate(ordered.nodes)}, 0.0
    partition: dict[str, int] = community_louvain.best_partition(
        ordered, weight="weight", resolution=resolution, random_state=seed
    )
    modularity = float(community_louvain.modularity(partition, ordered, weight="weight"))
    return _renumber_by_size(partition), modularity


def _renumber_by_size(partition: dict[str, int]) -> dict[str, int]:
    # Community numbers from Louvain are arbitrary; number them by size, then by smallest
    # member, so that reports are ordered the same way on every run.
    members: dict[int, list[str]] = {}
    for node, label in partition.items():
        members.setdefault(label, []).append(node)
    order = sorted(members.values(), key=lambda nodes: (-len(nodes), min(nodes)))
    return {node: index for index, nodes in enumerate(order) for node in nodes}


def assign_stable_ids(
    communities: Iterable[tuple[int, list[str]]], previous: dict[str, set[str]]
) -> dict[int, str]:
    """Give each community the id of the previous ring it overlaps most, else a new id.

    Matching is greedy by Jaccard similarity, best pairs first, each previous id used once.
    A new id is derived from the sorted members, so the same community gets the same id.
    """
    candidates: list[tuple[float, int, str]] = []
    community_list = list(communities)
    for label, members in community_list:
        member_set = set(members)
        for ring_id, old_members in previous.items():
            union = len(member_set | old_members)
            if union == 0:
                continue
            similarity = len(member_set & old_members) / union
            if similarity >= STABLE_ID_MIN_JACCARD:
                candidates.append((similarity, label, ring_id))

    assigned: dict[int, str] = {}
    used: set[str] = set()
    for _, label, ring_id in sorted(candidates, key=lambda item: (-item[0], item[1], item[2])):
        if label in assigned or ring_id in used:
            continue
        assigned[label] = ring_id
        used.add(ring_id)
    for label, members in community_list:
        if label not in assigned:
            digest = hashlib.sha256("\n".join(sorted(members)).encode()).hexdigest()[:12]
            assigned[label] = "R-" + digest
    return assigned


def score_community(graph: nx.Graph, members: list[str]) -> float:
    """Return a 0..100 score from internal call density and volume (placeholder for rings)."""
    if len(members) < 2:
        return 0.0
    sub = graph.subgraph(members)
    density = nx.density(sub)
    calls = sum(data["calls"] for _, _, data in sub.edges(data=True))
    return round(min(100.0, 50.0 * density + 10.0 * math.log10(1 + calls)), 1)


def detect_rings(
    db: Database,
    *,
    seed: int = DEFAULT_SEED,
    resolution: float = DEFAULT_RESOLUTION,
    at: datetime | None = None,
) -> DetectionResult:
    """Run Louvain on the consented phone graph and write the communities back as rings."""
    started_at = datetime.now(UTC)
    projection = project_phone_graph(db, at)

    partition, modularity = run_louvain(projection.graph, seed=seed, resolution=resolution)
    by_label: dict[int, list[str]] = {}
    for node, label in partition.items():
        by_label.setdefault(label, []).append(node)
    kept = sorted(
        (label, sorted(nodes)) for label, nodes in by_label.items() if len(nodes) >= MIN_RING_SIZE
    )

    previous = {row["ring_id"]: set(row["members"]) for row in db.read(statements.PREVIOUS_RINGS)}
    ids = assign_stable_ids(kept, previous)
    rings = [
        DetectedRing(
            ring_id=ids[label],
            community=label,
            phone_ids=nodes,
            score=score_community(projection.graph, nodes),
        )
        for label, nodes in kept
    ]

    parameters = {"seed": seed, "resolution": resolution, "weight": "calls + seconds/600"}
    run_id = "run-" + started_at.strftime("%Y%m%dT%H%M%S%fZ")
    _write_detection(db, run_id, started_at, parameters, seed, modularity, projection, rings)
    logger.info(
        "detection finished run_id=%s communities=%d rings=%d modularity=%.4f",
        run_id,
        len(by_label),
        len(rings),
        modularity,
    )
    return DetectionResult(
        run_id=run_id,
        algorithm="louvain",
        seed=seed,
        resolution=resolution,
        modularity=modularity,
        communities=len(by_label),
        rings=rings,
        partition=partition,
        graph=projection.graph,
    )


def _write_detection(
    db: Database,
    run_id: str,
    started_at: datetime,
    parameters: dict[str, Any],
    seed: int,
    modularity: float,
    projection: PhoneGraph,
    rings: list[DetectedRing],
) -> None:
    db.write(
        statements.CREATE_DETECTION_RUN,
        run_id=run_id,
        algorithm="louvain",
        parameters=json.dumps(parameters, sort_keys=True),
        seed=seed,
        started_at=started_at.isoformat(),
        modularity=modularity,
        communities=len(rings),
        valid_consents=projection.valid_consents,
        batches=projection.batches,
    )
    db.write(statements.DELETE_RINGS)
    rows = [
        {
            "ring_id": ring.ring_id,
            "community": ring.community,
            "kind": ring.kind,
            "score": ring.score,
            "size": len(ring.phone_ids),
            "reasons": ring.reasons,
            "phone_ids": ring.phone_ids,
        }
        for ring in rings
    ]
    for start in range(0, len(rows), 500):
        db.write(statements.WRITE_RINGS, run_id=run_id, rings=rows[start : start + 500])
    db.write(statements.LINK_RING_PARTIES, run_id=run_id)
