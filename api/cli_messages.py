"""Texts of the API's commands: serve, apikey and audit (zh-CN and en)."""

from ringscope.i18n import register

register(
    {
        "serve.starting": {
            "zh-CN": "RingScope API 在 http://{host}:{port} 启动（文档：/docs，按 Ctrl+C 停止）。",
            "en": "RingScope API starting on http://{host}:{port} (docs at /docs; Ctrl+C stops it).",
        },
        "serve.not_loopback": {
            "zh-CN": "注意：{host} 不是本机回环地址，其他机器也能访问 API；请在前面放置 HTTPS 反向代理。",
            "en": "Note: {host} is not a loopback address, so other machines can reach the API; "
            "put an HTTPS reverse proxy in front of it.",
        },
        "apikey.created": {
            "zh-CN": "已创建角色为 {role} 的 API 密钥（前缀 {prefix}）。密钥只显示这一次，请立即妥善保存：",
            "en": "Created an API key with role {role} (prefix {prefix}). The key is shown only "
            "this once; store it safely now:",
        },
        "apikey.bad_role": {
            "zh-CN": "未知角色 {role}：可用角色为 {roles}。",
            "en": "Unknown role {role}: use one of {roles}.",
        },
        "apikey.revoked": {
            "zh-CN": "已吊销前缀为 {prefix} 的 API 密钥。",
            "en": "Revoked the API key with prefix {prefix}.",
        },
        "apikey.not_active": {
            "zh-CN": "没有前缀为 {prefix} 的有效密钥：用 `ringscope apikey list` 查看密钥。",
            "en": "No active key has the prefix {prefix}: see `ringscope apikey list`.",
        },
        "apikey.none": {"zh-CN": "尚未创建 API 密钥。", "en": "No API keys have been created."},
        "apikey.col_prefix": {"zh-CN": "前缀", "en": "prefix"},
        "apikey.col_role": {"zh-CN": "角色", "en": "role"},
        "apikey.col_label": {"zh-CN": "备注", "en": "label"},
        "apikey.col_created": {"zh-CN": "创建时间", "en": "created"},
        "apikey.col_revoked": {"zh-CN": "吊销时间", "en": "revoked"},
        "audit.intact": {
            "zh-CN": "审计记录完整：{count} 条事件，哈希链无断裂。",
            "en": "The audit trail is intact: {count} events, hash chain unbroken.",
        },
        "audit.broken": {
            "zh-CN": "审计记录已被改动：{count} 条事件中发现 {problems} 处问题。",
            "en": "The audit trail has been tampered with: {problems} problems in {count} events.",
        },
        "audit.problem_changed": {
            "zh-CN": "第 {seq} 条事件的内容与其哈希不符（被修改）。",
            "en": "Event {seq} does not match its hash (changed).",
        },
        "audit.problem_chain_broken": {
            "zh-CN": "第 {seq} 条事件未指向前一条事件的哈希（前面有事件被插入、删除或修改）。",
            "en": "Event {seq} does not point at the previous event's hash (an event before it "
            "was inserted, deleted or changed).",
        },
        "audit.problem_missing": {
            "zh-CN": "缺少第 {seq} 条事件（被删除）。",
            "en": "Event {seq} is missing (deleted).",
        },
        "audit.problem_out_of_order": {
            "zh-CN": "第 {seq} 条事件的序号重复或乱序（被插入）。",
            "en": "Event {seq} repeats or breaks the sequence (inserted).",
        },
        "audit.problem_head_mismatch": {
            "zh-CN": "链头记录的最后序号为 {seq}，与实际最后一条事件不符（末尾有事件被删除或追加）。",
            "en": "The chain head records {seq} as the last event, which does not match the last "
            "stored event (events removed or added at the end).",
        },
        "audit.exported": {
            "zh-CN": "已导出 {count} 条审计事件到 {path}。",
            "en": "Exported {count} audit events to {path}.",
        },
    }
)
