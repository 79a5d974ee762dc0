"""Ring detection on the consented phone graph, with reasons and ids that survive re-runs.

One run (:func:`detect_rings`) takes these steps:

1. **Project** the consented call facts into one weighted undirected graph of phones
   (:func:`project_phone_graph`); a call stored by two bills counts once.
2. **Find intermediaries** (:func:`find_intermediaries`): numbers that no loan party has
   and that several applicants called only around their own application day, with
   applications close together. This is how coaching agents show in call records.
3. **Suppress hubs** (:func:`find_hubs`): service numbers and numbers that a large share of
   all bill owners called (banks, couriers, the lender's own lines). Intermediaries are
   never suppressed, even in a small graph where a handful of owners is a large share.
4. **Communities**: Louvain (python-louvain, seeded) and connected components on the
   suppressed graph. Communities are reported per run and cut rings that grow too large.
5. **Guarantee circles** (:func:`find_guarantee_circles`) from the loan records.
6. **Rings**: parties tied by strong evidence (an intermediary's cohort, a guarantee
   circle, a shared phone) form connected groups; each group is scored with reasons
   (:func:`score_ring`) and kept when it reaches the minimum score.
7. **Number changes** (:mod:`queries.number_changes`) on the same projection.
8. **Write** the ``DetectionRun``, the rings (replacing the previous ones, keeping the ids
   of rings whose members overlap) and the number changes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import community as community_louvain
import networkx as nx

import queries.ring_messages  # noqa: F401  (registers the reason texts)
from graph_schema.model import (
    APPLIED_FOR,
    BORROWER_OF,
    CALL_SECONDS_MAX,
    is_night_call_id,
)
from queries import statements
from queries.number_changes import NumberChange, NumberChangeParameters, detect_number_changes
from ringscope.db import Database
from ringscope.errors import NotFoundError

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
DAY_SECONDS = 86_400
WRITE_RINGS_PER_TRANSACTION = 500
WRITE_COMMUNITIES_PER_TRANSACTION = 10_000
BAD_LOAN_STATUSES = ("defaulted", "overdue")
APPLICATION_ROLES = (APPLIED_FOR, BORROWER_OF)

# Points per reason; a ring's score is their sum, capped at 100 (docs/rings.md).
REASON_POINTS: dict[str, float] = {
    "guarantee_circle": 50.0,
    "shared_intermediary": 40.0,
    "defaulted_member": 20.0,
    "clustered_application_dates": 15.0,
    "shared_phone": 15.0,
    "direct_calls_unlisted": 10.0,
    "shared_emergency_contact": 10.0,
}
REASON_ORDER = tuple(REASON_POINTS)
MAX_SCORE = 100.0


@dataclass(frozen=True, slots=True)
class DetectionParameters:
    """Every setting of a run; stored as JSON on the DetectionRun node."""

    seed: int = DEFAULT_SEED
    resolution: float = DEFAULT_RESOLUTION
    # Hubs: called by at least this share of bill owners, and by at least hub_min_owners.
    hub_owner_share: float = 0.05
    hub_min_owners: int = 10
    # Intermediaries: every call of an applicant with the number lies between
    # window_before_days before and window_after_days after the application day, for at
    # least min_cohort applicants whose application days lie within cluster_days, and
    # those are at least min_focus of the applicants that called the number at all.
    window_before_days: int = 14
    window_after_days: int = 10
    cluster_days: int = 7
    min_cohort: int = 3
    min_focus: float = 0.6
    max_circle_length: int = 6
    # A group of more parties than this is cut along its Louvain communities.
    max_ring_parties: int = 12
    min_score: float = 50.0

    def to_json(self) -> str:
        data = asdict(self)
        data["weight"] = f"calls + seconds/{SECONDS_PER_WEIGHT_UNIT:g}"
        return json.dumps(data, sort_keys=True)


@dataclass(frozen=True, slots=True)
class PhoneGraph:
    """The projection: an undirected graph of phone ids with call totals on each edge.

    Edge attributes: ``calls``, ``seconds``, ``night_calls``, ``first_s`` and ``last_s``
    (Unix epoch seconds) and ``weight``. Node attribute: ``kind``. ``batches`` are the
    complete batches loaded under the valid consents.
    """

    graph: nx.Graph[str]
    valid_consents: list[str]
    batches: list[str]


@dataclass(frozen=True, slots=True)
class PartyFacts:
    """Loan-system facts about one party, as detection uses them."""

    party_id: str
    phone_ids: tuple[str, ...]
    emergency_phone_ids: tuple[str, ...]
    applied_s: int | None  # the latest application (applicant or borrower), epoch seconds
    bad_statuses: tuple[str, ...]  # defaulted / overdue statuses among its loans


@dataclass(frozen=True, slots=True)
class Intermediary:
    """A number several applicants called around their own application days."""

    phone_id: str
    cohort_phones: tuple[str, ...]
    cohort_parties: tuple[str, ...]
    applicants: int  # applicant phones that called the number at all
    span_days: int  # between the first and last application day of the cohort


@dataclass(frozen=True, slots=True)
class GuaranteeCircle:
    """Parties in guarantee order: parties[i] guarantees loans[i], a loan of parties[i+1]."""

    parties: tuple[str, ...]
    loans: tuple[str, ...]


@dataclass(slots=True)
class DetectedRing:
    """A ring written to the graph, or (kind ``call_community``) a Louvain community."""

    ring_id: str
    community: int
    phone_ids: list[str]
    score: float
    kind: str = "call_community"
    reasons: list[str] = field(default_factory=list)
    party_ids: list[str] = field(default_factory=list)
    reason_details: dict[str, dict[str, Any]] = field(default_factory=dict)
    written: bool = False


@dataclass(slots=True)
class DetectionResult:
    """One run. ``rings`` lists the Louvain communities of two or more phones first (kind
    ``call_community``, not written), then the scored rings written to the graph."""

    run_id: str
    algorithm: str
    seed: int
    resolution: float
    modularity: float
    communities: int
    rings: list[DetectedRing]
    partition: dict[str, int]
    graph: nx.Graph[str]
    components: int = 0
    hubs: list[str] = field(default_factory=list)
    intermediaries: list[Intermediary] = field(default_factory=list)
    circles: list[GuaranteeCircle] = field(default_factory=list)
    number_changes: list[NumberChange] = field(default_factory=list)
    parameters: DetectionParameters = field(default_factory=DetectionParameters)

    @property
    def risk_rings(self) -> list[DetectedRing]:
        """The scored rings that were written to the graph."""
        return [ring for ring in self.rings if ring.written]

    @property
    def call_communities(self) -> list[DetectedRing]:
        return [ring for ring in self.rings if not ring.written]


# --- projection -----------------------------------------------------------------------


def get_valid_consents(db: Database, at: datetime | None = None) -> list[str]:
    """Return ids of consents that allow using call records at ``at`` (default: now)."""
    moment = (at or datetime.now(UTC)).isoformat()
    consent_ids: list[str] = db.read(statements.VALID_CALL_CONSENTS, at=moment)[0]["consent_ids"]
    return consent_ids


def project_phone_graph(db: Database, at: datetime | None = None) -> PhoneGraph:
    """Build the undirected phone graph from consented call facts, each call counted once."""
    valid = get_valid_consents(db, at)
    graph: nx.Graph[str] = nx.Graph()
    rows = db.execute_read(
        lambda tx: list(tx.run(statements.PAIR_FACTS, valid_consents=valid).values())
    )
    for row in rows:
        caller, callee, caller_kind, callee_kind, calls, seconds, night, first_s, last_s = row[:9]
        call_ids, caller_display, callee_display = row[9:12]
        if caller == callee:
            continue
        if call_ids is not None:
            calls, seconds, night = _union_counts(call_ids)
        if caller not in graph:
            graph.add_node(caller, kind=caller_kind, display=caller_display or "")
        if callee not in graph:
            graph.add_node(callee, kind=callee_kind, display=callee_display or "")
        edge = graph.get_edge_data(caller, callee)
        if edge is None:
            graph.add_edge(
                caller,
                callee,
                calls=calls,
                seconds=seconds,
                night_calls=night,
                first_s=first_s,
                last_s=last_s,
            )
            continue
        edge["calls"] += calls
        edge["seconds"] += seconds
        edge["night_calls"] += night
        edge["first_s"] = min(edge["first_s"], first_s)
        edge["last_s"] = max(edge["last_s"], last_s)
    for _, _, data in graph.edges(data=True):
        data["weight"] = data["calls"] + data["seconds"] / SECONDS_PER_WEIGHT_UNIT

    batches: list[str] = db.read(statements.VALID_BATCHES, valid_consents=valid)[0]["batch_ids"]
    valid_set = set(valid)
    logger.info(
        "phone graph projected nodes=%d edges=%d consents=%d",
        graph.number_of_nodes(),
        graph.number_of_edges(),
        len(valid_set),
    )
    return PhoneGraph(
        graph=graph,
        valid_consents=sorted(valid),
        batches=sorted(batches),
    )


def _union_counts(call_ids: list[int]) -> tuple[int, int, int]:
    """Return calls, seconds and night calls of the distinct call ids (graph_schema.model)."""
    distinct = set(call_ids)
    seconds = sum(call & CALL_SECONDS_MAX for call in distinct)
    night = sum(1 for call in distinct if is_night_call_id(call))
    return len(distinct), seconds, night


def read_party_facts(db: Database) -> dict[str, PartyFacts]:
    """Return every party's phones, emergency contacts, latest application and bad loans."""
    parties = {}
    for row in db.read(statements.PARTY_FACTS):
        applied = [
            loan["applied_s"]
            for loan in row["loans"]
            if loan["role"] in APPLICATION_ROLES and loan["applied_s"] is not None
        ]
        bad = sorted(
            {loan["status"] for loan in row["loans"] if loan["status"] in BAD_LOAN_STATUSES}
        )
        parties[row["party_id"]] = PartyFacts(
            party_id=row["party_id"],
            phone_ids=tuple(sorted(set(row["phone_ids"]))),
            emergency_phone_ids=tuple(sorted(set(row["emergency_phone_ids"]))),
            applied_s=max(applied) if applied else None,
            bad_statuses=tuple(bad),
        )
    return parties


