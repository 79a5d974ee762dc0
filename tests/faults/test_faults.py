"""Faults against real servers: Neo4j killed mid-load, the API while Neo4j is down, Ctrl-C.

The kill test starts its own Neo4j (one JVM for this module, restarted after the kill) in
a temporary home, so the session's server is never harmed; the Ctrl-C test runs the CLI
in a child process against the session's server. Drivers here retry for 3 s instead of the
product's 15 s, so that the time a request takes while the server is down stays short.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn
from neo4j import GraphDatabase

from api.app import create_app
from api.keys import create_api_key
from loader.pipeline import load_calls
from ringscope.db import Database
from ringscope.errors import Neo4jUnavailableError
from ringscope.neo4j_local import LocalNeo4j, LocalServerInfo, shared_lib_dir
from ringscope.pseudonym import PseudonymKey
from tests import graph_helpers
from tests.privacy import helpers

pytestmark = pytest.mark.neo4j

RETRY_SECONDS = 3.0
# Rows of the bill that the Ctrl-C test interrupts: enough for several 50,000-row chunks.
INTERRUPTED_BILL_ROWS = 600_000
POLL_SECONDS = 0.05
BATCH_STATES = "MATCH (b:Batch) RETURN b.status AS status"


def _open(info: LocalServerInfo) -> Database:
    driver = GraphDatabase.driver(
        info.uri,
        auth=(info.user, info.password),
        connection_timeout=RETRY_SECONDS,
        max_transaction_retry_time=RETRY_SECONDS,
        notifications_min_severity="OFF",
    )
    return Database(driver, "neo4j", info.uri)


def _call_counts(db: Database) -> dict[str, int]:
    # Without nodes and relationships in total: the API adds its key and audit events.
    counts = graph_helpers.counts(db)
    return {name: counts[name] for name in ("phones", "called", "calls", "seconds", "batches")}


class FaultServer:
    """The module's own Neo4j; ``info`` changes with each restart (new pid, same ports)."""

    def __init__(self, home: Path) -> None:
        self.server = LocalNeo4j(home=home, lib_dir=shared_lib_dir(), heap_mb=512, pagecache_mb=64)
        self.info = self.server.start(bolt_port=0, http_port=0)

    def kill(self) -> None:
        """SIGKILL the server, as a crash or the OOM killer would, and reap it."""
        os.kill(self.info.pid, signal.SIGKILL)
        try:
            os.waitpid(self.info.pid, 0)
        except ChildProcessError:
            pass  # not our child; the kernel reaps it

    def restart(self) -> None:
        info = self.server.start(bolt_port=self.info.bolt_port, http_port=self.info.http_port or 0)
        assert info.bolt_port == self.info.bolt_port
        self.info = info


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultServer]:
    server = FaultServer(tmp_path_factory.mktemp("fault-neo4j"))
    try:
        yield server
    finally:
        server.server.stop()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def _serve_api(info: LocalServerInfo) -> Iterator[httpx.Client]:
    """Run the API with uvicorn on a loopback port in a thread, on the module's server."""
    port = _free_port()
    app = create_app(database_factory=lambda: _open(info))
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="fault-test-api", daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the API did not start"
        time.sleep(POLL_SECONDS)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def test_faults_killed_neo4j_recovers_cleanly(
    own_server: FaultServer, pseudonym_key: PseudonymKey, tmp_path: Path
) -> None:
    # One kill serves both checks, because each restart of the server costs 15 to 30 s.
    info = own_server.info
    population = helpers.make_population(tmp_path / "bills", seed=41, owners=3, calls=900)
    db = _open(info)
    helpers.reset(db)
    helpers.load_population(db, pseudonym_key, population, tmp_path, chunk_rows=100)
    clean = helpers.picture(db)
    clean_counts = _call_counts(db)
    helpers.reset(db)
    helpers.load_population(db, pseudonym_key, population, tmp_path, parties=["P-0", "P-1"])
    api_key = create_api_key(db, "loan_system", label="fault test")
    body = {"party_id": "P-0", "consent_id": "C-P-0", "purpose": "credit_review"}
    headers = {"Authorization": f"Bearer {api_key}", "Accept-Language": "en"}
    chunks_written = 0

    def kill_after_two_chunks(rows: int) -> None:
        nonlocal chunks_written
        chunks_written += 1
        if chunks_written == 2:
            own_server.kill()

    with _serve_api(info) as client:
        before = client.post("/v1/linkage", json=body, headers=headers)
        with pytest.raises(Neo4jUnavailableError):
            load_calls(
                population.bills["P-2"],
                db=db,
                key=pseudonym_key,
                owner_party="P-2",
                consent_id="C-P-2",
                quarantine_dir=tmp_path / "q",
                chunk_rows=100,
                progress=kill_after_two_chunks,
                now=helpers.LOAD_TIME,
            )
        down = client.post("/v1/linkage", json=body, headers=headers)
        not_ready = client.get("/readyz")
        own_server.restart()
        after = client.post("/v1/linkage", json=body, headers=headers)
    partial = {row["status"] for row in db.read(BATCH_STATES)}
    reports = helpers.load_population(db, pseudonym_key, population, tmp_path, chunk_rows=100)
    rerun = helpers.picture(db)
    rerun_counts = _call_counts(db)
    db.close()

    assert before.status_code == 200, before.text
    assert down.status_code == 503
    assert down.headers["content-type"].startswith("application/problem+json")
    assert down.json()["code"] in {"neo4j_unavailable", "audit_unavailable"}
    assert api_key not in down.text
    assert not_ready.status_code == 503
    assert after.status_code == 200, after.text
    assert chunks_written >= 2
    assert "loading" in partial
    assert [report.status for report in reports] == ["already_loaded", "already_loaded", "loaded"]
    assert rerun_counts == clean_counts
    assert rerun == clean


