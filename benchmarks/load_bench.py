"""Loader throughput and memory: RingScope's batched load against a naive MERGE-per-row load.

Writes a carrier-style CSV (China Unicom monthly layout, GBK) of ``--rows`` calls for one
owner, starts its own Neo4j in a temporary home on a free loopback port, then:

1. loads the whole file with ``ringscope load calls`` in a child process and reads the
   child's peak RSS from ``getrusage``;
2. loads the first ``--baseline-rows`` rows of the same file the naive way: one
   ``MERGE`` statement per row through the same driver, in one session;

and prints rows per second for both and their ratio. Nothing here is a pass/fail test.

    .venv/bin/python benchmarks/load_bench.py --rows 1000000 --baseline-rows 20000
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

from graph_schema import writes  # noqa: E402
from graph_schema.apply import apply_schema  # noqa: E402
from loader.normalize import normalize_number  # noqa: E402
from loader.readers import open_calls  # noqa: E402
from ringscope.db import connect, to_fixed_offset  # noqa: E402
from ringscope.neo4j_local import LocalNeo4j, shared_lib_dir  # noqa: E402
from ringscope.pseudonym import PseudonymKey, mask_number, pseudonymize  # noqa: E402

HEADER = (
    "序号,业务类型,通话起始时间,通话时长,呼叫类型,对方号码,通话地点,通话类型,通话费,其他费,小计"
)
OWNER = "13800000000"


def write_bill(path: Path, rows: int, peers: int, seed: int) -> None:
    """Write a synthetic one-owner bill with heavy-tailed peers (seeded, so repeatable)."""
    rng = random.Random(seed)
    numbers = [f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}" for _ in range(peers)]
    weights = [1.0 / (rank + 1) for rank in range(peers)]
    start = datetime(2026, 1, 1)
    chosen = rng.choices(numbers, weights=weights, k=rows)
    with path.open("w", encoding="gbk", newline="") as handle:
        handle.write(HEADER + "\n")
        for index, peer in enumerate(chosen, start=1):
            moment = start + timedelta(seconds=index * 29 + rng.randrange(20))
            seconds = rng.randrange(1, 900)
            outgoing = rng.random() < 0.5
            kind = "主叫" if outgoing else "被叫"
            shown = peer if outgoing else "0086" + peer
            handle.write(
                f"{index},语音电话,{moment:%Y-%m-%d %H:%M:%S},{seconds // 60}分{seconds % 60}秒,"
                f"{kind},{shown},0663,本地通话,0.00,0.00,0.00\n"
            )


def prepare_graph(key: PseudonymKey) -> None:
    """Create the owner party, its phone and a consent in an empty database."""
    with connect() as db:
        apply_schema(db)
        owner = normalize_number(OWNER)
        db.write(
            writes.UPSERT_PARTY_PHONES,
            rows=[
                {
                    "party_id": "BENCH-P1",
                    "phone_id": pseudonymize(key, owner.canonical),
                    "kind": owner.kind.value,
                    "display": mask_number(owner.canonical),
                }
            ],
            key_id=key.key_id,
        )
        now = datetime.now().astimezone()
        db.write(
            writes.UPSERT_CONSENTS,
            rows=[
                {
                    "consent_id": "BENCH-C1",
                    "party_id": "BENCH-P1",
                    "scope": ["call_records"],
                    "purpose": ["credit_review"],
                    "granted_at": to_fixed_offset(now - timedelta(days=1)),
                    "expires_at": to_fixed_offset(now + timedelta(days=30)),
                    "revoked_at": None,
                    "document_sha256": None,
                }
            ],
        )


def run_ringscope_load(path: Path, env: dict[str, str]) -> tuple[float, float]:
    """Load ``path`` in a child process; return (seconds, peak RSS in MiB of the child)."""
    # The child reports its own peak RSS at exit, so the Neo4j server and other children
    # of this process do not count.
    report_peak = (
        "import atexit, resource, sys\n"
        "atexit.register(lambda: sys.stderr.write("
        "'PEAK_RSS_KIB=%d\\n' % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))\n"
        "from ringscope.cli import main\n"
        "sys.argv[0] = 'ringscope'\n"
        "main()\n"
    )
    command = [
        sys.executable,
        "-c",
        report_peak,
        "load",
        "calls",
        str(path),
        "--owner-party",
        "BENCH-P1",
        "--consent",
        "BENCH-C1",
        "--json",
    ]
    started = time.perf_counter()
    result = subprocess.run(
        command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    elapsed = time.perf_counter() - started
    peak_kib = next(
        int(line.split("=", 1)[1])
        for line in result.stderr.splitlines()
        if line.startswith("PEAK_RSS_KIB=")
    )
    return elapsed, peak_kib / 1024


def run_naive_load(path: Path, rows: int, key: PseudonymKey) -> float:
    """MERGE one call per statement, the way a first attempt would; return seconds."""
    owner = normalize_number(OWNER)
    owner_id = pseudonymize(key, owner.canonical)
    _, chunks = open_calls(path, owner=owner, chunk_rows=rows)
    calls = next(chunks).calls[:rows]
    started = time.perf_counter()
    with connect() as db, db.driver.session(database=db.database) as session:
        for call in calls:
            caller = pseudonymize(key, call.caller.canonical)
            callee = pseudonymize(key, call.callee.canonical)
            session.run(
                writes.NAIVE_ADD_CALL,
                caller=owner_id if call.caller == owner else caller,
                callee=owner_id if call.callee == owner else callee,
                seconds=call.duration_seconds,
                at=to_fixed_offset(call.started_at),
                batch_id="BENCH-NAIVE",
            ).consume()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in the bill")
    parser.add_argument("--peers", type=int, default=20_000, help="distinct peer numbers")
    parser.add_argument("--baseline-rows", type=int, default=20_000, help="rows for naive MERGE")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    key_text = secrets.token_hex(32)
    key = PseudonymKey.from_text(key_text)
    with tempfile.TemporaryDirectory(prefix="ringscope-bench-") as tmp:
        workdir = Path(tmp)
        bill = workdir / "bill.csv"
        started = time.perf_counter()
        write_bill(bill, args.rows, args.peers, args.seed)
        print(
            f"wrote {args.rows:,} rows ({bill.stat().st_size / 2**20:.1f} MiB) "
            f"in {time.perf_counter() - started:.1f} s"
        )

        server = LocalNeo4j(home=workdir / "neo4j", lib_dir=shared_lib_dir())
        info = server.start(bolt_port=0, http_port=0)
        env = dict(os.environ)
        env.update(
            RINGSCOPE_NEO4J_URI=info.uri,
            RINGSCOPE_NEO4J_USER=info.user,
            RINGSCOPE_NEO4J_PASSWORD=info.password,
            RINGSCOPE_PSEUDONYM_KEY=key_text,
            RINGSCOPE_HOME=str(workdir / "home"),
            RINGSCOPE_LANG="en",
        )
        os.environ.update(
            {
                k: env[k]
                for k in ("RINGSCOPE_NEO4J_URI", "RINGSCOPE_NEO4J_USER", "RINGSCOPE_NEO4J_PASSWORD")
            }
        )
        try:
            prepare_graph(key)
            seconds, peak_mib = run_ringscope_load(bill, env)
            batched_rate = args.rows / seconds
            print(
                f"ringscope load calls: {args.rows:,} rows in {seconds:.1f} s = "
                f"{batched_rate:,.0f} rows/s, peak RSS {peak_mib:,.0f} MiB"
            )

            naive_seconds = run_naive_load(bill, args.baseline_rows, key)
            naive_rate = args.baseline_rows / naive_seconds
            print(
                f"naive MERGE per row: {args.baseline_rows:,} rows in {naive_seconds:.1f} s = "
                f"{naive_rate:,.0f} rows/s"
            )
            print(f"ratio batched / naive: {batched_rate / naive_rate:.1f}x")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
