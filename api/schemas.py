"""Request and response models of the API (``XCreate`` in, ``XPublic`` out)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

PARTY_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"


class LinkageCreate(BaseModel):
    """A loan system's question: what links this applicant to other parties and rings?"""

    model_config = ConfigDict(extra="forbid")

    party_id: str = Field(pattern=PARTY_ID_PATTERN, description="The lender's id of the applicant.")
    consent_id: str = Field(
        pattern=PARTY_ID_PATTERN, description="The applicant's consent for this use."
    )
    purpose: str = Field(
        default="credit_review", pattern=r"^[a-z_]{1,40}$", description="Declared purpose of use."
    )
    max_findings_per_type: int = Field(default=50, ge=1, le=500)
    min_shared_contacts: int = Field(default=2, ge=1, le=50)


class LinkedPartyPublic(BaseModel):
    party_id: str
    roles: list[str]
    loan_statuses: list[str]


class FindingPublic(BaseModel):
    type: Literal[
        "direct_call",
        "shared_contact",
        "emergency_contact",
        "shared_phone",
        "ring_member",
        "guarantee_circle",
        "defaulted_neighbor",
        "number_change",
    ]
    linked_party: LinkedPartyPublic | None
    strength: dict[str, Any] = Field(description="Calls, seconds, shared contacts, dates, scores.")
    evidence: list[dict[str, Any]] = Field(description="Masked numbers and ids behind the finding.")
    consent_ids: list[str] = Field(description="Consents the call evidence was loaded under.")
    batch_ids: list[str] = Field(description="Load batches the call evidence came from.")
    source: Literal["call_records", "loan_system", "detection"]
    reason: str


class LinkagePublic(BaseModel):
    request_id: str
    party_id: str
    generated_at: str
    detection_run: dict[str, Any] | None
    risk_level: Literal["low", "medium", "high"]
    risk_reasons: list[str]
    findings: list[FindingPublic]


class HealthPublic(BaseModel):
    status: Literal["ok"]


class ReadinessPublic(BaseModel):
    status: Literal["ready", "not_ready"]
    neo4j: bool
    schema_current: bool
