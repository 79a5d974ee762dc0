"""Messages of the load pipeline (the readers' own messages live in loader.messages)."""

from ringscope.i18n import register

register(
    {
        "load.file_unreadable": {
            "zh-CN": "无法读取文件 {file}：{error}",
            "en": "Cannot read the file {file}: {error}",
        },
        "load.key_mismatch": {
            "zh-CN": "当前假名化密钥（{key_id}）与图中已有数据使用的密钥（{stored_key_ids}）不同，"
            "已拒绝加载：混用密钥会让同一号码变成两个假名。请使用原密钥，或先执行 "
            "`ringscope rekey` 重新生成假名。",
            "en": "The pseudonymisation key ({key_id}) differs from the key of the data already "
            "in the graph ({stored_key_ids}); the load is rejected because mixing keys splits one "
            "number into two pseudonyms. Use the original key, or run `ringscope rekey` first.",
        },
        "load.owner_mismatch": {
            "zh-CN": "{file} 中的机主号码 {owner} 不属于当事人 {party_id}：请核对 --owner-party。",
            "en": "The owner number {owner} in {file} does not belong to party {party_id}: "
            "check --owner-party.",
        },
        "load.owner_not_personal": {
            "zh-CN": "{file} 的机主号码 {owner} 不是手机或固话号码：请用 --owner-phone 给出机主本人的号码。",
            "en": "The owner number {owner} of {file} is not a mobile or landline number: pass the owner's own number with --owner-phone.",
        },
        "load.owner_unknown": {
            "zh-CN": "{file} 未写明机主号码，而当事人 {party_id} 没有登记号码：请先用 "
            "`ringscope load parties` 导入当事人号码，或用 --owner-phone 指定。",
            "en": "{file} does not state the owner's number and party {party_id} has no phone "
            "on record: load it with `ringscope load parties` or pass --owner-phone.",
        },
        "load.owner_ambiguous": {
            "zh-CN": "{file} 未写明机主号码，而当事人 {party_id} 登记了 {count} 个号码：请用 "
            "--owner-phone 指定这份账单属于哪个号码。",
            "en": "{file} does not state the owner's number and party {party_id} has {count} "
            "phones on record: pass --owner-phone to say whose bill it is.",
        },
        "load.duration_too_long": {
            "zh-CN": "通话时长 {seconds} 秒超过上限（约 12 天），疑为错误数据。",
            "en": "The call lasts {seconds} seconds, more than the limit of about 12 days; "
            "the value is probably wrong.",
        },
    }
)

register(
    {
        "extract.empty": {
            "zh-CN": "文件 {file} 是空的。",
            "en": "The file {file} is empty.",
        },
        "extract.binary": {
            "zh-CN": "文件 {file} 不是文本（CSV 或 JSON）：请导出为 CSV 或 JSON 后重试。",
            "en": "The file {file} is not text (CSV or JSON): export it as CSV or JSON and retry.",
        },
        "extract.no_header": {
            "zh-CN": "文件 {file} 没有表头行。",
            "en": "The file {file} has no header row.",
        },
        "extract.encoding": {
            "zh-CN": "文件 {file} 既不是 UTF-8 也不是 GBK/GB18030 编码：请另存为 UTF-8。",
            "en": "The file {file} is neither UTF-8 nor GBK/GB18030: save it as UTF-8.",
        },
        "extract.json_invalid": {
            "zh-CN": "文件 {file} 第 {line} 行 JSON 格式错误：{error}",
            "en": "The file {file} has invalid JSON at line {line}: {error}",
        },
        "extract.json_shape": {
            "zh-CN": '文件 {file} 不是对象列表：JSON 导出应为 [{{...}}, ...] 或 {{"rows": [...]}}。',
            "en": "The file {file} is not a list of objects: a JSON extract must be [{{...}}, ...] "
            'or {{"rows": [...]}}.',
        },
        "extract.missing_columns": {
            "zh-CN": "文件 {file} 作为 {kind} 导入缺少列：{missing}（找到的列：{found}）。",
            "en": "The file {file} lacks the {kind} columns {missing} (columns found: {found}).",
        },
        "extract.missing_value": {
            "zh-CN": "列 {column} 为空。",
            "en": "The column {column} is empty.",
        },
        "extract.bad_phone": {
            "zh-CN": "列 {column} 的号码 {value} 无效。",
            "en": "The number {value} in column {column} is invalid.",
        },
        "extract.bad_datetime": {
            "zh-CN": "列 {column} 的时间 {value} 无法解析：请使用 2026-09-01 或 2026-09-01T08:00:00+08:00。",
            "en": "The time {value} in column {column} does not parse: use 2026-09-01 or "
            "2026-09-01T08:00:00+08:00.",
        },
        "extract.bad_role": {
            "zh-CN": "角色 {value} 无效：应为 applicant、borrower、co_borrower 或 guarantor。",
            "en": "The role {value} is invalid: use applicant, borrower, co_borrower or guarantor.",
        },
        "extract.bad_status": {
            "zh-CN": "贷款状态 {value} 无效：应为 applied、approved、rejected、repaying、overdue、"
            "defaulted 或 closed。",
            "en": "The loan status {value} is invalid: use applied, approved, rejected, repaying, "
            "overdue, defaulted or closed.",
        },
        "extract.expires_before_granted": {
            "zh-CN": "到期时间 {value} 早于授权时间。",
            "en": "The expiry {value} is before the grant time.",
        },
        "extract.bad_sha256": {
            "zh-CN": "document_sha256 应为 64 位十六进制，实际为 {value}。",
            "en": "document_sha256 must be 64 hex characters, not {value}.",
        },
    }
)

# Labels of the load report, shared by the CLI and the demo.
register(
    {
        "load.quarantine_file": {
            "zh-CN": "被拒绝的行及原因已写入：{path}",
            "en": "Rejected rows and reasons are in: {path}",
        },
        "load.status_loaded": {"zh-CN": "已加载", "en": "loaded"},
        "load.status_already_loaded": {
            "zh-CN": "此前已加载，未作改动",
            "en": "already loaded, nothing changed",
        },
        "load.status_dry_run": {"zh-CN": "试运行", "en": "dry run"},
        "load.col_item": {"zh-CN": "项目", "en": "item"},
        "load.col_value": {"zh-CN": "值", "en": "value"},
        "load.col_file": {"zh-CN": "文件", "en": "file"},
        "load.col_kind": {"zh-CN": "类型", "en": "kind"},
        "load.col_status": {"zh-CN": "状态", "en": "status"},
        "load.col_batch": {"zh-CN": "批次", "en": "batch"},
        "load.col_layout": {"zh-CN": "格式", "en": "layout"},
        "load.col_owner": {"zh-CN": "机主", "en": "owner"},
        "load.col_consent": {"zh-CN": "授权", "en": "consent"},
        "load.col_rows_read": {"zh-CN": "读取行数", "en": "rows read"},
        "load.col_rows_loaded": {"zh-CN": "加载行数", "en": "rows loaded"},
        "load.col_rows_rejected": {"zh-CN": "拒绝行数", "en": "rows rejected"},
        "load.col_duplicates": {"zh-CN": "重复行数", "en": "duplicates"},
        "load.col_total_seconds": {"zh-CN": "通话总秒数", "en": "total seconds"},
        "load.col_distinct_peers": {"zh-CN": "不同对端号码数", "en": "distinct peers"},
    }
)
