"""Consent policy: may this party's call records be used for this purpose now?

One pure function decides, so the loader's gate and the API's check cannot drift apart.
A consent allows a use when it belongs to the party, its scope covers call records, its
purposes include the declared one, it was granted at or before ``at``, it has not expired
by then (``expires_at`` is exclusive), and it was not revoked at or before ``at``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graph_schema import writes
from graph_schema.model import CALL_RECORDS_SCOPE
from ringscope.db import Database
from ringscope.errors import ConsentError


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    consent_id: str
    party_id: str | None
    scope: tuple[str, ...]
    purpose: tuple[str, ...]
    granted_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    document_sha256: str | None = None


def check_consent(
    consent: ConsentRecord | None,
    *,
    consent_id: str,
    party_id: str,
    purpose: str,
    at: datetime,
    scope: str = CALL_RECORDS_SCOPE,
) -> ConsentRecord:
    """Return the consent when it allows the use, else raise ConsentError.

    Raises:
        ConsentError: with ``code`` consent_not_found, consent_party, consent_scope,
            consent_purpose, consent_not_yet_valid, consent_expired or consent_revoked.
    """
    if consent is None:
        raise ConsentError("consent_not_found", "consent.not_found", consent_id=consent_id)
    if consent.party_id != party_id:
        raise ConsentError(
            "consent_party", "consent.party", consent_id=consent_id, party_id=party_id
        )
    if scope not in consent.scope:
        raise ConsentError(
            "consent_scope",
            "consent.scope",
            consent_id=consent_id,
            scope=scope,
            granted=", ".join(consent.scope) or "-",
        )
    if purpose not in consent.purpose:
        raise ConsentError(
            "consent_purpose",
            "consent.purpose",
            consent_id=consent_id,
            purpose=purpose,
            granted=", ".join(consent.purpose) or "-",
        )
    if consent.revoked_at is not None and consent.revoked_at <= at:
        raise ConsentError(
            "consent_revoked",
            "consent.revoked",
            consent_id=consent_id,
            revoked_at=consent.revoked_at.isoformat(),
        )
    if consent.granted_at > at:
        raise ConsentError(
            "consent_not_yet_valid",
            "consent.not_yet_valid",
            consent_id=consent_id,
            granted_at=consent.granted_at.isoformat(),
        )
    if consent.expires_at is not None and consent.expires_at <= at:
        raise ConsentError(
            "consent_expired",
            "consent.expired",
            consent_id=consent_id,
            expires_at=consent.expires_at.isoformat(),
        )
    return consent


def read_consent(db: Database, consent_id: str) -> ConsentRecord | None:
    """Return the stored consent, or None when there is none with this id."""
    rows = db.read(writes.GET_CONSENT, consent_id=consent_id)
    return consent_from_row(rows[0]) if rows else None


def consent_from_row(row: Mapping[str, Any]) -> ConsentRecord:
    """Build a ConsentRecord from a row of graph_schema.writes.GET_CONSENT."""
    return ConsentRecord(
        consent_id=row["consent_id"],
        party_id=row["party_id"],
        scope=tuple(row["scope"] or ()),
        purpose=tuple(row["purpose"] or ()),
        granted_at=row["granted_at"].to_native(),
        expires_at=row["expires_at"].to_native() if row["expires_at"] else None,
        revoked_at=row["revoked_at"].to_native() if row["revoked_at"] else None,
        document_sha256=row["document_sha256"],
    )
