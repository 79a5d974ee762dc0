"""`ringscope rings detect|list|show`: risk rings found in the consented call graph."""

from __future__ import annotations

from typing import Any

import click

from queries.number_changes import NumberChangeParameters
from queries.ring_messages import render_kind, render_reason
from queries.rings import (
    DEFAULT_RESOLUTION,
    DEFAULT_SEED,
    DetectionParameters,
    DetectionResult,
    detect_rings,
    get_ring,
    list_rings,
)
from ringscope.audit import append_audit_event
from ringscope.cli.common import echo_json, format_table, open_database
from ringscope.cli.query_commands import current_actor, reports_errors
from ringscope.i18n import translate


@click.group()
def rings() -> None:
    """Detect, list and show risk rings."""


@rings.command("detect")
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Louvain seed.")
@click.option(
    "--resolution",
    type=click.FloatRange(min=0.0, min_open=True),
    default=DEFAULT_RESOLUTION,
    show_default=True,
    help="Louvain resolution; higher gives smaller communities.",
)
@click.option(
    "--min-score",
    type=click.FloatRange(0.0, 100.0),
    default=DetectionParameters().min_score,
    show_default=True,
    help="Write rings scoring at least this.",
)
@click.option(
    "--purpose",
    default="ring_detection",
    show_default=True,
    help="Why you run it; recorded in the audit trail.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the run as JSON.")
@reports_errors
def detect_command(
    seed: int, resolution: float, min_score: float, purpose: str, as_json: bool
) -> None:
    """Find rings and number changes and write them to the graph."""
    params = DetectionParameters(seed=seed, resolution=resolution, min_score=min_score)
    with open_database() as db:
        result = detect_rings(
            db,
            seed=seed,
            resolution=resolution,
            parameters=params,
            number_changes=NumberChangeParameters(),
        )
        append_audit_event(
            db,
            actor=current_actor(),
            action="rings.detect",
            purpose=purpose,
            target=result.run_id,
            details={
                "seed": seed,
                "resolution": resolution,
                "min_score": min_score,
                "rings": len(result.risk_rings),
                "number_changes": len(result.number_changes),
            },
        )
    if as_json:
        echo_json(detection_summary(result))
        return
    click.echo(
        translate(
            "rings.detected",
            run_id=result.run_id,
            seed=seed,
            resolution=resolution,
            communities=result.communities,
            modularity=result.modularity,
            components=result.components,
            hubs=len(result.hubs),
            intermediaries=len(result.intermediaries),
            circles=len(result.circles),
            rings=len(result.risk_rings),
            changes=len(result.number_changes),
        )
    )
    rows = [
        [
            ring.ring_id,
            render_kind(ring.kind),
            ring.score,
            len(ring.party_ids),
            len(ring.phone_ids),
            ", ".join(ring.reasons),
        ]
        for ring in result.risk_rings
    ]
    if rows:
        click.echo(format_table(_ring_headers(), rows))


def detection_summary(result: DetectionResult) -> dict[str, Any]:
    return {
        "run_id": result.run_id,
        "seed": result.seed,
        "resolution": result.resolution,
        "modularity": result.modularity,
        "communities": result.communities,
        "components": result.components,
        "hubs_suppressed": len(result.hubs),
        "intermediaries": len(result.intermediaries),
        "guarantee_circles": len(result.circles),
        "rings": [
            {
                "ring_id": ring.ring_id,
                "kind": ring.kind,
                "score": ring.score,
                "party_ids": ring.party_ids,
                "phones": len(ring.phone_ids),
                "reasons": ring.reasons,
                "reason_details": ring.reason_details,
            }
            for ring in result.risk_rings
        ],
        "number_changes": len(result.number_changes),
    }


def _ring_headers() -> list[str]:
    return [
        translate("rings.col_ring"),
        translate("rings.col_kind"),
        translate("rings.col_score"),
        translate("rings.col_parties"),
        translate("rings.col_phones"),
        translate("rings.col_reasons"),
    ]


@rings.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the rings as JSON.")
@reports_errors
def list_command(as_json: bool) -> None:
    """List the stored rings, highest score first."""
    with open_database() as db:
        found = list_rings(db)
    if as_json:
        echo_json(found)
        return
    if not found:
        click.echo(translate("rings.none"))
        return
    rows = [
        [
            ring["ring_id"],
            render_kind(ring["kind"]),
            ring["score"],
            ring["party_count"],
            ring["size"],
            ", ".join(ring["reasons"] or []),
        ]
        for ring in found
    ]
    headers = _ring_headers()
    if any(ring["stale"] for ring in found):
        headers.append(translate("rings.col_stale"))
        for row, ring in zip(rows, found, strict=True):
            row.append(translate("rings.yes" if ring["stale"] else "rings.no"))
    click.echo(format_table(headers, rows))


@rings.command("show")
@click.argument("ring_id")
@click.option("--json", "as_json", is_flag=True, help="Print the ring as JSON.")
@reports_errors
def show_command(ring_id: str, as_json: bool) -> None:
    """Show one ring: its reasons in words, its parties and its phones (masked)."""
    with open_database() as db:
        ring = get_ring(db, ring_id)
    if as_json:
        echo_json(ring)
        return
    stale = translate("rings.stale_note") if ring.get("stale") else ""
    click.echo(
        translate(
            "rings.show_header",
            ring_id=ring["ring_id"],
            kind=render_kind(str(ring.get("kind"))),
            score=ring.get("score"),
            parties=len(ring["party_ids"]),
            phones=len(ring["phones"]),
            run_id=ring.get("run_id"),
            stale=stale,
        )
    )
    click.echo(translate("rings.reasons_header"))
    for code in ring.get("reasons") or []:
        click.echo("  - " + render_reason(code, ring["reason_details"].get(code, {})))
    rows = [
        [phone["display"], phone["kind"], ", ".join(sorted(phone["party_ids"])) or "-"]
        for phone in ring["phones"]
    ]
    click.echo(
        format_table(
            [
                translate("rings.col_phone"),
                translate("rings.col_phone_kind"),
                translate("rings.col_holders"),
            ],
            rows,
        )
    )
