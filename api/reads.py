"""Data of the investigators' read endpoints: rings, a party's rings, a consent."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from queries import api_statements
from queries.linkage import ROLE_NAMES
from ringscope.db import Database

MAX_RING_PHONES = 200


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    native = value.to_native() if hasattr(value, "to_native") else value
    return str(native.isoformat())


def _party(party_id: str, loans: list[dict[str, Any]]) -> dict[str, Any]:
    items = sorted(
        (
            {
                "loan_id": loan["loan_id"],
                "role": ROLE_NAMES.get(loan["role"], loan["role"]),
                "status": loan["status"],
            }
            for loan in loans
        ),
        key=lambda loan: (loan["loan_id"], loan["role"]),
    )
    return {
        "party_id": party_id,
        "roles": sorted({loan["role"] for loan in items}),
        "loan_statuses": sorted({loan["status"] for loan in items if loan["status"]}),
        "loans": items,
    }


def _reason_details(text: Any) -> Any:
    if not isinstance(text, str):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def get_ring(db: Database, ring_id: str) -> dict[str, Any] | None:
    """Return one ring with its run, parties and masked phones, or None."""
    rows = db.read(api_statements.GET_RING, ring_id=ring_id, max_phones=MAX_RING_PHONES)
    if not rows:
        return None
    row = rows[0]
    ring = row["ring"]
    run = (
        {
            "run_id": row["run_id"],
            "algorithm": row["algorithm"],
            "seed": row["seed"],
            "started_at": _iso(row["started_at"]),
            "finished_at": _iso(row["finished_at"]),
        }
        if row["run_id"]
        else None
    )
    return {
        "ring_id": ring["ring_id"],
        "kind": ring.get("kind"),
        "score": ring.get("score"),
        "size": ring.get("size"),
        "stale": bool(ring.get("stale")),
        "reasons": list(ring.get("reasons") or []),
        "reason_details": _reason_details(ring.get("reason_details")),
        "detection_run": run,
        "parties": [_party(p["party_id"], p["loans"]) for p in row["parties"]],
        "phone_count": row["phone_count"],
        "phones": row["phones"],
    }


def list_party_rings(db: Database, party_id: str) -> dict[str, Any] | None:
    """Return the rings a party belongs to, or None when there is no such party."""
    rows = db.read(api_statements.RINGS_OF_PARTY, party_id=party_id)
    if not rows:
        return None
    rings = sorted(rows[0]["rings"], key=lambda ring: (-(ring.get("score") or 0), ring["ring_id"]))
    return {
        "party_id": rows[0]["party_id"],
        "rings": [
            {
                "ring_id": ring["ring_id"],
                "kind": ring.get("kind"),
                "score": ring.get("score"),
                "size": ring.get("size"),
                "stale": bool(ring.get("stale")),
                "run_id": ring.get("run_id"),
                "reasons": list(ring.get("reasons") or []),
            }
            for ring in rings
        ],
    }


def get_consent_view(db: Database, consent_id: str, at: datetime) -> dict[str, Any] | None:
    """Return a consent, its state at ``at`` and its batches, or None."""
    rows = db.read(api_statements.GET_CONSENT_VIEW, consent_id=consent_id)
    if not rows:
        return None
    consent, batches = rows[0]["consent"], rows[0]["batches"]
    granted, expires, revoked = (
        _native(consent.get("granted_at")),
        _native(consent.get("expires_at")),
        _native(consent.get("revoked_at")),
    )
    if revoked is not None and revoked <= at:
        status = "revoked"
    elif granted is not None and granted > at:
        status = "not_yet_valid"
    elif expires is not None and expires <= at:
        status = "expired"
    else:
        status = "valid"
    return {
        "consent_id": consent["consent_id"],
        "party_id": consent.get("party_id"),
        "scope": list(consent.get("scope") or []),
        "purpose": list(consent.get("purpose") or []),
        "granted_at": _iso(granted),
        "expires_at": _iso(expires),
        "revoked_at": _iso(revoked),
        "status": status,
        "document_sha256": consent.get("document_sha256"),
        "batches": [
            {
                "batch_id": batch["batch_id"],
                "status": batch.get("status"),
                "layout": batch.get("layout"),
                "loaded_at": _iso(batch.get("loaded_at")),
                "rows_loaded": batch.get("rows_loaded"),
            }
            for batch in batches
        ],
    }


def _native(value: Any) -> datetime | None:
    if value is None:
        return None
    native: datetime = value.to_native() if hasattr(value, "to_native") else value
    return native
