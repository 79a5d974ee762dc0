"""Messages of the shared core: settings, keys, database connection, CLI."""

from ringscope.i18n import register

register(
    {
        "pseudonym.key_missing": {
            "zh-CN": "未配置假名化密钥：请设置环境变量 RINGSCOPE_PSEUDONYM_KEY（至少 32 字节，"
            "建议用 `openssl rand -hex 32` 生成），或用 RINGSCOPE_PSEUDONYM_KEY_FILE 指向密钥文件。",
            "en": "No pseudonymisation key is configured: set RINGSCOPE_PSEUDONYM_KEY (at least "
            "32 bytes, for example from `openssl rand -hex 32`) or point "
            "RINGSCOPE_PSEUDONYM_KEY_FILE at a key file.",
        },
        "pseudonym.key_twice": {
            "zh-CN": "RINGSCOPE_PSEUDONYM_KEY 与 RINGSCOPE_PSEUDONYM_KEY_FILE 同时设置了；请只保留一个。",
            "en": "Both RINGSCOPE_PSEUDONYM_KEY and RINGSCOPE_PSEUDONYM_KEY_FILE are set; keep one.",
        },
        "pseudonym.key_file_unreadable": {
            "zh-CN": "无法读取密钥文件 {path}：{error}",
            "en": "Cannot read the key file {path}: {error}",
        },
        "pseudonym.key_too_short": {
            "zh-CN": "假名化密钥太短：至少需要 {minimum} 字节。",
            "en": "The pseudonymisation key is too short: it needs at least {minimum} bytes.",
        },
    }
)

register(
    {
        "db.unavailable": {
            "zh-CN": "无法连接 Neo4j（{uri}）：服务器未运行或不可达。本地服务器请运行 "
            "`ringscope neo4j start`；外部服务器请检查 RINGSCOPE_NEO4J_URI。",
            "en": "Cannot reach Neo4j at {uri}: the server is not running or not reachable. "
            "Run `ringscope neo4j start` for the local server, or check RINGSCOPE_NEO4J_URI.",
        },
        "db.auth_failed": {
            "zh-CN": "Neo4j（{uri}）拒绝了用户名或密码：请检查 RINGSCOPE_NEO4J_USER 和 "
            "RINGSCOPE_NEO4J_PASSWORD。",
            "en": "Neo4j at {uri} rejected the user name or password: check "
            "RINGSCOPE_NEO4J_USER and RINGSCOPE_NEO4J_PASSWORD.",
        },
        "schema.checksum_mismatch": {
            "zh-CN": "数据库中第 {version} 号迁移的校验和与代码不一致：已应用的迁移被修改过。"
            "请新增迁移，而不要修改旧的。",
            "en": "Migration {version} in the database has a different checksum than the code: "
            "an applied migration was edited. Add a new migration instead.",
        },
    }
)

register(
    {
        "consent.not_found": {
            "zh-CN": "授权 {consent_id} 不存在：请先用 `ringscope load consents` 导入授权记录。",
            "en": "Consent {consent_id} was not found: load it first with "
            "`ringscope load consents`.",
        },
        "consent.party": {
            "zh-CN": "授权 {consent_id} 不属于当事人 {party_id}：只能使用本人签署的授权。",
            "en": "Consent {consent_id} does not belong to party {party_id}: only the party's "
            "own consent allows the use.",
        },
        "consent.scope": {
            "zh-CN": "授权 {consent_id} 的范围（{granted}）不包括 {scope}。",
            "en": "Consent {consent_id} covers {granted}, not {scope}.",
        },
        "consent.purpose": {
            "zh-CN": "授权 {consent_id} 的用途（{granted}）不包括 {purpose}。",
            "en": "Consent {consent_id} allows the purposes {granted}, not {purpose}.",
        },
        "consent.revoked": {
            "zh-CN": "授权 {consent_id} 已于 {revoked_at} 撤回。",
            "en": "Consent {consent_id} was revoked at {revoked_at}.",
        },
        "consent.not_yet_valid": {
            "zh-CN": "授权 {consent_id} 在 {granted_at} 才生效。",
            "en": "Consent {consent_id} is valid only from {granted_at}.",
        },
        "consent.expired": {
            "zh-CN": "授权 {consent_id} 已于 {expires_at} 过期。",
            "en": "Consent {consent_id} expired at {expires_at}.",
        },
    }
)

register(
    {
        "schema.applied": {
            "zh-CN": "已应用迁移：{versions}",
            "en": "Applied migrations: {versions}",
        },
        "schema.up_to_date": {
            "zh-CN": "图模式已是最新，无需迁移。",
            "en": "The graph schema is up to date; nothing to apply.",
        },
        "schema.pending": {"zh-CN": "待应用", "en": "pending"},
        "schema.col_version": {"zh-CN": "版本", "en": "version"},
        "schema.col_description": {"zh-CN": "说明", "en": "description"},
        "schema.col_applied": {"zh-CN": "应用时间", "en": "applied at"},
    }
)