def _write_long_bill(path: Path, owner_peer_seed: int) -> None:
    """A Unicom bill of INTERRUPTED_BILL_ROWS calls to 500 random peers."""
    rng = random.Random(owner_peer_seed)
    peers = [helpers.random_mobile(rng) for _ in range(500)]
    start = helpers.PERIOD_START
    lines = [helpers.UNICOM_HEADER]
    for index in range(INTERRUPTED_BILL_ROWS):
        moment = start.replace(tzinfo=None) + index * timedelta(seconds=61)
        lines.append(
            f"{index + 1},语音电话,{moment:%Y-%m-%d %H:%M:%S},{rng.randrange(1, 600)}秒,主叫,"
            f"{rng.choice(peers)},0663,本地通话,0,0,0"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _restore_default_sigint() -> None:
    # A child inherits both the ignored disposition and the blocked-signal mask; threads of
    # earlier tests (uvicorn, asyncio) can leave SIGINT blocked in the test process.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def test_faults_ctrl_c_leaves_no_batch(
    db: Database, pseudonym_key: PseudonymKey, tmp_path: Path
) -> None:
    population = helpers.make_population(tmp_path / "bills", seed=47, owners=1, calls=5)
    helpers.load_population(db, pseudonym_key, population, tmp_path, parties=[])
    bill = tmp_path / "long-bill.csv"
    _write_long_bill(bill, 47)
    before = graph_helpers.snapshot(db)
    command = [str(Path(sys.executable).parent / "ringscope"), "load", "calls", str(bill)]
    command += ["--owner-party", "P-0", "--consent", "C-P-0", "--quarantine-dir", str(tmp_path)]

    # Small write buffers, so that call facts reach the graph long before the load ends.
    env = dict(os.environ, RINGSCOPE_LOADER_FLUSH_CALLS="5000")
    # A shell that runs the suite in the background ignores SIGINT, and a child inherits
    # that, so Python would never raise KeyboardInterrupt; restore the default first.
    baseline = graph_helpers.counts(db)["called"]
    child = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_restore_default_sigint,
    )
    # Wait for call facts of this load, beyond the population's own: a signal sent before
    # the child runs Python could be ignored, and the load would then finish.
    calls_seen = 0
    while child.poll() is None and calls_seen == 0:
        calls_seen = graph_helpers.counts(db)["called"] - baseline
        time.sleep(POLL_SECONDS)
    child.send_signal(signal.SIGINT)
    _, stderr = child.communicate(timeout=120)

    assert calls_seen > 0, stderr.decode("utf-8", "replace")[-2000:]
    assert child.returncode != 0
    assert graph_helpers.snapshot(db) == before
