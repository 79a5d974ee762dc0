"""Messages of consent revocation, retention and re-keying (zh-CN and en)."""

from ringscope.i18n import register

register(
    {
        "privacy.consent_unknown": {
            "zh-CN": "授权 {consent_id} 不存在：请核对授权编号（可用 `ringscope load consents` 导入的文件查找）。",
            "en": "Consent {consent_id} was not found: check the consent id against the consents extract you loaded.",
        },
        "privacy.revoke.done": {
            "zh-CN": "授权 {consent_id} 已于 {revoked_at} 撤回，并已删除仅由它支持的通话数据。",
            "en": "Consent {consent_id} is revoked as of {revoked_at}; the call facts that only it supported are erased.",
        },
        "privacy.revoke.already": {
            "zh-CN": "授权 {consent_id} 此前已撤回（{revoked_at}）；本次重新检查并删除了剩余的数据。",
            "en": "Consent {consent_id} was already revoked ({revoked_at}); this run checked for and erased any remaining data.",
        },
        "privacy.revoke.help": {
            "zh-CN": "撤回授权 CONSENT_ID，并删除仅由它支持的全部通话数据。",
            "en": "Revoke consent CONSENT_ID and erase every call fact that only it supported.",
        },
        "privacy.consent.help": {
            "zh-CN": "管理授权：撤回并删除数据。",
            "en": "Manage consents: revoke them, with erasure.",
        },
        "privacy.col_item": {"zh-CN": "项目", "en": "item"},
        "privacy.col_value": {"zh-CN": "数值", "en": "value"},
        "privacy.col_batches": {"zh-CN": "涉及批次", "en": "batches erased"},
        "privacy.col_relationships": {
            "zh-CN": "删除的通话关系",
            "en": "call relationships deleted",
        },
        "privacy.col_relationships_trimmed": {
            "zh-CN": "删减的通话关系",
            "en": "call relationships trimmed",
        },
        "privacy.col_call_records": {
            "zh-CN": "删除的通话记录（按批次计）",
            "en": "call records deleted (per batch)",
        },
        "privacy.col_calls_erased": {
            "zh-CN": "不再存在的通话",
            "en": "calls no longer in the graph",
        },
        "privacy.col_calls_kept": {
            "zh-CN": "因其他授权仍保留的通话",
            "en": "calls kept because other consents support them",
        },
        "privacy.col_phones": {"zh-CN": "删除的号码节点", "en": "phone nodes deleted"},
        "privacy.col_number_changes": {
            "zh-CN": "删除的换号记录",
            "en": "number changes deleted",
        },
        "privacy.col_rings": {"zh-CN": "标记为过期的团伙", "en": "rings marked stale"},
        "privacy.col_audit": {"zh-CN": "审计事件序号", "en": "audit event seq"},
        "privacy.col_cutoff": {
            "zh-CN": "截止时间（此前的通话删除）",
            "en": "cutoff (calls before it are erased)",
        },
        "privacy.col_batches_emptied": {
            "zh-CN": "清空并标记为已删除的批次",
            "en": "batches emptied and marked erased",
        },
        "privacy.col_batches_touched": {"zh-CN": "涉及批次", "en": "batches touched"},
        "privacy.rings_stale_note": {
            "zh-CN": "有团伙是用已删除的数据算出的，已标记为过期；请重新运行团伙检测。",
            "en": "Rings computed with the erased data are marked stale; run ring detection again.",
        },
    }
)

register(
    {
        "privacy.retention.help": {
            "zh-CN": "按保存期限删除过旧的通话数据。",
            "en": "Erase call facts older than the retention period.",
        },
        "privacy.retention.apply_help": {
            "zh-CN": "删除早于期限的通话数据（默认期限为 RINGSCOPE_RETENTION_MAX_AGE_DAYS 天）。",
            "en": "Erase call facts older than the limit (default: RINGSCOPE_RETENTION_MAX_AGE_DAYS days).",
        },
        "privacy.retention.done": {
            "zh-CN": "已删除 {cutoff} 之前开始的通话数据（期限 {days} 天）。",
            "en": "Erased the call facts of calls that started before {cutoff} (limit {days} days).",
        },
        "privacy.retention.dry_run": {
            "zh-CN": "试运行：以下是将要删除的内容，数据库未改动。",
            "en": "Dry run: this is what would be erased; the database is unchanged.",
        },
        "privacy.retention.bad_duration": {
            "zh-CN": "期限 {value} 无效：请写成天数、周数或年数，如 365d、26w、1y 或 P90D，且大于 0。",
            "en": "The limit {value} is invalid: give days, weeks or years above zero, such as 365d, 26w, 1y or P90D.",
        },
    }
)

