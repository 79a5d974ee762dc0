"""Labels, relationship types and key properties of the RingScope graph, in one place.

Queries take labels and relationship types from here, never from input. Changing a name
here needs a migration that renames the stored data.
"""

from __future__ import annotations

from typing import Final

# Node labels
PARTY: Final = "Party"
PHONE: Final = "Phone"
LOAN: Final = "Loan"
CONSENT: Final = "Consent"
BATCH: Final = "Batch"
DETECTION_RUN: Final = "DetectionRun"
RING: Final = "Ring"
NUMBER_CHANGE: Final = "NumberChange"
AUDIT_EVENT: Final = "AuditEvent"
API_KEY: Final = "ApiKey"
AUDIT_HEAD: Final = "AuditHead"
SCHEMA_MIGRATION: Final = "SchemaMigration"

# Relationship types
HAS_PHONE: Final = "HAS_PHONE"
EMERGENCY_CONTACT: Final = "EMERGENCY_CONTACT"
APPLIED_FOR: Final = "APPLIED_FOR"
BORROWER_OF: Final = "BORROWER_OF"
CO_BORROWER_OF: Final = "CO_BORROWER_OF"
GUARANTOR_OF: Final = "GUARANTOR_OF"
GAVE: Final = "GAVE"
UNDER: Final = "UNDER"
CALLED: Final = "CALLED"
MEMBER_OF: Final = "MEMBER_OF"
FOUND_BY: Final = "FOUND_BY"

# Key property of each keyed label; a migration makes each one unique.
NODE_KEYS: Final[dict[str, str]] = {
    PARTY: "party_id",
    PHONE: "phone_id",
    LOAN: "loan_id",
    CONSENT: "consent_id",
    BATCH: "batch_id",
    RING: "ring_id",
    DETECTION_RUN: "run_id",
    NUMBER_CHANGE: "change_id",
    AUDIT_EVENT: "seq",
    API_KEY: "key_hash",
    SCHEMA_MIGRATION: "version",
}

# Loan roles as they appear in extracts, and the relationship each one becomes.
LOAN_ROLE_RELATIONSHIPS: Final[dict[str, str]] = {
    "applicant": APPLIED_FOR,
    "borrower": BORROWER_OF,
    "co_borrower": CO_BORROWER_OF,
    "guarantor": GUARANTOR_OF,
}

LOAN_STATUSES: Final = (
    "applied",
    "approved",
    "rejected",
    "repaying",
    "overdue",
    "defaulted",
    "closed",
)

# Consent scope that allows loading call records.
CALL_RECORDS_SCOPE: Final = "call_records"

# CALLED relationships store each call as one integer: the start in whole minutes since
# the Unix epoch, shifted left by CALL_SECONDS_BITS, plus the duration in seconds. Two bills
# that report the same call give the same integer, so a call counts once however many
# bills contain it; durations up to 2**20 - 1 seconds (about 12 days) fit.
CALL_SECONDS_BITS: Final = 20
CALL_SECONDS_MAX: Final = (1 << CALL_SECONDS_BITS) - 1

# A call counts as a night call when it starts at or after 22:00 or before 06:00 Asia/Shanghai
# time, which is UTC+8 all year (no daylight saving since 1991).
SHANGHAI_OFFSET_SECONDS: Final = 8 * 3600
NIGHT_START_HOUR: Final = 22
NIGHT_END_HOUR: Final = 6


def encode_call_id(epoch_seconds: int, duration_seconds: int) -> int:
    """Return the call id of a call starting at ``epoch_seconds`` (see CALL_SECONDS_BITS)."""
    return ((epoch_seconds // 60) << CALL_SECONDS_BITS) | duration_seconds


def is_night_epoch(epoch_seconds: int) -> bool:
    """Return whether a call starting at ``epoch_seconds`` is a night call."""
    hour = ((epoch_seconds + SHANGHAI_OFFSET_SECONDS) // 3600) % 24
    return hour >= NIGHT_START_HOUR or hour < NIGHT_END_HOUR


def is_night_call_id(call_id: int) -> bool:
    """Return whether the call a call id encodes is a night call (minute precision)."""
    return is_night_epoch((call_id >> CALL_SECONDS_BITS) * 60)
