"""Texts of linkage findings, risk reasons and query errors (zh-CN and en)."""

from ringscope.i18n import register

register(
    {
        "linkage.party_not_found": {
            "zh-CN": "当事人 {party_id} 不存在。",
            "en": "Party {party_id} was not found.",
        },
        "finding.direct_call": {
            "zh-CN": "与当事人 {party_id} 直接通话 {calls} 次，共约 {minutes} 分钟。",
            "en": "Direct calls with party {party_id}: {calls} calls, about {minutes} minutes.",
        },
        "finding.shared_contact": {
            "zh-CN": "与当事人 {party_id} 有 {count} 个共同联系人。",
            "en": "Shares {count} contacts with party {party_id}.",
        },
        "finding.emergency_lists_their_phone": {
            "zh-CN": "填写的紧急联系人号码属于当事人 {party_id}。",
            "en": "An emergency contact is the phone of party {party_id}.",
        },
        "finding.emergency_listed_by_them": {
            "zh-CN": "当事人 {party_id} 把本人号码填为紧急联系人。",
            "en": "Party {party_id} lists this party's phone as an emergency contact.",
        },
        "finding.emergency_same_contact": {
            "zh-CN": "与当事人 {party_id} 填写了同一个紧急联系人。",
            "en": "Lists the same emergency contact as party {party_id}.",
        },
        "finding.shared_phone": {
            "zh-CN": "与当事人 {party_id} 登记了同一个号码。",
            "en": "Has the same phone number on record as party {party_id}.",
        },
        "finding.ring_member": {
            "zh-CN": "属于风险团伙 {ring_id}（{kind}，规模 {size}，其中 {parties} 个其他当事人，评分 {score}）。",
            "en": "Member of risk ring {ring_id} ({kind}, size {size}, {parties} other "
            "parties, score {score}).",
        },
        "finding.guarantee_circle": {
            "zh-CN": "处于 {length} 方互保圈中。",
            "en": "Part of a mutual-guarantee circle of {length} parties.",
        },
        "finding.number_change_own": {
            "zh-CN": "本人疑似换号：{old} 停用后启用 {new}，联系人重合度 {overlap}。",
            "en": "The party probably changed number: {new} took over as {old} went quiet "
            "(contact overlap {overlap}).",
        },
        "finding.number_change_contact": {
            "zh-CN": "联系人疑似换号：{old} 停用后启用 {new}，联系人重合度 {overlap}。",
            "en": "A contact probably changed number: {new} took over as {old} went quiet "
            "(contact overlap {overlap}).",
        },
        "finding.defaulted_neighbor": {
            "zh-CN": "关联当事人 {party_id} 有{statuses}贷款（关联方式：{via}）。",
            "en": "Linked party {party_id} has a loan that is {statuses} (linked by {via}).",
        },
        "finding.type_direct_call": {"zh-CN": "直接通话", "en": "direct calls"},
        "finding.type_shared_contact": {"zh-CN": "共同联系人", "en": "shared contacts"},
        "finding.type_emergency_contact": {"zh-CN": "紧急联系人", "en": "emergency contacts"},
        "finding.type_shared_phone": {"zh-CN": "同一号码", "en": "a shared phone"},
        "finding.type_ring_member": {"zh-CN": "同一团伙", "en": "the same ring"},
        "finding.type_guarantee_circle": {"zh-CN": "互保", "en": "guarantees"},
        "finding.type_number_change": {"zh-CN": "换号", "en": "a number change"},
        "loan_status.defaulted": {"zh-CN": "违约", "en": "defaulted"},
        "loan_status.overdue": {"zh-CN": "逾期", "en": "overdue"},
        "list_separator": {"zh-CN": "、", "en": ", "},
        "risk.guarantee_circle": {
            "zh-CN": "处于互保圈中。",
            "en": "The party is in a mutual-guarantee circle.",
        },
        "risk.defaulted_neighbor": {
            "zh-CN": "有直接关联的当事人违约或逾期。",
            "en": "A directly linked party has a defaulted or overdue loan.",
        },
        "risk.strong_ring": {
            "zh-CN": "属于评分不低于 {score} 的风险团伙。",
            "en": "The party belongs to a ring scoring {score} or more.",
        },
        "risk.ring_member": {"zh-CN": "属于一个风险团伙。", "en": "The party belongs to a ring."},
        "risk.shared_phone": {
            "zh-CN": "与其他当事人登记了同一号码。",
            "en": "The party shares a phone with another party.",
        },
        "risk.shared_contact": {
            "zh-CN": "与其他当事人有共同联系人。",
            "en": "The party shares contacts with other parties.",
        },
        "risk.direct_call": {
            "zh-CN": "与其他贷款当事人直接通话。",
            "en": "The party calls other loan parties directly.",
        },
        "risk.emergency_contact": {
            "zh-CN": "紧急联系人与其他当事人交叉。",
            "en": "Emergency contacts cross with other parties.",
        },
        "risk.number_change": {
            "zh-CN": "涉及疑似换号。",
            "en": "A probable number change involves the party.",
        },
        "risk.none": {
            "zh-CN": "未发现与其他当事人或团伙的关联。",
            "en": "Nothing links the party to other parties or rings.",
        },
    }
)
