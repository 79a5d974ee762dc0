"""`ringscope demo`: the main job end to end on the bundled VAST 2008 call records.

Steps: make sure a Neo4j server runs, apply the schema, remove the previous demo's data,
create demo parties, loans and consents, load cdr.csv under one of those consents, run
Louvain, and ask the API, over real HTTP on a loopback port, for the linkage findings of
phone 200's party. Everything the demo creates carries the id prefix ``DEMO-``.
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn

import ringscope.demo_messages  # noqa: F401
from api.app import create_app
from api.keys import create_api_key
from graph_schema import writes
from graph_schema.apply import apply_schema
from loader.pipeline import load_calls
from loader.records import PhoneKind
from loader.writer import delete_batch_if_exists, write_rows
from queries.rings import DEFAULT_SEED, DetectionResult, detect_rings
from queries.statements import PHONE_DISPLAY
from ringscope.db import Database, connect
from ringscope.i18n import translate
from ringscope.pseudonym import PseudonymKey, mask_number, pseudonymize
from ringscope.settings import Neo4jSettings, PseudonymSettings, get_home
from ringscope.tables import format_table

PREFIX = "DEMO-"
DEFAULT_DATA = Path(__file__).resolve().parents[1] / "data" / "vast2008_mc3" / "cdr.csv"
FOCUS_PHONE = "200"


@dataclass(frozen=True, slots=True)
class DemoParty:
    """A phone of the data set that the demo treats as a loan party."""

    phone: str
    party_id: str
    role: str
    loan_id: str
    loan_status: str
    guarantees: str | None = None  # loan_id this party guarantees


# Phone 200 and its five most frequent contacts, plus one phone outside that circle. The
# roles are invented for the demo: 5 (the brother, per the challenge brief) guarantees
# 200's loan, 1 has defaulted, and 2 and 3 guarantee each other's loans.
DEMO_PARTIES: tuple[DemoParty, ...] = (
    DemoParty("200", "DEMO-P200", "applicant", "DEMO-L200", "applied"),
    DemoParty("5", "DEMO-P005", "applicant", "DEMO-L005", "repaying", guarantees="DEMO-L200"),
    DemoParty("1", "DEMO-P001", "borrower", "DEMO-L001", "defaulted"),
    DemoParty("2", "DEMO-P002", "borrower", "DEMO-L002", "repaying", guarantees="DEMO-L003"),
    DemoParty("3", "DEMO-P003", "borrower", "DEMO-L003", "overdue", guarantees="DEMO-L002"),
    DemoParty("137", "DEMO-P137", "applicant", "DEMO-L137", "applied"),
    DemoParty("300", "DEMO-P300", "applicant", "DEMO-L300", "applied"),
)

Echo = Callable[[str], None]


def resolve_demo_key() -> tuple[PseudonymKey, bool]:
    """Return the configured key, or a throwaway one held only in memory (and True)."""
    settings = PseudonymSettings()
    if settings.key is not None or settings.key_file is not None:
        return settings.load_key(), False
    return PseudonymKey.from_text(secrets.token_hex(32)), True


def consent_id_of(party: DemoParty) -> str:
    return "DEMO-C" + party.party_id.removeprefix("DEMO-P")


def ensure_server(echo: Echo) -> None:
    """Start the local Neo4j unless RINGSCOPE_NEO4J_URI names another server."""
    settings = Neo4jSettings()
    if settings.uri:
        echo(translate("demo.server_external", uri=settings.uri))
        return
    from ringscope.neo4j_local import LocalNeo4j

    local = LocalNeo4j()
    local.ensure_installed(progress=echo)
    info = local.start(progress=echo)
    echo(translate("demo.server_local", uri=info.uri))
    if info.browser_url:
        echo(translate("demo.browser", url=info.browser_url, password_file=local.password_file))


def remove_previous_demo(db: Database) -> int:
    """Delete everything a previous demo run created; return how many batches it had."""
    batch_ids: list[str] = db.read(writes.FIND_BATCHES_OF_PREFIX, prefix=PREFIX)[0]["batch_ids"]
    for batch_id in batch_ids:
        delete_batch_if_exists(db, batch_id)
    db.write(writes.DELETE_NODES_OF_PREFIX, prefix=PREFIX)
    # The previous run's phones carry that run's throwaway key; a phone kept only by ring
    # membership would make the loader reject this run's key.
    while db.write(writes.DELETE_UNSUPPORTED_PHONES_SLICE, limit=10_000)[0]["deleted"]:
        pass
    db.write(writes.DELETE_EMPTY_RINGS)
    return len(batch_ids)


def create_demo_parties(db: Database, key: PseudonymKey, now: datetime) -> None:
    """Write the demo parties with their phones, loans, guarantees and consents."""
    phones = []
    for party in DEMO_PARTIES:
        canonical = "opaque:" + party.phone
        phones.append(
            {
                "party_id": party.party_id,
                "phone_id": pseudonymize(key, canonical),
                "kind": PhoneKind.OPAQUE.value,
                "display": mask_number(canonical),
            }
        )
    write_rows(db, writes.UPSERT_PARTY_PHONES, phones, key_id=key.key_id)

    applied_at = now - timedelta(days=3)
    loans: list[dict[str, Any]] = []
    for party in DEMO_PARTIES:
        loans.append(
            {
                "loan_id": party.loan_id,
                "party_id": party.party_id,
                "role": party.role,
                "status": party.loan_status,
                "applied_at": applied_at,
            }
        )
        if party.guarantees:
            loans.append(
                {
                    "loan_id": party.guarantees,
                    "party_id": party.party_id,
                    "role": "guarantor",
                    "status": None,
                    "applied_at": None,
                }
            )
    write_rows(db, writes.UPSERT_LOANS, loans)

    consents = [
        {
            "consent_id": consent_id_of(party),
            "party_id": party.party_id,
            "scope": ["call_records"],
            "purpose": ["credit_review"],
            "granted_at": now - timedelta(days=1),
            "expires_at": now + timedelta(days=365),
            "revoked_at": None,
            "document_sha256": None,
        }
        for party in DEMO_PARTIES
    ]
    write_rows(db, writes.UPSERT_CONSENTS, consents)


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve_api_in_thread(port: int) -> Iterator[str]:
    """Run the API with uvicorn on 127.0.0.1:port in a thread; stop it on exit."""
    config = uvicorn.Config(
        create_app(), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="ringscope-demo-api", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the demo API did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def community_table(
    db: Database, result: DetectionResult, key_phone: str
) -> tuple[str, list[list[object]]]:
    """Return the ring id of ``key_phone``'s community and one row per member.

    Columns: masked phone, its demo parties, calls with ``key_phone``, calls with other
    members, calls in total; members ordered by total calls.
    """
    label = result.partition[key_phone]
    ring = next(ring for ring in result.rings if ring.community == label)
    graph = result.graph
    members = sorted(ring.phone_ids, key=lambda node: -graph.degree(node, weight="calls"))
    displays = {
        row["phone_id"]: (row["display"], ", ".join(row["party_ids"]) or "-")
        for row in db.read(PHONE_DISPLAY, phone_ids=members)
    }
    rows: list[list[object]] = []
    member_set = set(members)
    for node in members:
        with_focus = graph[node][key_phone]["calls"] if graph.has_edge(node, key_phone) else 0
        in_community = sum(
            data["calls"] for peer, data in graph[node].items() if peer in member_set
        )
        display, parties = displays.get(node, ("?", "-"))
        total = graph.degree(node, weight="calls")
        rows.append([display, parties, with_focus, in_community, total])
    return ring.ring_id, rows


def run_demo(data_path: Path | None = None, echo: Echo | None = None) -> dict[str, Any]:
    """Run the whole demo, printing through ``echo``; return the figures it printed."""
    say: Echo = echo or print
    path = data_path or DEFAULT_DATA
    if not path.is_file():
        from ringscope.errors import InputFileError

        raise InputFileError("demo.data_missing", path=str(path))
    say(translate("demo.title"))
    say("")

    key, throwaway = resolve_demo_key()
    say(translate("demo.key_throwaway" if throwaway else "demo.key_configured", key_id=key.key_id))
    ensure_server(say)
    now = datetime.now(UTC)

    with connect() as db:
        applied = apply_schema(db)
        state = (
            translate("schema.applied", versions=", ".join(map(str, applied)))
            if applied
            else translate("schema.up_to_date")
        )
        say(translate("demo.schema", state=state))
        removed = remove_previous_demo(db)
        if removed:
            say(translate("demo.cleanup", batches=removed))

        create_demo_parties(db, key, now)
        say("")
        say(translate("demo.assumptions"))
        party_rows = [
            [
                mask_number("opaque:" + p.phone),
                p.party_id,
                p.role,
                f"{p.loan_id} ({p.loan_status})",
                p.guarantees or "-",
                consent_id_of(p),
            ]
            for p in DEMO_PARTIES
        ]
        say(
            format_table(
                [
                    translate("demo.col_phone"),
                    translate("demo.col_party"),
                    translate("demo.col_role"),
                    translate("demo.col_loan"),
                    translate("demo.col_guarantees"),
                    translate("demo.col_consent"),
                ],
                party_rows,
            )
        )

        owner = DEMO_PARTIES[0]
        say("")
        say(translate("demo.load_under", party_id=owner.party_id, consent_id=consent_id_of(owner)))
        report = load_calls(
            path,
            db=db,
            key=key,
            owner_party=owner.party_id,
            consent_id=consent_id_of(owner),
            layout="edge-list",
            quarantine_dir=get_home() / "quarantine",
        )
        say(
            format_table(
                [translate("load.col_item"), translate("load.col_value")],
                [
                    (translate("load.col_batch"), report.batch_id),
                    (translate("load.col_layout"), report.layout),
                    (translate("load.col_rows_read"), report.rows_read),
                    (translate("load.col_rows_loaded"), report.rows_loaded),
                    (translate("load.col_rows_rejected"), report.rows_rejected),
                    (translate("load.col_duplicates"), report.duplicates),
                    (translate("load.col_distinct_peers"), report.distinct_peers),
                ],
            )
        )
        for row in report.rejected_examples:
            reason = translate(row.reason_key, **row.reason_params)
            say(translate("demo.rejected_row", line=row.line, reason=reason))
        if report.quarantine_file:
            say(translate("load.quarantine_file", path=report.quarantine_file))

        result = detect_rings(db, seed=DEFAULT_SEED, at=now)
        say("")
        say(
            translate(
                "demo.communities",
                seed=result.seed,
                communities=result.communities,
                modularity=result.modularity,
                run_id=result.run_id,
            )
        )
        say(translate("demo.communities_written"))
        focus_phone_id = pseudonymize(key, "opaque:" + FOCUS_PHONE)
        ring_id, rows = community_table(db, result, focus_phone_id)
        say(translate("demo.community_of", ring_id=ring_id, size=len(rows)))
        say(
            format_table(
                [
                    translate("demo.col_phone"),
                    translate("demo.col_party"),
                    translate("demo.col_calls_with_200"),
                    translate("demo.col_calls_in_community"),
                    translate("demo.col_calls_total"),
                ],
                rows,
            )
        )
        api_key = create_api_key(db, "loan_system", label="demo (throwaway)")

    say("")
    port = free_loopback_port()
    with serve_api_in_thread(port) as base_url:
        say(translate("demo.api_started", url=base_url))
        language = "en" if translate("demo.col_type") == "type" else "zh-CN"
        response = httpx.post(
            f"{base_url}/v1/linkage",
            json={
                "party_id": owner.party_id,
                "consent_id": consent_id_of(owner),
                "purpose": "credit_review",
            },
            headers={"Authorization": f"Bearer {api_key}", "Accept-Language": language},
            timeout=60,
        )
    body = response.json()
    say(
        translate(
            "demo.linkage_header",
            party_id=owner.party_id,
            status=response.status_code,
            request_id=body.get("request_id", "-"),
            level=body.get("risk_level", body.get("code", "-")),
        )
    )
    for reason in body.get("risk_reasons", []):
        say("  - " + reason)
    finding_rows = [
        [
            finding["type"],
            (finding.get("linked_party") or {}).get("party_id", "-"),
            ", ".join(finding["consent_ids"]) or finding["source"],
            finding["reason"],
        ]
        for finding in body.get("findings", [])
    ]
    say(
        format_table(
            [
                translate("demo.col_type"),
                translate("demo.col_linked"),
                translate("demo.col_consents"),
                translate("demo.col_reason"),
            ],
            finding_rows,
        )
    )
    say(translate("demo.api_stopped"))
    say("")
    say(translate("demo.done"))
    return {
        "rows_read": report.rows_read,
        "rows_loaded": report.rows_loaded,
        "communities": result.communities,
        "ring_id": ring_id,
        "linkage_status": response.status_code,
        "linkage": body,
    }
