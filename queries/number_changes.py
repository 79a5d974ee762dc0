"""Probable number changes (换号): a number goes quiet and a new one takes over its contacts.

A pair (old, new) is a change when

- the old number has no call in the last ``quiet_days`` of the data, and the new number
  none in the first ``quiet_days``;
- the new number's first call comes at most ``max_gap_days`` after the old number's last
  call (or at most ``max_early_days`` before it, for a day of overlap);
- at least ``min_shared`` of the old number's contacts, and at least ``min_overlap`` of
  them, are contacts of the new number too (``overlap`` = shared / old contacts).

Contacts that changed numbers themselves count through their own change: when colleagues
move to new numbers together, old A called old B and new A calls new B. Detection therefore
runs in rounds; each round matches contacts through the changes found in the round before,
until nothing changes. Each number takes part in at most one change; the best overlap wins.
Hubs and service numbers are never contacts, old numbers or new numbers.
"""

from __future__ import annotations

import hashlib
import logging
import math
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

logger = logging.getLogger(__name__)

DAY_SECONDS = 86_400


@dataclass(frozen=True, slots=True)
class NumberChangeParameters:
    quiet_days: int = 7
    max_gap_days: int = 30
    max_early_days: int = 2
    min_shared: int = 2
    min_overlap: float = 0.6
    # Numbers with fewer calls than this are too sparse to say when they went quiet.
    min_calls: int = 5
    max_rounds: int = 4


@dataclass(slots=True)
class NumberChange:
    """One probable change; times in Unix epoch seconds."""

    old_phone_id: str
    new_phone_id: str
    overlap: float
    shared: list[str]  # old number's contacts that the new number shares (or their new numbers)
    old_contacts: int
    new_contacts: int
    old_last_s: int
    new_first_s: int
    via_changes: int = 0  # shared contacts matched through their own number change
    evidence_phones: list[str] = field(default_factory=list)
    # Cosine similarity of the calls per contact before and after: a person's relationships
    # keep their intensity across a change of number.
    similarity: float = 0.0

    @property
    def change_id(self) -> str:
        material = f"{self.old_phone_id}\x1f{self.new_phone_id}".encode()
        return "NC-" + hashlib.sha256(material).hexdigest()[:16]

    def to_row(
        self,
        provenance: dict[tuple[str, str], tuple[list[str], list[str]]],
        displays: dict[str, str],
    ) -> dict[str, Any]:
        """Return the properties of the NumberChange node.

        ``provenance`` maps (phone, contact) to the consents and batches of their call facts;
        those of the old and new number with the evidence contacts become the change's.
        """
        consents: set[str] = set()
        batches: set[str] = set()
        for end in (self.old_phone_id, self.new_phone_id):
            for contact in self.evidence_phones:
                consent_ids, batch_ids = provenance.get((end, contact), ([], []))
                consents.update(consent_ids)
                batches.update(batch_ids)
        shown = displays
        return {
            "change_id": self.change_id,
            "old_phone_id": self.old_phone_id,
            "new_phone_id": self.new_phone_id,
            "old_display": shown.get(self.old_phone_id),
            "new_display": shown.get(self.new_phone_id),
            "overlap": round(self.overlap, 4),
            "shared_contacts": len(self.shared),
            "old_contacts": self.old_contacts,
            "new_contacts": self.new_contacts,
            "via_changes": self.via_changes,
            "old_last_s": self.old_last_s,
            "new_first_s": self.new_first_s,
            "consent_ids": sorted(consents),
            "batch_ids": sorted(batches),
            "contact_phone_ids": sorted(set(self.evidence_phones)),
        }