def parties_by_phone(parties: dict[str, PartyFacts]) -> dict[str, list[str]]:
    """Map each phone id to the parties that hold it, in party id order."""
    owners: dict[str, list[str]] = defaultdict(list)
    for party in sorted(parties):
        for phone_id in parties[party].phone_ids:
            owners[phone_id].append(party)
    return dict(owners)


# --- intermediaries, hubs, circles ---------------------------------------------------------


def find_intermediaries(
    graph: nx.Graph[str],
    parties: dict[str, PartyFacts],
    params: DetectionParameters,
) -> list[Intermediary]:
    """Return the numbers that define coached groups (see the module docstring, step 2).

    A candidate is a number no party has and that is not a service number. An applicant
    phone is *in the window* of the candidate when every call between them lies between
    ``window_before_days`` before and ``window_after_days`` after the applicant's latest
    application day. The cohort is the largest set of in-window applicants whose
    application days lie within ``cluster_days``.
    """
    owners = parties_by_phone(parties)
    applied: dict[str, int] = {}
    for phone_id, party_ids in owners.items():
        known = [s for s in (parties[p].applied_s for p in party_ids) if s is not None]
        if known:
            applied[phone_id] = max(known)
    before = params.window_before_days * DAY_SECONDS
    after = (params.window_after_days + 1) * DAY_SECONDS

    found = []
    for node in sorted(graph.nodes):
        if node in owners or graph.nodes[node].get("kind") == "service":
            continue
        applicant_phones = [peer for peer in graph[node] if peer in applied]
        if len(applicant_phones) < params.min_cohort:
            continue
        in_window = []
        for peer in applicant_phones:
            edge = graph[node][peer]
            day = applied[peer]
            if edge["first_s"] >= day - before and edge["last_s"] < day + after:
                in_window.append((day, peer))
        cohort = _largest_cluster(in_window, params.cluster_days * DAY_SECONDS)
        if len(cohort) < params.min_cohort:
            continue
        if len(cohort) < params.min_focus * len(applicant_phones):
            continue
        phones = sorted(peer for _, peer in cohort)
        days: list[int] = [day for day, _ in cohort]
        found.append(
            Intermediary(
                phone_id=node,
                cohort_phones=tuple(phones),
                cohort_parties=tuple(sorted({p for ph in phones for p in owners[ph]})),
                applicants=len(applicant_phones),
                span_days=(max(days) - min(days)) // DAY_SECONDS,
            )
        )
    logger.info("intermediaries found count=%d", len(found))
    return found


