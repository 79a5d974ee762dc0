"""Detection building blocks without a database, checked against networkx references."""

from __future__ import annotations

import logging
import random
from pathlib import Path

import networkx as nx
import pytest

from queries.evaluate import adjusted_rand_index, match_rings
from queries.library import QUERY_DIR, coerce_params, list_queries, parse_query
from queries.number_changes import detect_number_changes
from queries.ring_messages import render_reason
from queries.rings import (
    DAY_SECONDS,
    DetectionParameters,
    PartyFacts,
    _largest_cluster,
    assign_stable_ids,
    connected_groups,
    find_guarantee_circles,
    find_hubs,
    find_intermediaries,
    run_louvain,
)
from ringscope.errors import QueryError

logger = logging.getLogger(__name__)

GRAPH_SEED = 20260501


def _planted_graph(seed: int) -> tuple[nx.Graph[str], list[set[str]]]:
    """Four dense groups of 12 phones with sparse links between them."""
    raw = nx.planted_partition_graph(4, 12, 0.8, 0.02, seed=seed)
    graph: nx.Graph[str] = nx.relabel_nodes(raw, {n: f"p{n:03d}" for n in raw.nodes})
    for _, _, data in graph.edges(data=True):
        data["weight"] = 1.0
    groups = [{f"p{n:03d}" for n in block} for block in raw.graph["partition"]]
    return graph, groups


def test_run_louvain_recovers_planted_groups() -> None:
    logger.info("planted partition seed=%d", GRAPH_SEED)
    graph, groups = _planted_graph(GRAPH_SEED)
    partition, _ = run_louvain(graph, seed=1)
    truth = {node: index for index, group in enumerate(groups) for node in group}
    nodes = sorted(graph.nodes)
    ari = adjusted_rand_index([truth[n] for n in nodes], [partition[n] for n in nodes])
    assert ari == pytest.approx(1.0)


def test_run_louvain_modularity_matches_networkx() -> None:
    logger.info("planted partition seed=%d", GRAPH_SEED)
    graph, _ = _planted_graph(GRAPH_SEED)
    partition, modularity = run_louvain(graph, seed=1)
    communities: dict[int, set[str]] = {}
    for node, label in partition.items():
        communities.setdefault(label, set()).add(node)
    reference = nx.community.modularity(graph, communities.values(), weight="weight")
    assert modularity == pytest.approx(reference)


def test_run_louvain_same_seed_same_partition() -> None:
    graph, _ = _planted_graph(GRAPH_SEED)
    shuffled: nx.Graph[str] = nx.Graph()
    edges = list(graph.edges(data=True))
    random.Random(GRAPH_SEED).shuffle(edges)
    shuffled.add_edges_from(edges)
    assert run_louvain(graph, seed=3)[0] == run_louvain(shuffled, seed=3)[0]


def test_connected_groups_match_networkx() -> None:
    logger.info("random graph seed=%d", GRAPH_SEED)
    graph = nx.gnm_random_graph(80, 60, seed=GRAPH_SEED)
    edges = [(f"n{a}", f"n{b}") for a, b in graph.edges]
    nodes = [f"n{n}" for n in graph.nodes]
    reference = sorted(sorted(f"n{n}" for n in c) for c in nx.connected_components(graph))
    assert sorted(connected_groups(nodes, edges)) == reference


def test_find_guarantee_circles_match_networkx() -> None:
    logger.info("random digraph seed=%d", GRAPH_SEED)
    digraph = nx.gnm_random_graph(30, 45, seed=GRAPH_SEED, directed=True)
    links = [(f"P{a:02d}", f"L{a:02d}-{b:02d}", f"P{b:02d}") for a, b in digraph.edges]
    found = {frozenset(c.parties) for c in find_guarantee_circles(links, 4)}
    reference = {
        frozenset(f"P{n:02d}" for n in cycle)
        for cycle in nx.simple_cycles(digraph, length_bound=4)
        if len(cycle) >= 2
    }
    assert found == reference


def test_find_guarantee_circles_loans_follow_order() -> None:
    links = [("B", "L1", "C"), ("C", "L2", "A"), ("A", "L3", "B")]
    circle = find_guarantee_circles(links, 6)[0]
    assert (circle.parties, circle.loans) == (("A", "B", "C"), ("L3", "L1", "L2"))


def test_largest_cluster_picks_densest_window() -> None:
    items = [(0, "a"), (10, "b"), (100, "c"), (103, "d"), (105, "e")]
    assert [key for _, key in _largest_cluster(items, 5)] == ["c", "d", "e"]


def _coached_world() -> tuple[nx.Graph[str], dict[str, PartyFacts]]:
    """Five applicants applying on days 30-32 who call one agent only around then, plus
    a courier that everyone calls all period."""
    graph: nx.Graph[str] = nx.Graph()
    parties = {}
    for index in range(5):
        phone = f"m{index}"
        applied = (30 + index % 3) * DAY_SECONDS
        parties[f"P{index}"] = PartyFacts(f"P{index}", (phone,), (), applied, ())
        graph.add_edge(
            phone,
            "agent",
            calls=3,
            seconds=400,
            first_s=applied - 5 * DAY_SECONDS,
            last_s=applied + DAY_SECONDS,
            weight=3.7,
        )
        graph.add_edge(
            phone,
            "courier",
            calls=9,
            seconds=200,
            first_s=DAY_SECONDS,
            last_s=80 * DAY_SECONDS,
            weight=9.3,
        )
    for node in graph.nodes:
        graph.nodes[node]["kind"] = "mobile"
    return graph, parties


def test_find_intermediaries_finds_agent_only() -> None:
    graph, parties = _coached_world()
    found = find_intermediaries(graph, parties, DetectionParameters())
    assert [item.phone_id for item in found] == ["agent"]


