"""Problem titles and details of the API (zh-CN and en)."""

from ringscope.i18n import register

register(
    {
        "problem.unauthenticated": {"zh-CN": "未认证", "en": "Unauthenticated"},
        "problem.forbidden_role": {"zh-CN": "角色无权访问", "en": "Role not allowed"},
        "problem.not_found": {"zh-CN": "未找到", "en": "Not found"},
        "problem.invalid_request": {"zh-CN": "请求无效", "en": "Invalid request"},
        "problem.neo4j_unavailable": {
            "zh-CN": "图数据库不可用",
            "en": "Graph database unavailable",
        },
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
        "problem.detail.bad_key": {
            "zh-CN": "API 密钥无效或已吊销。",
            "en": "The API key is invalid or revoked.",
        },
        "problem.detail.forbidden_role": {
            "zh-CN": "角色 {role} 无权调用此接口。",
            "en": "The role {role} may not call this endpoint.",
        },
        "problem.detail.invalid_request": {
            "zh-CN": "请求体不符合接口定义：见 errors 字段。",
            "en": "The request does not match the schema: see the errors field.",
        },
    }
)