def _largest_cluster(items: list[tuple[int, str]], span: int) -> list[tuple[int, str]]:
    """Return the largest run of (time, key) items whose times lie within ``span``."""
    ordered = sorted(items)
    best: list[tuple[int, str]] = []
    start = 0
    for end in range(len(ordered)):
        while ordered[end][0] - ordered[start][0] > span:
            start += 1
        if end - start + 1 > len(best):
            best = ordered[start : end + 1]
    return best


def find_hubs(
    graph: nx.Graph[str],
    owner_phones: set[str],
    params: DetectionParameters,
    protected: Iterable[str] = (),
) -> list[str]:
    """Return the phones to suppress: service numbers and numbers many owners called.

    A number is a hub when at least ``hub_owner_share`` of the owner phones in the graph,
    and at least ``hub_min_owners`` of them, call it. ``protected`` numbers (the
    intermediaries) are never hubs.
    """
    keep = set(protected)
    owners_in_graph = sum(1 for phone in owner_phones if phone in graph)
    threshold = max(params.hub_min_owners, math.ceil(params.hub_owner_share * owners_in_graph))
    hubs = []
    for node in graph.nodes:
        if node in keep:
            continue
        if graph.nodes[node].get("kind") == "service":
            hubs.append(node)
            continue
        owner_peers = sum(1 for peer in graph[node] if peer in owner_phones)
        if owner_peers >= threshold:
            hubs.append(node)
    return sorted(hubs)


