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