def test_find_hubs_spares_protected_intermediary() -> None:
    graph, _ = _coached_world()
    params = DetectionParameters(hub_min_owners=3)
    owners = {f"m{index}" for index in range(5)}
    assert find_hubs(graph, owners, params, protected=["agent"]) == ["courier"]


def test_assign_stable_ids_keeps_overlapping_id() -> None:
    previous = {"R-old": {"a", "b", "c", "d"}}
    ids = assign_stable_ids([(0, ["a", "b", "c", "d", "e"]), (1, ["x", "y"])], previous)
    assert ids[0] == "R-old"


def test_assign_stable_ids_new_ring_gets_derived_id() -> None:
    ids = assign_stable_ids([(1, ["x", "y"])], {"R-old": {"a", "b"}})
    assert ids[1].startswith("R-") and ids[1] != "R-old"


def _switch_graph() -> nx.Graph[str]:
    """Old numbers o1, o2 of two colleagues go quiet on day 40; n1, n2 start on day 41.

    Witnesses w1..w3 call o1/n1 and o2/n2 with different intensities; o1 also talked to o2
    before the switch, and n1 talks to n2 after it.
    """
    graph: nx.Graph[str] = nx.Graph()

    def link(a: str, b: str, calls: int, first: int, last: int) -> None:
        graph.add_edge(
            a,
            b,
            calls=calls,
            seconds=60 * calls,
            first_s=first * DAY_SECONDS,
            last_s=last * DAY_SECONDS,
            consent_ids={"C"},
            batch_ids={"B"},
        )

    for witness, (one, two) in {"w1": (9, 1), "w2": (2, 8), "w3": (5, 5)}.items():
        link(witness, "o1", one, 1, 39)
        link(witness, "n1", one, 42, 90)
        link(witness, "o2", two, 2, 38)
        link(witness, "n2", two, 41, 90)
    link("o1", "o2", 6, 1, 37)
    link("n1", "n2", 6, 43, 90)
    for witness in ("w1", "w2", "w3"):
        link(witness, "family-" + witness, 20, 1, 90)
    for node in graph.nodes:
        graph.nodes[node]["kind"] = "mobile"
    return graph


def test_detect_number_changes_pairs_by_intensity() -> None:
    changes = detect_number_changes(_switch_graph())
    assert {(c.old_phone_id, c.new_phone_id) for c in changes} == {("o1", "n1"), ("o2", "n2")}


def test_detect_number_changes_counts_contacts_that_moved() -> None:
    changes = {c.old_phone_id: c for c in detect_number_changes(_switch_graph())}
    assert changes["o1"].via_changes == 1


def test_adjusted_rand_index_identical_is_one() -> None:
    assert adjusted_rand_index([1, 1, 2, 2, 3], ["a", "a", "b", "b", "c"]) == 1.0


def test_adjusted_rand_index_known_value() -> None:
    # Reference value from the Hubert-Arabie formula worked by hand for this contingency.
    value = adjusted_rand_index([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2])
    assert value == pytest.approx(0.24242424, rel=1e-6)


def test_match_rings_one_to_one() -> None:
    matches = match_rings([{"a", "b"}, {"a", "b", "c"}], [{"a", "b", "c"}])
    assert [(i, j) for i, j, _ in matches] == [(1, 0)]


def test_library_every_query_parses() -> None:
    names = {query.name for query in list_queries()}
    assert len(names) == len(list(QUERY_DIR.glob("*.cypher")))


def test_library_has_required_queries() -> None:
    required = {
        "shared_contacts",
        "candidate_intermediaries",
        "direct_calls",
        "emergency_contact_links",
        "guarantee_circles",
        "shortest_paths",
        "neighbourhood",
        "defaulted_links",
        "night_call_profile",
        "top_contacts",
        "number_changes",
    }
    assert required <= {query.name for query in list_queries()}


def test_library_every_query_documents_both_languages() -> None:
    missing = [
        query.name
        for query in list_queries()
        for item in (*query.params, *query.columns)
        if not (item.description["zh-CN"] and item.description["en"])
    ]
    assert missing == []


def test_library_placeholders_resolved() -> None:
    leftovers = [query.name for query in list_queries() if "%" in query.text.replace(" % ", "")]
    assert leftovers == []


def test_parse_query_rejects_unknown_label(tmp_path: Path) -> None:
    text = (
        "// name: bad\n// purpose.zh-CN: 坏\n// purpose.en: bad\n"
        "// column x (int): 数 | number\nMATCH (n:%NOPE%) RETURN 1 AS x\n"
    )
    with pytest.raises(QueryError) as caught:
        parse_query(text, tmp_path / "bad.cypher")
    assert caught.value.message_key == "query.unknown_name"


def test_coerce_params_reports_every_problem() -> None:
    query = next(q for q in list_queries() if q.name == "shortest_paths")
    with pytest.raises(QueryError) as caught:
        coerce_params(query, {"max_hops": "x", "colour": "red"})
    assert caught.value.params["problems"].count(";") == 3  # bad type, unknown, 2 missing


def test_coerce_params_fills_defaults() -> None:
    query = next(q for q in list_queries() if q.name == "top_contacts")
    assert coerce_params(query, {"party_id": "P1"}) == {"party_id": "P1", "limit": 10}


def test_render_reason_both_languages() -> None:
    details = {"members": 2, "statuses": ["defaulted", "overdue"]}
    texts = (
        render_reason("defaulted_member", details, "zh-CN"),
        render_reason("defaulted_member", details, "en"),
    )
    assert texts == (
        "成员中有 2 人的贷款处于违约、逾期状态。",
        "2 members hold loans that are defaulted or overdue.",
    )