def find_guarantee_circles(
    links: Sequence[tuple[str, str, str]], max_length: int
) -> list[GuaranteeCircle]:
    """Return the simple cycles of guarantees with 2 to ``max_length`` parties.

    ``links`` contains (guarantor, loan_id, borrower) tuples. Each circle starts at its smallest
    party id, so the same circle is reported once and in the same order on every run.
    """
    digraph: nx.DiGraph[str] = nx.DiGraph()
    loans: dict[tuple[str, str], str] = {}
    for guarantor, loan_id, borrower in sorted(links):
        digraph.add_edge(guarantor, borrower)
        loans.setdefault((guarantor, borrower), loan_id)
    circles = []
    for cycle in nx.simple_cycles(digraph, length_bound=max_length):
        if len(cycle) < 2:
            continue
        start = cycle.index(min(cycle))
        ordered = cycle[start:] + cycle[:start]
        pairs = zip(ordered, ordered[1:] + ordered[:1], strict=True)
        circles.append(
            GuaranteeCircle(parties=tuple(ordered), loans=tuple(loans[pair] for pair in pairs))
        )
    return sorted(circles, key=lambda circle: (len(circle.parties), circle.parties))


# --- Louvain and components -------------------------------------------------------------


def run_louvain(
    graph: nx.Graph[str],
    *,
    seed: int = DEFAULT_SEED,
    resolution: float = DEFAULT_RESOLUTION,
    exclude: Iterable[str] = (),
) -> tuple[dict[str, int], float]:
    """Return python-louvain's partition and its modularity; same graph and seed, same result.

    ``exclude`` (the hubs) are left out. Phones with a single call partner are folded into
    that partner before Louvain runs, as a self-loop of the same weight, and join its
    community afterwards: the partner's degree and the community's internal weight stay as
    they were, so the modularity of every partition that keeps a leaf with its partner is
    unchanged, while a graph of a million calls shrinks to about a third of its phones.
    Nodes are added in sorted order because python-louvain visits nodes in graph order, so
    two projections of the same data must not differ in insertion order. The order is by
    partial mask first and pseudonym second, so that the same calls give the same
    communities under another pseudonymisation key too (the demo's throwaway key, or data
    re-keyed with `ringscope rekey`) whenever the masks tell the phones apart.
    """

    def order(node: str) -> tuple[str, str]:
        return (str(graph.nodes[node].get("display", "")), node)

    skip = set(exclude)
    leaves: dict[str, str] = {}
    for node in graph.nodes:
        if node in skip:
            continue
        peers = [peer for peer in graph[node] if peer not in skip]
        if len(peers) == 1 and len([p for p in graph[peers[0]] if p not in skip]) > 1:
            leaves[node] = peers[0]
    loops: dict[str, float] = defaultdict(float)
    for leaf, partner in leaves.items():
        loops[partner] += graph[leaf][partner].get("weight", 1.0)

    ordered: nx.Graph[str] = nx.Graph()
    kept: list[str] = [str(n) for n in graph.nodes if n not in skip and n not in leaves]
    kept.sort(key=order)
    ordered.add_nodes_from(kept)
    edges = sorted(
        (
            (min(a, b, key=order), max(a, b, key=order), d.get("weight", 1.0))
            for a, b, d in graph.edges(data=True)
            if a not in skip and b not in skip and a not in leaves and b not in leaves
        ),
        key=lambda edge: (order(edge[0]), order(edge[1])),
    )
    edges.extend(
        sorted(((node, node, weight) for node, weight in loops.items()), key=lambda e: order(e[0]))
    )
    ordered.add_weighted_edges_from(edges)
    if ordered.number_of_edges() == 0:
        lone = sorted(set(ordered.nodes) | set(leaves))
        return {node: index for index, node in enumerate(lone)}, 0.0
    partition: dict[str, int] = community_louvain.best_partition(
        ordered, weight="weight", resolution=resolution, random_state=seed
    )
    modularity = float(community_louvain.modularity(partition, ordered, weight="weight"))
    for leaf, partner in leaves.items():
        partition[leaf] = partition[partner]
    return _renumber_by_size(partition), modularity


