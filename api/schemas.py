"""Request and response models of the API (``XCreate`` in, ``XPublic`` out).

Descriptions are in English and Simplified Chinese, because they become the OpenAPI
document that loan-system developers read.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
PURPOSE_PATTERN = r"^[a-z][a-z_]{0,39}$"

FindingType = Literal[
    "direct_call",
    "shared_contact",
    "emergency_contact",
    "shared_phone",
    "ring_member",
    "guarantee_circle",
    "defaulted_neighbor",
    "number_change",
]


class LinkageLimitsCreate(BaseModel):
    """Bounds of the response. 结果范围限制。"""

    model_config = ConfigDict(extra="forbid")

    max_findings_per_type: int = Field(
        default=50,
        ge=1,
        le=500,
        description="At most this many findings of each type. 每种发现最多返回的条数。",
    )
    min_shared_contacts: int = Field(
        default=2,
        ge=1,
        le=50,
        description="A shared_contact finding needs at least this many common contacts. "
        "共同联系人发现所需的最少共同联系人数。",
    )
    max_contact_degree: int = Field(
        default=20,
        ge=2,
        le=1000,
        description="A contact with more call relationships than this is a busy line "
        "(courier, collector, call centre) and is not counted as a shared contact. "
        "通话关系多于此数的号码视为繁忙线路（快递、催收、客服），不计为共同联系人。",
    )


class LinkageCreate(BaseModel):
    """A loan system's question: what links this applicant to other parties and rings?
    贷款系统的查询：该申请人与哪些当事人和团伙有关联？"""

    model_config = ConfigDict(extra="forbid")

    party_id: str = Field(
        pattern=ID_PATTERN,
        description="The lender's id of the applicant. 申请人在贷款机构的编号。",
        examples=["P000123"],
    )
    consent_id: str = Field(
        pattern=ID_PATTERN,
        description="The applicant's own consent that allows this use of call records. "
        "申请人本人签署、允许此次使用通话记录的授权编号。",
        examples=["C-P000123"],
    )
    purpose: str = Field(
        default="credit_review",
        pattern=PURPOSE_PATTERN,
        description="Declared purpose; the consent must include it. 声明的用途，授权须包含该用途。",
    )
    depth: int = Field(
        default=2,
        ge=1,
        le=2,
        description="1: direct links only. 2: also parties reached through a shared contact. "
        "1：仅直接关联；2：另含通过共同联系人关联的当事人。",
    )
    limits: LinkageLimitsCreate = Field(
        default_factory=LinkageLimitsCreate,
        description="Bounds of the response. 结果范围限制。",
    )


class LoanPublic(BaseModel):
    loan_id: str
    role: str = Field(
        description="applicant, borrower, co_borrower or guarantor. "
        "申请人、借款人、共同借款人或担保人。"
    )
    status: str | None = Field(
        description="Loan status from the loan system. 贷款系统中的贷款状态。"
    )


class LinkedPartyPublic(BaseModel):
    """Another party, with its roles and loan statuses. 关联当事人及其角色和贷款状态。"""

    party_id: str
    roles: list[str] = Field(description="Roles on any loan. 在各笔贷款中的角色。")
    loan_statuses: list[str] = Field(description="Statuses of its loans. 其贷款状态。")
    loans: list[LoanPublic]


class StrengthPublic(BaseModel):
    """How strong the link is; which figures are set depends on the finding type.
    关联强度；具体字段取决于发现类型。"""

    calls: int | None = Field(default=None, description="Distinct calls. 去重后的通话次数。")
    seconds: int | None = Field(default=None, description="Seconds talked. 通话总秒数。")
    night_calls: int | None = Field(
        default=None, description="Calls 22:00-06:00 Beijing time. 夜间（22:00-06:00）通话次数。"
    )
    outgoing_calls: int | None = Field(default=None, description="Calls made. 主叫次数。")
    incoming_calls: int | None = Field(default=None, description="Calls received. 被叫次数。")
    shared_contacts: int | None = Field(
        default=None, description="Contacts both parties call. 共同联系人数。"
    )
    first_at: str | None = Field(default=None, description="First call. 首次通话时间。")
    last_at: str | None = Field(default=None, description="Last call. 最近通话时间。")
    links: int | None = Field(
        default=None, description="Emergency-contact links. 紧急联系人关联数。"
    )
    link_kinds: list[str] | None = Field(
        default=None,
        description="lists_their_phone, listed_by_them or same_contact. "
        "填写对方号码、被对方填写或填写同一联系人。",
    )
    shared_phones: int | None = Field(default=None, description="Phones in common. 共同号码数。")
    ring_id: str | None = None
    ring_kind: str | None = None
    score: float | None = Field(default=None, description="Ring score 0-100. 团伙评分 0-100。")
    size: int | None = Field(default=None, description="Phones in the ring. 团伙号码数。")
    other_parties: int | None = Field(
        default=None, description="Other parties in the ring. 团伙中其他当事人数。"
    )
    calls_with_members: int | None = Field(
        default=None, description="Calls with other ring members. 与其他团伙成员的通话次数。"
    )
    reason_codes: list[str] | None = Field(
        default=None, description="Why the ring scored high. 团伙评分原因代码。"
    )
    circle_size: int | None = Field(
        default=None, description="Parties in the guarantee circle. 互保圈当事人数。"
    )
    side: Literal["own", "contact"] | None = Field(
        default=None,
        description="own: the party's number changed; contact: a contact's did. "
        "own：本人换号；contact：联系人换号。",
    )
    overlap: float | None = Field(
        default=None, description="Contact overlap of old and new number. 新旧号码联系人重合度。"
    )
    old_last_at: str | None = Field(default=None, description="Last call of the old number.")
    new_first_at: str | None = Field(default=None, description="First call of the new number.")
    via: list[str] | None = Field(
        default=None, description="Finding types that link the party. 形成关联的发现类型。"
    )
    loan_statuses: list[str] | None = None


class EvidencePublic(BaseModel):
    """One fact behind a finding; phone numbers only as partial masks.
    发现所依据的事实；号码仅以部分掩码显示。"""

    kind: Literal[
        "call",
        "contact",
        "emergency_contact",
        "phone",
        "ring",
        "guarantee",
        "number_change",
        "loan",
    ]
    phone: str | None = Field(default=None, description="Masked number. 掩码号码。")
    direction: Literal["outgoing", "incoming"] | None = None
    calls: int | None = None
    seconds: int | None = None
    first_at: str | None = None
    last_at: str | None = None
    link: str | None = None
    ring_id: str | None = None
    run_id: str | None = None
    loan_id: str | None = None
    status: str | None = None
    guarantor: str | None = None
    borrower: str | None = None
    change_id: str | None = None
    old_phone: str | None = Field(default=None, description="Masked old number. 掩码旧号码。")
    new_phone: str | None = Field(default=None, description="Masked new number. 掩码新号码。")


class FindingPublic(BaseModel):
    """One link of the party, with its evidence and where the evidence came from.
    一条关联发现，含证据及证据来源。"""

    type: FindingType
    linked_party: LinkedPartyPublic | None = Field(
        description="The party this finding links to (the first of linked_parties). "
        "该发现关联的当事人（linked_parties 的第一个）。"
    )
    linked_parties: list[LinkedPartyPublic] = Field(
        description="Every party this finding links to. 该发现关联的全部当事人。"
    )
    strength: StrengthPublic
    evidence: list[EvidencePublic]
    consent_ids: list[str] = Field(
        description="Consents the call evidence was loaded under, all valid now. "
        "通话证据所依据的授权，均为当前有效。"
    )
    batch_ids: list[str] = Field(
        description="Load batches the call evidence came from. 通话证据来自的导入批次。"
    )
    source: Literal["call_records", "loan_system", "detection"] = Field(
        description="call_records: consented call records; loan_system: the lender's own "
        "records; detection: a detection run. call_records：经授权的通话记录；"
        "loan_system：贷款机构自有记录；detection：检测结果。"
    )
    reason: str = Field(description="Why, in the requested language. 原因说明（按请求语言）。")


class DetectionRunPublic(BaseModel):
    run_id: str
    algorithm: str | None = None
    seed: int | None = None
    started_at: str | None = None
    finished_at: str | None = None


class LinkagePublic(BaseModel):
    """Findings for one applicant and the overall risk. 申请人的关联发现与总体风险。"""

    request_id: str = Field(description="Id of this request, also in the audit trail. 请求编号。")
    party_id: str
    consent_id: str
    purpose: str
    depth: int
    generated_at: str = Field(description="When the findings were computed (UTC). 生成时间。")
    detection_run: DetectionRunPublic | None = Field(
        description="The detection run whose rings were used. 所用团伙检测的运行记录。"
    )
    risk_level: Literal["low", "medium", "high"]
    risk_reason_codes: list[str] = Field(
        description="Stable codes of the reasons for the risk level. 风险等级原因代码。"
    )
    risk_reasons: list[str] = Field(
        description="The same reasons as text, in the requested language. 风险原因说明。"
    )
    findings: list[FindingPublic]


class RingPhonePublic(BaseModel):
    display: str | None = Field(description="Masked number. 掩码号码。")
    kind: str | None = None


class RingPublic(BaseModel):
    """A detected ring with its members. 检测到的团伙及其成员。"""

    ring_id: str
    kind: str | None = None
    score: float | None = None
    size: int | None = None
    stale: bool = Field(
        description="True when a revoked consent removed some of its evidence. "
        "因授权撤回而证据不完整时为 true。"
    )
    reasons: list[str] = Field(description="Reason codes. 原因代码。")
    reason_details: dict[str, Any] | list[Any] | None = None
    detection_run: DetectionRunPublic | None
    parties: list[LinkedPartyPublic]
    phone_count: int
    phones: list[RingPhonePublic] = Field(
        description="Masked, at most 200. 掩码号码，最多 200 个。"
    )


class RingSummaryPublic(BaseModel):
    ring_id: str
    kind: str | None = None
    score: float | None = None
    size: int | None = None
    stale: bool
    run_id: str | None = None
    reasons: list[str]


class PartyRingsPublic(BaseModel):
    """Rings a party belongs to. 当事人所属的团伙。"""

    party_id: str
    rings: list[RingSummaryPublic]


class BatchPublic(BaseModel):
    batch_id: str
    status: str | None = None
    layout: str | None = None
    loaded_at: str | None = None
    rows_loaded: int | None = None


class ConsentPublic(BaseModel):
    """A consent and the batches loaded under it. 授权及据此导入的批次。"""

    consent_id: str
    party_id: str | None
    scope: list[str]
    purpose: list[str]
    granted_at: str | None
    expires_at: str | None
    revoked_at: str | None
    status: Literal["valid", "not_yet_valid", "expired", "revoked"] = Field(
        description="State now. 当前状态。"
    )
    document_sha256: str | None
    batches: list[BatchPublic]


class HealthPublic(BaseModel):
    status: Literal["ok"]


class ReadinessPublic(BaseModel):
    status: Literal["ready", "not_ready"]
    neo4j: bool = Field(description="Neo4j answers. Neo4j 可访问。")
    schema_current: bool = Field(description="Every migration is applied. 所有迁移均已执行。")


class ValidationIssuePublic(BaseModel):
    loc: list[str | int]
    msg: str


class ProblemPublic(BaseModel):
    """An error (RFC 9457). 错误（RFC 9457）。"""

    type: str
    title: str = Field(description="Short title in the requested language. 简短标题。")
    status: int
    detail: str = Field(description="What failed and what to do. 错误原因与处理办法。")
    code: str = Field(description="Stable code; see docs/api.md. 稳定错误代码。")
    request_id: str | None
    errors: list[ValidationIssuePublic] | None = None
