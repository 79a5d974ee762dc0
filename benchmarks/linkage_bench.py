"""Linkage API latency and throughput on a graph of about one million calls.

Steps:

1. Start a Neo4j of its own in ``--home`` (default ``.ringscope/bench-linkage``) on free
   loopback ports. The first run generates a population (``ringscope generate``, seed
   ``--seed``, ``--applicants`` bills of about ``--calls-per-applicant`` calls) and loads
   it like an analyst would: parties, emergency contacts, loans, consents, then every bill
   under its owner's consent, then ring detection. Later runs find the loaded graph (a
   marker node records the parameters) and skip straight to step 2.
2. Create a loan_system key and start the API with ``ringscope serve`` (the command's
   click object) in a child process on a free loopback port, with the rate limit raised
   out of the way.
3. Warm up, then run ``--clients`` concurrent clients (asyncio, HTTP/1.1 keep-alive, in a
   child process of their own) that each post linkage requests for random applicants
   with valid consents, for ``--seconds`` seconds.
4. Print p50, p95, p99 latency, throughput and the status counts, and stop everything.

Nothing here is a pass/fail test; docs/benchmarks.md records results.

    .venv/bin/python benchmarks/linkage_bench.py --clients 20 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

import httpx  # noqa: E402

from api.keys import create_api_key  # noqa: E402
from generator import generate_population  # noqa: E402
from graph_schema.apply import apply_schema  # noqa: E402
from loader.extracts import load_extract  # noqa: E402
from loader.pipeline import load_calls  # noqa: E402
from queries.rings import detect_rings  # noqa: E402
from ringscope.cli.load_commands import read_manifest  # noqa: E402
from ringscope.db import Database, connect  # noqa: E402
from ringscope.errors import ConsentError  # noqa: E402
from ringscope.neo4j_local import LocalNeo4j, shared_lib_dir  # noqa: E402
from ringscope.pseudonym import PseudonymKey  # noqa: E402

MARKER_LABEL = "BenchmarkMarker"
# Cypher of the benchmark's own bookkeeping; the product never runs it.
READ_MARKER = f"MATCH (m:{MARKER_LABEL}) RETURN m.parameters AS parameters"
WRITE_MARKER = f"MERGE (m:{MARKER_LABEL} {{name: 'linkage'}}) SET m.parameters = $parameters"
COUNT_GRAPH = """
CALL () { MATCH ()-[r:CALLED]->() RETURN count(r) AS relationships, sum(r.calls) AS rows }
CALL () { MATCH (p:Phone) RETURN count(p) AS phones }
CALL () { MATCH (p:Party) RETURN count(p) AS parties }
CALL () { MATCH (r:Ring) RETURN count(r) AS rings }
RETURN relationships, rows, phones, parties, rings
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def prepare_graph(db: Database, home: Path, args: argparse.Namespace) -> Path:
    """Generate and load the population unless the graph already contains it."""
    parameters = json.dumps(
        {"seed": args.seed, "applicants": args.applicants, "calls": args.calls_per_applicant},
        sort_keys=True,
    )
    data = home / "data"
    rows = db.read(READ_MARKER)
    if rows and rows[0]["parameters"] == parameters:
        log("graph already loaded with these parameters")
        return data

    key_file = home / "pseudonym.key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32), encoding="utf-8")
    key = PseudonymKey.from_text(key_file.read_text(encoding="utf-8"))
    if not (data / "truth.json").exists():
        log(f"generating {args.applicants} applicants into {data}")
        generate_population(
            data,
            seed=args.seed,
            applicants=args.applicants,
            calls_per_applicant=args.calls_per_applicant,
            overwrite=True,
        )

    apply_schema(db)
    quarantine = home / "quarantine"
    for kind in ("parties", "contacts", "loans", "consents"):
        report = load_extract(kind, data / f"{kind}.csv", db=db, key=key, quarantine_dir=quarantine)
        log(f"loaded {kind}: {report.rows_loaded} rows")
    started = time.monotonic()
    jobs = read_manifest(data / "manifest.json")
    refused = 0
    for index, job in enumerate(jobs, start=1):
        try:
            load_calls(
                job.path,
                db=db,
                key=key,
                owner_party=job.owner_party,
                consent_id=job.consent_id,
                purpose=job.purpose,
                layout=job.layout,
                quarantine_dir=quarantine,
            )
        except ConsentError:
            refused += 1  # expired and revoked consents: the gate refuses those bills
        if index % 500 == 0:
            rate = index / (time.monotonic() - started)
            log(f"loaded {index}/{len(jobs)} bills ({rate:.1f} bills/s)")
    log(f"bills loaded; {refused} refused by the consent gate")
    result = detect_rings(db, seed=args.seed)
    log(f"detection: {result.communities} communities, {len(result.rings)} rings")
    db.write(WRITE_MARKER, parameters=parameters)
    return data


def pick_parties(data: Path, count: int, seed: int) -> list[tuple[str, str]]:
    """Random applicants whose consents are valid (expired and revoked ones left out)."""
    truth = json.loads((data / "truth.json").read_text(encoding="utf-8"))
    refused = {c["party_id"] for group in truth["consents"].values() for c in group}
    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    parties = [
        (entry["owner_party"], entry["consent"])
        for entry in manifest["batches"]
        if entry["owner_party"] not in refused
    ]
    return random.Random(seed).sample(parties, min(count, len(parties)))