def detect_number_changes(
    graph: nx.Graph[str],
    *,
    excluded: set[str] | None = None,
    party_phones: set[str] | None = None,
    parameters: NumberChangeParameters | None = None,
) -> list[NumberChange]:
    """Return the probable number changes in a projected phone graph (queries.rings).

    ``graph`` edges need ``first_s`` and ``last_s``; ``excluded`` contains hub phone ids.
    ``party_phones`` are the numbers the loan system has on record for its parties: between two
    equally good new numbers, the one a party holds now wins.
    """
    params = parameters or NumberChangeParameters()
    skip = set(excluded or ())
    skip.update(node for node in graph.nodes if graph.nodes[node].get("kind") == "service")
    if graph.number_of_edges() == 0:
        return []

    contacts: dict[str, frozenset[str]] = {}
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for node in graph.nodes:
        if node in skip:
            continue
        peers = frozenset(peer for peer in graph[node] if peer not in skip)
        if not peers or sum(graph[node][peer]["calls"] for peer in peers) < params.min_calls:
            continue
        contacts[node] = peers
        first[node] = min(graph[node][peer]["first_s"] for peer in peers)
        last[node] = max(graph[node][peer]["last_s"] for peer in peers)
    data_start = min(first.values())
    data_end = max(last.values())
    quiet = params.quiet_days * DAY_SECONDS

    olds = sorted(
        node
        for node, peers in contacts.items()
        if last[node] <= data_end - quiet and len(peers) >= params.min_shared
    )
    news = {node for node in contacts if first[node] >= data_start + quiet}

    # New numbers among each phone's contacts, computed once: the candidates of an old
    # number are the new numbers two steps away.
    new_peers = {node: [peer for peer in peers if peer in news] for node, peers in contacts.items()}

    changes: list[NumberChange] = []
    mapping: dict[str, str] = {}
    by_old: dict[str, list[NumberChange]] = {}
    affected = olds
    for round_number in range(1, params.max_rounds + 1):
        for old in affected:
            by_old[old] = _candidates_for(
                graph, old, contacts, first, last, new_peers, mapping, params
            )
        changes = _pick_best(
            [change for found in by_old.values() for change in found], party_phones or set()
        )
        new_mapping = {change.old_phone_id: change.new_phone_id for change in changes}
        logger.info("number changes round=%d found=%d", round_number, len(changes))
        if new_mapping == mapping:
            break
        # Only old numbers with a contact whose own change moved need another look.
        moved = {
            old
            for old in set(mapping) | set(new_mapping)
            if mapping.get(old) != new_mapping.get(old)
        }
        mapping = new_mapping
        affected = [old for old in olds if not moved.isdisjoint(contacts[old])]
    return sorted(changes, key=lambda change: change.change_id)


def _candidates_for(
    graph: nx.Graph[str],
    old: str,
    contacts: dict[str, frozenset[str]],
    first: dict[str, int],
    last: dict[str, int],
    new_peers: dict[str, list[str]],
    mapping: dict[str, str],
    params: NumberChangeParameters,
) -> list[NumberChange]:
    old_contacts = contacts[old]
    earliest = last[old] - params.max_early_days * DAY_SECONDS
    latest = last[old] + params.max_gap_days * DAY_SECONDS

    # New numbers reachable through a contact, or through a contact's own new number.
    reachable: set[str] = set()
    for contact in old_contacts:
        for via in (contact, mapping.get(contact)):
            if via is not None and via in new_peers:
                reachable.update(
                    peer for peer in new_peers[via] if earliest <= first[peer] <= latest
                )
    reachable.discard(old)

    found = []
    for new in reachable:
        if new in old_contacts:
            continue
        new_contacts = contacts[new]
        shared = []
        evidence = []
        via_changes = 0
        old_calls = []
        new_calls = []
        for contact in old_contacts:
            moved = mapping.get(contact)
            old_calls.append(graph[old][contact]["calls"])
            if contact in new_contacts:
                shared.append(contact)
                evidence.append(contact)
                new_calls.append(graph[new][contact]["calls"])
            elif moved is not None and moved in new_contacts:
                shared.append(contact)
                evidence.extend((contact, moved))
                via_changes += 1
                new_calls.append(graph[new][moved]["calls"])
            else:
                new_calls.append(0)
        overlap = len(shared) / len(old_contacts)
        if len(shared) < params.min_shared or overlap < params.min_overlap:
            continue
        found.append(
            NumberChange(
                old_phone_id=old,
                new_phone_id=new,
                overlap=overlap,
                shared=sorted(shared),
                old_contacts=len(old_contacts),
                new_contacts=len(new_contacts),
                old_last_s=last[old],
                new_first_s=first[new],
                via_changes=via_changes,
                evidence_phones=sorted(set(evidence)),
                similarity=_cosine(old_calls, new_calls),
            )
        )
    return found


def _cosine(a: list[int], b: list[int]) -> float:
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return sum(x * y for x, y in zip(a, b, strict=True)) / norm if norm else 0.0


def _pick_best(candidates: list[NumberChange], party_phones: set[str]) -> list[NumberChange]:
    """Keep the best candidate per number: highest overlap, most shared contacts, a new
    number that a party holds, the most similar calls per contact, one that starts after the
    old one ended (the sooner the better), then the new number with most contacts."""
    ordered = sorted(
        candidates,
        key=lambda c: (
            -c.overlap,
            -len(c.shared),
            c.new_phone_id not in party_phones,
            -round(c.similarity, 6),
            c.new_first_s < c.old_last_s,
            abs(c.new_first_s - c.old_last_s),
            -c.new_contacts,
            c.old_phone_id,
            c.new_phone_id,
        ),
    )
    used: set[str] = set()
    picked = []
    for change in ordered:
        if change.old_phone_id in used or change.new_phone_id in used:
            continue
        used.update((change.old_phone_id, change.new_phone_id))
        picked.append(change)
    return picked
