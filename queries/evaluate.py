"""Compare stored rings and number changes with a generator's ``truth.json``.

Rings are compared as sets of parties. A detected ring matches a true ring when their
party sets have a Jaccard similarity of at least ``min_jaccard``; matching is one to one,
best pairs first. Precision is matched / detected rings, recall matched / true rings. The
adjusted Rand index compares the two partitions of every party in the graph, with parties
outside any ring in a group of their own.

Number changes are compared as (old phone, new phone) pairs. The truth holds clear
(synthetic) numbers, so they are pseudonymised with the same key as the loaded data.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import asdict, dataclass
from math import comb
from pathlib import Path
from typing import Any

import queries.ring_messages  # noqa: F401
from loader.normalize import normalize_number
from queries import statements
from queries.rings import latest_detection_run
from ringscope.db import Database
from ringscope.errors import InputFileError, NotFoundError
from ringscope.pseudonym import PseudonymKey, pseudonymize

logger = logging.getLogger(__name__)

DEFAULT_MIN_JACCARD = 0.5


@dataclass(frozen=True, slots=True)
class Evaluation:
    run_id: str
    ring_precision: float
    ring_recall: float
    ring_ari: float
    number_change_precision: float
    number_change_recall: float
    rings_detected: int
    rings_truth: int
    rings_matched: int
    number_changes_detected: int
    number_changes_truth: int
    number_changes_matched: int
    parties: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def load_truth(path: Path) -> dict[str, Any]:
    """Read a generator truth file.

    Raises:
        InputFileError: unreadable, not JSON, or without rings and number_changes.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputFileError("evaluate.truth_unreadable", path=str(path), error=str(err)) from err
    if not isinstance(data, dict) or "rings" not in data or "number_changes" not in data:
        raise InputFileError(
            "evaluate.truth_unreadable", path=str(path), error="rings / number_changes missing"
        )
    return data


def phone_id_of(key: PseudonymKey, number: str) -> str:
    """Return the pseudonym the loader gives a clear number."""
    return pseudonymize(key, normalize_number(number).canonical)


def match_rings(
    detected: list[set[str]], truth: list[set[str]], min_jaccard: float = DEFAULT_MIN_JACCARD
) -> list[tuple[int, int, float]]:
    """Return one-to-one (detected index, truth index, Jaccard) matches, best first."""
    pairs = []
    for i, found in enumerate(detected):
        for j, real in enumerate(truth):
            union = len(found | real)
            similarity = len(found & real) / union if union else 0.0
            if similarity >= min_jaccard:
                pairs.append((similarity, i, j))
    used_detected: set[int] = set()
    used_truth: set[int] = set()
    matches = []
    for similarity, i, j in sorted(pairs, key=lambda item: (-item[0], item[1], item[2])):
        if i in used_detected or j in used_truth:
            continue
        used_detected.add(i)
        used_truth.add(j)
        matches.append((i, j, similarity))
    return matches


def adjusted_rand_index(labels_a: list[Any], labels_b: list[Any]) -> float:
    """Return the adjusted Rand index of two labelings of the same items (Hubert-Arabie)."""
    n = len(labels_a)
    if n != len(labels_b):
        raise ValueError("labelings differ in length")
    if n < 2:
        return 1.0
    pairs = Counter(zip(labels_a, labels_b, strict=True))
    sum_cells = sum(comb(count, 2) for count in pairs.values())
    sum_a = sum(comb(count, 2) for count in Counter(labels_a).values())
    sum_b = sum(comb(count, 2) for count in Counter(labels_b).values())
    total = comb(n, 2)
    expected = sum_a * sum_b / total
    maximum = (sum_a + sum_b) / 2
    if maximum == expected:
        return 1.0
    return (sum_cells - expected) / (maximum - expected)


def evaluate_detection(
    db: Database,
    truth: dict[str, Any],
    key: PseudonymKey,
    *,
    min_jaccard: float = DEFAULT_MIN_JACCARD,
) -> Evaluation:
    """Compare the graph's current rings and number changes with ``truth``.

    Raises:
        NotFoundError: no detection run is stored yet.
    """
    run = latest_detection_run(db)
    if run is None:
        raise NotFoundError("evaluate.no_run")

    rows = db.read(statements.RING_MEMBER_PARTIES)
    rows.sort(key=lambda row: (-row["score"], row["ring_id"]))
    detected = [set(row["party_ids"]) for row in rows]
    true_rings = [set(ring["members"]) for ring in truth["rings"]]
    matches = match_rings(detected, true_rings, min_jaccard)

    parties = sorted(set(db.read(statements.ALL_PARTY_IDS)[0]["party_ids"]))
    truth_label = {p: f"t{j}" for j, members in enumerate(true_rings) for p in members}
    found_label: dict[str, str] = {}
    for i, members in enumerate(detected):
        for party in members:
            found_label.setdefault(party, f"d{i}")  # a party in two rings keeps the best one
    ari = adjusted_rand_index(
        [truth_label.get(p, "-" + p) for p in parties],
        [found_label.get(p, "-" + p) for p in parties],
    )

    true_changes = {
        (phone_id_of(key, item["old_number"]), phone_id_of(key, item["new_number"]))
        for item in truth["number_changes"]
    }
    found_changes = {
        (row["old_phone_id"], row["new_phone_id"])
        for row in db.read(statements.LIST_NUMBER_CHANGES)
        if not row["stale"]
    }
    correct = len(true_changes & found_changes)

    evaluation = Evaluation(
        run_id=str(run["run_id"]),
        ring_precision=_ratio(len(matches), len(detected)),
        ring_recall=_ratio(len(matches), len(true_rings)),
        ring_ari=round(ari, 4),
        number_change_precision=_ratio(correct, len(found_changes)),
        number_change_recall=_ratio(correct, len(true_changes)),
        rings_detected=len(detected),
        rings_truth=len(true_rings),
        rings_matched=len(matches),
        number_changes_detected=len(found_changes),
        number_changes_truth=len(true_changes),
        number_changes_matched=correct,
        parties=len(parties),
    )
    logger.info("evaluation run_id=%s %s", evaluation.run_id, evaluation.to_json())
    return evaluation


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
