"""Problem titles and details of the API (zh-CN and en).

``problem.<code>`` is the title of each stable problem code; ``problem.detail.*`` are the
details. docs/api.md and docs/api.zh-CN.md list the same codes.
"""

from ringscope.i18n import register

register(
    {
        "problem.unauthenticated": {"zh-CN": "未认证", "en": "Unauthenticated"},
        "problem.api_key_invalid": {"zh-CN": "API 密钥无效", "en": "Invalid API key"},
        "problem.forbidden_role": {"zh-CN": "角色无权访问", "en": "Role not allowed"},
        "problem.not_found": {"zh-CN": "未找到", "en": "Not found"},
        "problem.party_not_found": {"zh-CN": "当事人不存在", "en": "Party not found"},
        "problem.ring_not_found": {"zh-CN": "团伙不存在", "en": "Ring not found"},
        "problem.method_not_allowed": {"zh-CN": "不支持该方法", "en": "Method not allowed"},
        "problem.malformed_request": {"zh-CN": "请求体无法解析", "en": "Malformed request"},
        "problem.invalid_request": {"zh-CN": "请求无效", "en": "Invalid request"},
        "problem.request_too_large": {"zh-CN": "请求体过大", "en": "Request too large"},
        "problem.rate_limited": {"zh-CN": "请求过于频繁", "en": "Too many requests"},
        "problem.neo4j_unavailable": {
            "zh-CN": "图数据库不可用",
            "en": "Graph database unavailable",
        },
        "problem.audit_unavailable": {"zh-CN": "审计记录失败", "en": "Audit trail unavailable"},
        "problem.internal_error": {"zh-CN": "服务器内部错误", "en": "Internal server error"},
        "problem.consent_not_found": {"zh-CN": "授权不存在", "en": "Consent not found"},
        "problem.consent_party": {"zh-CN": "授权不属于该当事人", "en": "Consent of another party"},
        "problem.consent_expired": {"zh-CN": "授权已过期", "en": "Consent expired"},
        "problem.consent_revoked": {"zh-CN": "授权已撤回", "en": "Consent revoked"},
        "problem.consent_scope": {"zh-CN": "授权范围不符", "en": "Consent scope does not fit"},
        "problem.consent_purpose": {"zh-CN": "授权用途不符", "en": "Consent purpose does not fit"},
        "problem.consent_not_yet_valid": {"zh-CN": "授权尚未生效", "en": "Consent not yet valid"},
        "problem.detail.unauthenticated": {
            "zh-CN": "缺少 API 密钥：请在 Authorization: Bearer <密钥> 头中提供。",
            "en": "No API key: send it as Authorization: Bearer <key>.",
        },
        "problem.detail.api_key_invalid": {
            "zh-CN": "API 密钥无效或已吊销：请向管理员申请新密钥（ringscope apikey create）。",
            "en": "The API key is unknown or revoked: ask an administrator for a new one "
            "(ringscope apikey create).",
        },
        "problem.detail.forbidden_role": {
            "zh-CN": "角色 {role} 无权调用此接口；允许的角色：{allowed}。",
            "en": "The role {role} may not call this endpoint; allowed roles: {allowed}.",
        },
        "problem.detail.not_found": {
            "zh-CN": "没有路径 {path}：接口列表见 /docs。",
            "en": "There is no path {path}: see /docs for the endpoints.",
        },
        "problem.detail.party_not_found": {
            "zh-CN": "当事人 {party_id} 不存在：请确认已导入该当事人。",
            "en": "Party {party_id} was not found: check that the party has been loaded.",
        },
        "problem.detail.ring_not_found": {
            "zh-CN": "团伙 {ring_id} 不存在：团伙编号可能在重新检测后变化。",
            "en": "Ring {ring_id} was not found: ring ids can change when detection runs again.",
        },
        "problem.detail.consent_not_found": {
            "zh-CN": "授权 {consent_id} 不存在：请确认授权编号，或先导入该授权。",
            "en": "Consent {consent_id} was not found: check the id, or load the consent first.",
        },
        "problem.detail.method_not_allowed": {
            "zh-CN": "路径 {path} 不支持 {method} 方法。",
            "en": "The path {path} does not accept {method}.",
        },
        "problem.detail.malformed_request": {
            "zh-CN": "请求体不是有效的 JSON：请发送 Content-Type: application/json 的 JSON 对象。",
            "en": "The request body is not valid JSON: send a JSON object with "
            "Content-Type: application/json.",
        },
        "problem.detail.invalid_request": {
            "zh-CN": "请求不符合接口定义：见 errors 字段。",
            "en": "The request does not match the schema: see the errors field.",
        },
        "problem.detail.request_too_large": {
            "zh-CN": "请求体超过 {limit} 字节的上限。",
            "en": "The request body exceeds the limit of {limit} bytes.",
        },
        "problem.detail.rate_limited": {
            "zh-CN": "此密钥每分钟最多 {limit} 个请求：请在 {retry_after} 秒后重试。",
            "en": "This key may send {limit} requests a minute: retry in {retry_after} seconds.",
        },
        "problem.detail.neo4j_unavailable": {
            "zh-CN": "图数据库暂时无法访问：请稍后重试；如持续出现，请联系运维。",
            "en": "The graph database cannot be reached: retry later, and tell the operators "
            "if it persists.",
        },
        "problem.detail.audit_unavailable": {
            "zh-CN": "无法写入审计记录，因此未返回结果：请稍后重试。",
            "en": "The request could not be recorded in the audit trail, so no result was "
            "returned: retry later.",
        },
        "problem.detail.internal_error": {
            "zh-CN": "服务器内部错误：请稍后重试，并把 request_id 告知运维。",
            "en": "Internal server error: retry later and give the operators the request_id.",
        },
    }
)