register(
    {
        "privacy.rekey.help": {
            "zh-CN": "用新的假名化密钥重算图中全部号码假名（需要原始文件）。",
            "en": "Recompute every phone pseudonym in the graph under a new pseudonymisation key (needs the source files).",
        },
        "privacy.rekey.new_key_unreadable": {
            "zh-CN": "无法读取新密钥文件 {path}：{error}",
            "en": "Cannot read the new key file {path}: {error}",
        },
        "privacy.rekey.same_key": {
            "zh-CN": "新密钥与当前密钥（{key_id}）相同，无需更换。",
            "en": "The new key is the current key ({key_id}); there is nothing to re-key.",
        },
        "privacy.rekey.graph_key_mismatch": {
            "zh-CN": "图中号码使用的密钥（{stored_key_ids}）既不是当前密钥 {old_key_id} 也不是新密钥 "
            "{new_key_id}：请把 RINGSCOPE_PSEUDONYM_KEY 设为生成这些数据的密钥。",
            "en": "The graph's phones use the keys {stored_key_ids}, neither the current key {old_key_id} "
            "nor the new key {new_key_id}: set RINGSCOPE_PSEUDONYM_KEY to the key that made this data.",
        },
        "privacy.rekey.incomplete_sources": {
            "zh-CN": "提供的原始文件未包含图中 {missing} 个号码（例如 {examples}），无法为它们计算新假名；"
            "数据库未改动。请补充缺少的话单、当事人或紧急联系人文件，或先撤回/删除无法提供原始文件的数据。",
            "en": "The source files do not contain {missing} of the graph's numbers (for example "
            "{examples}), so their new pseudonyms cannot be computed; the database is unchanged. Add the "
            "missing bills, parties or contacts files, or revoke or erase the data whose sources are gone.",
        },
        "privacy.rekey.done": {
            "zh-CN": "已将 {phones} 个号码和 {batches} 个批次从密钥 {old_key_id} 换为 {new_key_id}。",
            "en": "Re-keyed {phones} phones and {batches} batches from key {old_key_id} to {new_key_id}.",
        },
        "privacy.rekey.dry_run": {
            "zh-CN": "试运行：原始文件覆盖了图中全部 {phones} 个号码，可以换钥；数据库未改动。",
            "en": "Dry run: the source files cover all {phones} phones in the graph, so re-keying can "
            "proceed; the database is unchanged.",
        },
        "privacy.rekey.next_steps": {
            "zh-CN": "下一步：把 RINGSCOPE_PSEUDONYM_KEY（或 RINGSCOPE_PSEUDONYM_KEY_FILE）改为新密钥，"
            "然后按密钥管理规定销毁旧密钥。",
            "en": "Next: point RINGSCOPE_PSEUDONYM_KEY (or RINGSCOPE_PSEUDONYM_KEY_FILE) at the new key, "
            "then destroy the old key as your key-management rules require.",
        },
        "privacy.col_relationships_moved": {
            "zh-CN": "改用新批次编号的通话关系",
            "en": "call relationships moved to the new batch ids",
        },
        "privacy.col_runs_updated": {
            "zh-CN": "更新的团伙检测记录",
            "en": "detection runs updated",
        },
        "privacy.rekey.no_sources": {
            "zh-CN": "未提供任何原始文件：请用 --manifest、--parties 或 --contacts 指定加载时用过的文件。",
            "en": "No source files were given: pass the files that were loaded with --manifest, "
            "--parties or --contacts.",
        },
    }
)