def start_api(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    code = (
        "import sys; from ringscope.cli.serve_commands import serve; "
        f"serve(['--host', '127.0.0.1', '--port', '{port}'])"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=REPOSITORY,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError("the API did not become ready within 60 s")


async def _client(
    client: httpx.AsyncClient,
    parties: list[tuple[str, str]],
    rng: random.Random,
    deadline: float,
    latencies: list[float],
    statuses: dict[int, int],
) -> None:
    while time.monotonic() < deadline:
        party_id, consent_id = rng.choice(parties)
        started = time.perf_counter()
        response = await client.post(
            "/v1/linkage",
            json={"party_id": party_id, "consent_id": consent_id, "purpose": "credit_review"},
        )
        await response.aread()
        latencies.append(time.perf_counter() - started)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1


async def _drive(
    url: str, key: str, parties: list[tuple[str, str]], clients: int, seconds: float, seed: int
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {key}", "Accept-Language": "zh-CN"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    async with httpx.AsyncClient(
        base_url=url, headers=headers, limits=limits, timeout=30
    ) as client:
        deadline = time.monotonic() + seconds
        started = time.monotonic()
        await asyncio.gather(
            *(
                _client(client, parties, random.Random(seed + i), deadline, latencies, statuses)
                for i in range(clients)
            )
        )
        elapsed = time.monotonic() - started
    return {"latencies": latencies, "statuses": statuses, "elapsed": elapsed}


def run_clients(args: argparse.Namespace) -> None:
    """Drive the load (in the child process) and print the raw result as JSON on stdout."""
    parties = [(str(a), str(b)) for a, b in json.loads(Path(args.parties_file).read_text())]
    result = asyncio.run(_drive(args.url, args.key, parties, args.clients, args.seconds, args.seed))
    print(json.dumps(result))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def drive_in_child(
    url: str, key: str, parties_file: Path, clients: int, seconds: float, seed: int
) -> dict[str, Any]:
    output = subprocess.run(
        [
            sys.executable,
            __file__,
            "--drive",
            "--url",
            url,
            "--key",
            key,
            "--parties-file",
            str(parties_file),
            "--clients",
            str(clients),
            "--seconds",
            str(seconds),
            "--seed",
            str(seed),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=seconds + 120,
    ).stdout
    result: dict[str, Any] = json.loads(output)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, default=REPOSITORY / ".ringscope" / "bench-linkage")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--applicants", type=int, default=10_000)
    parser.add_argument("--calls-per-applicant", type=int, default=90)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warmup-seconds", type=float, default=15.0)
    parser.add_argument("--heap-mb", type=int, default=2048)
    parser.add_argument("--pagecache-mb", type=int, default=2048)
    parser.add_argument("--keep-running", action="store_true", help="Leave Neo4j running.")
    parser.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--key", help=argparse.SUPPRESS)
    parser.add_argument("--parties-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        run_clients(args)
        return

    home: Path = args.home
    home.mkdir(parents=True, exist_ok=True)
    server = LocalNeo4j(
        home=home / "neo4j",
        lib_dir=shared_lib_dir(),
        heap_mb=args.heap_mb,
        pagecache_mb=args.pagecache_mb,
    )
    info = server.start(bolt_port=0, http_port=0)
    env = {
        **os.environ,
        "RINGSCOPE_NEO4J_URI": info.uri,
        "RINGSCOPE_NEO4J_USER": info.user,
        "RINGSCOPE_NEO4J_PASSWORD": info.password,
        "RINGSCOPE_HOME": str(home),
        "RINGSCOPE_API_RATE_LIMIT_PER_MINUTE": str(10**9),
    }
    os.environ.update(env)
    api: subprocess.Popen[bytes] | None = None
    try:
        with connect() as db:
            data = prepare_graph(db, home, args)
            graph = db.read(COUNT_GRAPH)[0]
            key = create_api_key(db, "loan_system", label="linkage benchmark")
        log(f"graph: {json.dumps(graph)}")
        parties_file = home / "parties.json"
        parties_file.write_text(json.dumps(pick_parties(data, 2_000, args.seed)))

        port = free_port()
        api = start_api(env, port)
        url = f"http://127.0.0.1:{port}"
        log(f"API ready at {url}; warming up for {args.warmup_seconds:.0f} s")
        drive_in_child(url, key, parties_file, args.clients, args.warmup_seconds, args.seed + 1)

        log(f"measuring: {args.clients} clients for {args.seconds:.0f} s")
        result = drive_in_child(url, key, parties_file, args.clients, args.seconds, args.seed)
        latencies = [value * 1000 for value in result["latencies"]]
        summary = {
            "calls": graph["rows"],
            "called_relationships": graph["relationships"],
            "phones": graph["phones"],
            "parties": graph["parties"],
            "clients": args.clients,
            "seconds": round(result["elapsed"], 1),
            "requests": len(latencies),
            "statuses": result["statuses"],
            "requests_per_second": round(len(latencies) / result["elapsed"], 1),
            "p50_ms": round(percentile(latencies, 0.50), 1),
            "p95_ms": round(percentile(latencies, 0.95), 1),
            "p99_ms": round(percentile(latencies, 0.99), 1),
            "mean_ms": round(statistics.fmean(latencies), 1),
            "cpus": os.cpu_count(),
        }
        print(json.dumps(summary, indent=2))
    finally:
        if api is not None:
            api.terminate()
            api.wait(timeout=30)
        if not args.keep_running:
            server.stop()


if __name__ == "__main__":
    main()