def _renumber_by_size(partition: dict[str, int]) -> dict[str, int]:
    # Community numbers from Louvain are arbitrary; number them by size, then by smallest
    # member, so that reports are ordered the same way on every run.
    members: dict[int, list[str]] = {}
    for node, label in partition.items():
        members.setdefault(label, []).append(node)
    order = sorted(members.values(), key=lambda nodes: (-len(nodes), min(nodes)))
    return {node: index for index, nodes in enumerate(order) for node in nodes}


def connected_groups(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Return the connected components of a graph as sorted lists, largest first."""
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(edges)
    groups = [sorted(component) for component in nx.connected_components(graph)]
    return sorted(groups, key=lambda group: (-len(group), group[0]))


# --- stable ids -------------------------------------------------------------------------


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
    taken = set(previous)
    for label, members in community_list:
        if label not in assigned:
            digest = hashlib.sha256("\n".join(sorted(members)).encode()).hexdigest()
            ring_id = "R-" + digest[:12]
            # A previous ring with the same derived id but too little overlap cannot lend it.
            if ring_id in taken:
                ring_id = "R-" + digest[12:24]
            assigned[label] = ring_id
    return assigned


def member_keys(ring: DetectedRing) -> list[str]:
    """Members as PREVIOUS_RING_MEMBERS returns them: phone ids and ``party:<id>``."""
    return sorted(ring.phone_ids) + sorted("party:" + party for party in ring.party_ids)


# --- ring assembly and scoring -------------------------------------------------------------


@dataclass(slots=True)
class _Evidence:
    """Everything scoring needs, shared by every candidate of one run."""

    graph: nx.Graph[str]
    parties: dict[str, PartyFacts]
    owners: dict[str, list[str]]
    intermediaries: dict[str, Intermediary]
    circles: list[GuaranteeCircle]
    params: DetectionParameters


def build_candidates(evidence: _Evidence, partition: dict[str, int]) -> list[list[str]]:
    """Return groups of evidence nodes (``party:<id>`` and intermediary phone ids).

    Parties are tied by an intermediary's cohort, a guarantee circle or a shared phone;
    each connected group with at least two parties is a candidate. A group of more than
    ``max_ring_parties`` parties is cut along the Louvain communities of its phones.
    """
    edges: list[tuple[str, str]] = []
    for phone_id, item in evidence.intermediaries.items():
        edges.extend((phone_id, "party:" + party) for party in item.cohort_parties)
    for circle in evidence.circles:
        parties = circle.parties
        edges.extend(
            ("party:" + a, "party:" + b) for a, b in zip(parties, parties[1:], strict=False)
        )
    for party_ids in evidence.owners.values():
        edges.extend(("party:" + party_ids[0], "party:" + other) for other in party_ids[1:])
    nodes = {node for edge in edges for node in edge}

    candidates = []
    for group in connected_groups(nodes, edges):
        party_count = sum(1 for node in group if node.startswith("party:"))
        if party_count < MIN_RING_SIZE:
            continue
        if party_count <= evidence.params.max_ring_parties:
            candidates.append(group)
            continue
        by_label: dict[int, list[str]] = defaultdict(list)
        for node in group:
            by_label[_label_of(node, evidence, partition)].append(node)
        for part in by_label.values():
            if sum(1 for node in part if node.startswith("party:")) >= MIN_RING_SIZE:
                candidates.append(sorted(part))
    return candidates


def _label_of(node: str, evidence: _Evidence, partition: dict[str, int]) -> int:
    if not node.startswith("party:"):
        return partition.get(node, -1)
    labels = [
        partition[phone]
        for phone in evidence.parties[node.removeprefix("party:")].phone_ids
        if phone in partition
    ]
    return min(labels) if labels else -1


def score_ring(
    party_ids: Sequence[str], intermediary_ids: Sequence[str], evidence: _Evidence
) -> tuple[float, list[str], dict[str, dict[str, Any]]]:
    """Return the score, the reason codes (strongest first) and the numbers behind each.

    Each reason that holds adds its points from REASON_POINTS; the score is capped at 100.
    """
    members = set(party_ids)
    details: dict[str, dict[str, Any]] = {}
    facts = [evidence.parties[p] for p in sorted(members)]
    phones_of = {p.party_id: set(p.phone_ids) for p in facts}
    member_phones = {phone for phones in phones_of.values() for phone in phones}

    circles = [c for c in evidence.circles if set(c.parties) <= members]
    if circles:
        longest = max(circles, key=lambda c: len(c.parties))
        details["guarantee_circle"] = {
            "circles": len(circles),
            "length": len(longest.parties),
            "loans": list(longest.loans),
        }

    cohorts = [evidence.intermediaries[i] for i in intermediary_ids]
    if cohorts:
        biggest = max(cohorts, key=lambda item: len(item.cohort_parties))
        details["shared_intermediary"] = {
            "intermediaries": len(cohorts),
            "members": len(set(biggest.cohort_parties) & members),
            "window_days": evidence.params.window_before_days,
        }

    bad = [p for p in facts if p.bad_statuses]
    if bad:
        details["defaulted_member"] = {
            "members": len(bad),
            "statuses": sorted({s for p in bad for s in p.bad_statuses}),
        }

    days = [(p.applied_s, p.party_id) for p in facts if p.applied_s is not None]
    cluster = _largest_cluster(
        [(day, party) for day, party in days if day is not None],
        evidence.params.cluster_days * DAY_SECONDS,
    )
    needed = 3 if len(members) >= 3 else 2
    if len(cluster) >= needed:
        details["clustered_application_dates"] = {
            "members": len(cluster),
            "span_days": (cluster[-1][0] - cluster[0][0]) // DAY_SECONDS,
            "window_days": evidence.params.cluster_days,
        }

    shared = [phone for phone in member_phones if len(evidence.owners.get(phone, [])) > 1]
    if shared:
        details["shared_phone"] = {
            "phones": len(shared),
            "parties": len({p for phone in shared for p in evidence.owners[phone]}),
        }

    pairs, calls = _unlisted_direct_calls(facts, phones_of, evidence.graph)
    if pairs:
        details["direct_calls_unlisted"] = {"pairs": pairs, "calls": calls}

    listed: dict[str, set[str]] = defaultdict(set)
    for p in facts:
        for phone in p.emergency_phone_ids:
            listed[phone].add(p.party_id)
    common = {phone: who for phone, who in listed.items() if len(who) > 1}
    if common:
        details["shared_emergency_contact"] = {
            "phones": len(common),
            "parties": len({p for who in common.values() for p in who}),
        }

    reasons = [code for code in REASON_ORDER if code in details]
    score = min(MAX_SCORE, sum(REASON_POINTS[code] for code in reasons))
    return score, reasons, details


def _unlisted_direct_calls(
    facts: list[PartyFacts], phones_of: dict[str, set[str]], graph: nx.Graph[str]
) -> tuple[int, int]:
    """Count member pairs that call each other though neither lists the other's phone."""
    pairs = 0
    calls = 0
    for index, a in enumerate(facts):
        for b in facts[index + 1 :]:
            if set(a.emergency_phone_ids) & phones_of[b.party_id]:
                continue
            if set(b.emergency_phone_ids) & phones_of[a.party_id]:
                continue
            between = sum(
                graph[x][y]["calls"]
                for x in phones_of[a.party_id]
                for y in phones_of[b.party_id]
                if x != y and graph.has_edge(x, y)
            )
            if between:
                pairs += 1
                calls += between
    return pairs, calls


def ring_kind(reasons: Sequence[str]) -> str:
    """Name a ring after the evidence that made it: coached group, guarantee circle, both."""
    coached = "shared_intermediary" in reasons
    circle = "guarantee_circle" in reasons
    if coached and circle:
        return "coached_guarantee"
    if coached:
        return "coached_group"
    if circle:
        return "guarantee_circle"
    return "linked_parties"


def assemble_rings(
    evidence: _Evidence, partition: dict[str, int], previous: dict[str, set[str]]
) -> list[DetectedRing]:
    """Score every candidate group and return those reaching the minimum score, with ids."""
    scored: list[DetectedRing] = []
    for group in build_candidates(evidence, partition):
        party_ids = sorted(
            node.removeprefix("party:") for node in group if node.startswith("party:")
        )
        intermediary_ids = sorted(node for node in group if not node.startswith("party:"))
        score, reasons, details = score_ring(party_ids, intermediary_ids, evidence)
        if score < evidence.params.min_score:
            continue
        phones = sorted(
            {phone for p in party_ids for phone in evidence.parties[p].phone_ids}
            | set(intermediary_ids)
        )
        labels = Counter(partition[phone] for phone in phones if phone in partition)
        scored.append(
            DetectedRing(
                ring_id="",
                community=labels.most_common(1)[0][0] if labels else -1,
                phone_ids=phones,
                score=score,
                kind=ring_kind(reasons),
                reasons=reasons,
                party_ids=party_ids,
                reason_details=details,
                written=True,
            )
        )
    scored.sort(key=lambda ring: (-ring.score, member_keys(ring)))
    ids = assign_stable_ids(
        ((index, member_keys(ring)) for index, ring in enumerate(scored)), previous
    )
    for index, ring in enumerate(scored):
        ring.ring_id = ids[index]
    return scored


def community_rings(graph: nx.Graph[str], partition: dict[str, int]) -> list[DetectedRing]:
    """Return each Louvain community of two or more phones as an unwritten DetectedRing."""
    by_label: dict[int, list[str]] = defaultdict(list)
    for node, label in partition.items():
        by_label[label].append(node)
    rings = []
    for label in sorted(by_label):
        nodes = sorted(by_label[label])
        if len(nodes) < MIN_RING_SIZE:
            continue
        digest = hashlib.sha256("\n".join(nodes).encode()).hexdigest()[:12]
        rings.append(
            DetectedRing(
                ring_id="C-" + digest,
                community=label,
                phone_ids=nodes,
                score=score_community(graph, nodes),
            )
        )
    return rings


def score_community(graph: nx.Graph[str], members: list[str]) -> float:
    """Return a 0..100 figure from internal call density and volume (call communities)."""
    if len(members) < 2:
        return 0.0
    sub = graph.subgraph(members)
    density = nx.density(sub)
    calls = sum(data["calls"] for _, _, data in sub.edges(data=True))
    return round(min(100.0, 50.0 * float(density) + 10.0 * math.log10(1 + calls)), 1)


# --- the run ------------------------------------------------------------------------------


def detect_rings(
    db: Database,
    *,
    seed: int = DEFAULT_SEED,
    resolution: float = DEFAULT_RESOLUTION,
    at: datetime | None = None,
    parameters: DetectionParameters | None = None,
    number_changes: NumberChangeParameters | None = None,
) -> DetectionResult:
    """Run detection on the consented phone graph and write rings and number changes back.

    ``seed`` and ``resolution`` override those of ``parameters``. The same data, seed and
    parameters give the same rings, ids and number changes.
    """
    params = parameters or DetectionParameters()
    params = DetectionParameters(**{**asdict(params), "seed": seed, "resolution": resolution})
    started_at = datetime.now(UTC)

    projection = project_phone_graph(db, at)
    graph = projection.graph
    parties = read_party_facts(db)
    owners = parties_by_phone(parties)
    links = [
        (row["guarantor"], row["loan_id"], row["borrower"])
        for row in db.read(statements.GUARANTEE_LINKS)
    ]

    intermediaries = find_intermediaries(graph, parties, params)
    hubs = find_hubs(
        graph, set(owners), params, protected=(item.phone_id for item in intermediaries)
    )
    suppressed = graph.subgraph(set(graph.nodes) - set(hubs))

    partition, modularity = run_louvain(graph, seed=seed, resolution=resolution, exclude=hubs)
    components = nx.number_connected_components(suppressed)
    circles = find_guarantee_circles(links, params.max_circle_length)

    previous = {
        row["ring_id"]: set(row["members"]) for row in db.read(statements.PREVIOUS_RING_MEMBERS)
    }
    evidence = _Evidence(
        graph=graph,
        parties=parties,
        owners=owners,
        intermediaries={item.phone_id: item for item in intermediaries},
        circles=circles,
        params=params,
    )
    rings = assemble_rings(evidence, partition, previous)
    # Intermediaries appear around applications and would pass for new numbers.
    changes = detect_number_changes(
        graph,
        excluded=set(hubs) | {item.phone_id for item in intermediaries},
        party_phones=set(owners),
        parameters=number_changes or NumberChangeParameters(),
    )

    run_id = "run-" + started_at.strftime("%Y%m%dT%H%M%S%fZ")
    communities = community_rings(suppressed, partition)
    _write_detection(
        db,
        run_id=run_id,
        started_at=started_at,
        params=params,
        modularity=modularity,
        communities=len(set(partition.values())),
        components=components,
        projection=projection,
        rings=rings,
        changes=changes,
        hubs=len(hubs),
        intermediaries=len(intermediaries),
        change_parameters=number_changes or NumberChangeParameters(),
    )
    write_communities(db, run_id, partition)
    logger.info(
        "detection finished run_id=%s communities=%d rings=%d number_changes=%d "
        "modularity=%.4f hubs=%d intermediaries=%d",
        run_id,
        len(set(partition.values())),
        len(rings),
        len(changes),
        modularity,
        len(hubs),
        len(intermediaries),
    )
    return DetectionResult(
        run_id=run_id,
        algorithm="louvain",
        seed=seed,
        resolution=resolution,
        modularity=modularity,
        communities=len(set(partition.values())),
        rings=communities + rings,
        partition=partition,
        graph=graph,
        components=components,
        hubs=hubs,
        intermediaries=intermediaries,
        circles=circles,
        number_changes=changes,
        parameters=params,
    )


def write_communities(db: Database, run_id: str, partition: dict[str, int]) -> None:
    """Store each phone's Louvain community of this run as Phone.community.

    Phones outside the partition (hubs, phones without consented calls) keep no community
    from an earlier run: the statement clears it first.
    """
    while db.write(statements.CLEAR_COMMUNITIES_SLICE, limit=WRITE_COMMUNITIES_PER_TRANSACTION)[0][
        "cleared"
    ]:
        pass
    rows = [{"phone_id": phone_id, "community": label} for phone_id, label in partition.items()]
    for start in range(0, len(rows), WRITE_COMMUNITIES_PER_TRANSACTION):
        chunk = rows[start : start + WRITE_COMMUNITIES_PER_TRANSACTION]
        db.write(statements.WRITE_COMMUNITIES, run_id=run_id, rows=chunk)


def _write_detection(
    db: Database,
    *,
    run_id: str,
    started_at: datetime,
    params: DetectionParameters,
    modularity: float,
    communities: int,
    components: int,
    projection: PhoneGraph,
    rings: list[DetectedRing],
    changes: list[NumberChange],
    hubs: int,
    intermediaries: int,
    change_parameters: NumberChangeParameters,
) -> None:
    parameters = json.loads(params.to_json())
    parameters["number_changes"] = asdict(change_parameters)
    db.write(
        statements.RECORD_DETECTION_RUN,
        run_id=run_id,
        algorithm="louvain",
        parameters=json.dumps(parameters, sort_keys=True),
        seed=params.seed,
        resolution=params.resolution,
        started_at=started_at.isoformat(),
        modularity=modularity,
        communities=communities,
        components=components,
        rings=len(rings),
        number_changes=len(changes),
        hubs_suppressed=hubs,
        intermediaries=intermediaries,
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
            "party_count": len(ring.party_ids),
            "reasons": ring.reasons,
            "reason_details": json.dumps(ring.reason_details, sort_keys=True),
            "phone_ids": ring.phone_ids,
            "party_ids": ring.party_ids,
        }
        for ring in rings
    ]
    for start in range(0, len(rows), WRITE_RINGS_PER_TRANSACTION):
        chunk = rows[start : start + WRITE_RINGS_PER_TRANSACTION]
        db.write(statements.WRITE_SCORED_RINGS, run_id=run_id, rings=chunk)

    db.write(statements.DELETE_NUMBER_CHANGES)
    change_phones = sorted({c.old_phone_id for c in changes} | {c.new_phone_id for c in changes})
    displays = {
        row["phone_id"]: row["display"]
        for row in db.read(statements.PHONE_DISPLAY, phone_ids=change_phones)
    }
    pairs = sorted(
        {
            (end, contact)
            for change in changes
            for end in (change.old_phone_id, change.new_phone_id)
            for contact in change.evidence_phones
        }
    )
    provenance = {
        (row["a"], row["b"]): (row["consent_ids"], row["batch_ids"])
        for row in db.read(
            statements.PAIR_PROVENANCE, pairs=pairs, valid_consents=projection.valid_consents
        )
    }
    change_rows = [change.to_row(provenance, displays) for change in changes]
    for start in range(0, len(change_rows), WRITE_RINGS_PER_TRANSACTION):
        chunk = change_rows[start : start + WRITE_RINGS_PER_TRANSACTION]
        db.write(statements.WRITE_NUMBER_CHANGES, run_id=run_id, changes=chunk)


# --- reading rings back -------------------------------------------------------------------


def list_rings(db: Database) -> list[dict[str, Any]]:
    """Return every stored ring, highest score first."""
    return db.read(statements.LIST_RINGS)


def get_ring(db: Database, ring_id: str) -> dict[str, Any]:
    """Return one ring with its member phones (masked) and parties.

    Raises:
        NotFoundError: no ring with this id.
    """
    rows = db.read(statements.GET_RING, ring_id=ring_id)
    if not rows:
        raise NotFoundError("rings.not_found", ring_id=ring_id)
    row = rows[0]
    ring = dict(row["ring"])
    details = ring.get("reason_details")
    ring["reason_details"] = json.loads(details) if isinstance(details, str) else {}
    ring["phones"] = sorted(row["phones"], key=lambda phone: phone["phone_id"])
    ring["party_ids"] = sorted(row["party_ids"])
    ring["seed"] = row["seed"]
    ring["finished_at"] = row["finished_at"]
    return ring


def latest_detection_run(db: Database) -> dict[str, Any] | None:
    """Return the most recent DetectionRun's properties, or None before the first run."""
    rows = db.read(statements.LATEST_DETECTION_RUN)
    return rows[0]["run"] if rows else None
