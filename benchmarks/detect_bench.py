"""Ring detection end to end on generated graphs, and three Louvain implementations side by side.

For each size (calls): generate a full synthetic population (`ringscope generate`, about 90
calls per applicant), start a private local Neo4j in the work folder, load the parties,
contacts, loans and consents and then ``edges.csv`` as one edge-list batch, and time
``detect_rings`` (projection from Neo4j, intermediaries, hubs, Louvain, components, circles,
scoring, number changes, writing back). Then run python-louvain, networkx's
``louvain_communities`` and igraph's ``community_multilevel`` on the same suppressed
projection and report time and modularity (all three measured with networkx's modularity).

    .venv/bin/python benchmarks/detect_bench.py --calls 100000 --calls 1000000

Loading is not timed: it is the loader's benchmark. The Neo4j server is stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import platform
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import networkx as nx

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

from generator import generate_population  # noqa: E402
from graph_schema.apply import apply_schema  # noqa: E402
from loader.extracts import load_extract  # noqa: E402
from loader.pipeline import load_calls  # noqa: E402
from queries.rings import (  # noqa: E402
    DEFAULT_SEED,
    DetectionParameters,
    detect_rings,
    find_hubs,
    find_intermediaries,
    parties_by_phone,
    project_phone_graph,
    read_party_facts,
    run_louvain,
)
from ringscope.db import Database, connect  # noqa: E402
from ringscope.neo4j_local import LocalNeo4j, shared_lib_dir  # noqa: E402
from ringscope.pseudonym import PseudonymKey  # noqa: E402
from ringscope.settings import Neo4jSettings  # noqa: E402

CALLS_PER_APPLICANT = 90


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, action="append", help="approximate calls per run")
    parser.add_argument("--seed", type=int, default=1, help="generator seed")
    parser.add_argument("--work", type=Path, default=None, help="work folder (default: temp)")
    parser.add_argument("--heap-mb", type=int, default=4096)
    parser.add_argument("--pagecache-mb", type=int, default=4096)
    parser.add_argument("--json", type=Path, default=None, help="also write results here")
    parser.add_argument("--keep", action="store_true", help="leave the last server running")
    args = parser.parse_args()
    sizes = args.calls or [100_000, 1_000_000]
    work = args.work or Path(tempfile.mkdtemp(prefix="ringscope-detect-bench-"))

    results = []
    for calls in sizes:
        results.append(bench_size(calls, args.seed, work / f"calls-{calls}", args))
    print_results(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


def bench_size(calls: int, seed: int, folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    applicants = max(20, calls // (CALLS_PER_APPLICANT + 10))
    data = folder / "data"
    started = time.perf_counter()
    summary = generate_population(
        data, seed=seed, applicants=applicants, calls_per_applicant=CALLS_PER_APPLICANT
    )
    generated = time.perf_counter() - started
    print(
        f"[{calls}] generated {summary.calls} calls, {applicants} applicants in {generated:.1f} s"
    )

    server = LocalNeo4j(
        home=folder / "neo4j",
        lib_dir=shared_lib_dir(),
        heap_mb=args.heap_mb,
        pagecache_mb=args.pagecache_mb,
        settings=Neo4jSettings(local_browser_version=""),
    )
    info = server.start(bolt_port=0)
    try:
        db = connect(
            Neo4jSettings(uri=info.uri, user=info.user, password=info.password)  # type: ignore[arg-type]
        )
        with db:
            loaded = load_population(db, data, folder / "quarantine")
            print(f"[{calls}] loaded in {loaded:.1f} s (not part of the timing)")
            row = time_detection(db)
        row.update(
            calls=summary.calls,
            applicants=applicants,
            generate_seconds=round(generated, 1),
            load_seconds=round(loaded, 1),
        )
        return row
    finally:
        if args.keep:
            print(f"[{calls}] server left running: {info.uri}, home {folder / 'neo4j'}")
        else:
            server.stop()


def load_population(db: Database, data: Path, quarantine: Path) -> float:
    """Load the extracts, then every call as one edge-list batch under one valid consent."""
    started = time.perf_counter()
    key = PseudonymKey.from_text(secrets.token_hex(32))
    apply_schema(db)
    for kind in ("parties", "contacts", "loans", "consents"):
        load_extract(kind, data / f"{kind}.csv", db=db, key=key, quarantine_dir=quarantine)
    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    owner = manifest["batches"][0]
    report = load_calls(
        data / "edges.csv",
        db=db,
        key=key,
        owner_party=owner["owner_party"],
        consent_id=owner["consent"],
        layout="edge-list",
        quarantine_dir=quarantine,
    )
    if report.rows_loaded == 0:
        raise SystemExit(f"edge list did not load: {report.to_json()}")
    return time.perf_counter() - started


def time_detection(db: Database) -> dict[str, Any]:
    """Time detect_rings end to end, then the three Louvain implementations."""
    started = time.perf_counter()
    result = detect_rings(db, seed=DEFAULT_SEED)
    end_to_end = time.perf_counter() - started

    params = DetectionParameters()
    projection = project_phone_graph(db)
    parties = read_party_facts(db)
    protected = [item.phone_id for item in find_intermediaries(projection.graph, parties, params)]
    hubs = find_hubs(projection.graph, set(parties_by_phone(parties)), params, protected)
    graph = projection.graph.copy()
    graph.remove_nodes_from(hubs)

    louvain = {}
    started = time.perf_counter()
    partition, _ = run_louvain(graph, seed=DEFAULT_SEED)
    louvain["python-louvain"] = (time.perf_counter() - started, _modularity(graph, partition))

    started = time.perf_counter()
    communities = nx.community.louvain_communities(graph, weight="weight", seed=DEFAULT_SEED)
    seconds = time.perf_counter() - started
    louvain["networkx"] = (seconds, nx.community.modularity(graph, communities, weight="weight"))

    try:
        import igraph
    except ImportError:
        louvain["igraph"] = (float("nan"), float("nan"))
    else:
        started = time.perf_counter()
        converted = igraph.Graph.from_networkx(graph)
        clusters = converted.community_multilevel(weights="weight")
        seconds = time.perf_counter() - started
        names = converted.vs["_nx_name"]
        labels = {names[index]: label for index, label in enumerate(clusters.membership)}
        louvain["igraph"] = (seconds, _modularity(graph, labels))

    return {
        "nodes": projection.graph.number_of_nodes(),
        "edges": projection.graph.number_of_edges(),
        "suppressed_nodes": graph.number_of_nodes(),
        "suppressed_edges": graph.number_of_edges(),
        "detect_seconds": round(end_to_end, 1),
        "rings": len(result.risk_rings),
        "number_changes": len(result.number_changes),
        "communities": result.communities,
        "louvain": {
            name: {"seconds": round(s, 2), "modularity": round(q, 4)}
            for name, (s, q) in louvain.items()
        },
    }


def _modularity(graph: nx.Graph[str], partition: dict[str, int]) -> float:
    groups: dict[int, set[str]] = {}
    for node, label in partition.items():
        groups.setdefault(label, set()).add(node)
    return float(nx.community.modularity(graph, groups.values(), weight="weight"))


def print_results(results: list[dict[str, Any]]) -> None:
    print()
    print(
        f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    print("calls      phones   edges    detect_s  rings  changes")
    for row in results:
        print(
            f"{row['calls']:<10} {row['nodes']:<8} {row['edges']:<8} "
            f"{row['detect_seconds']:<9} {row['rings']:<6} {row['number_changes']}"
        )
    print()
    print("calls      algorithm        seconds  modularity")
    for row in results:
        for name, figures in row["louvain"].items():
            print(f"{row['calls']:<10} {name:<16} {figures['seconds']:<8} {figures['modularity']}")


if __name__ == "__main__":
    main()
