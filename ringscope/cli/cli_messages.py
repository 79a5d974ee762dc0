"""Messages of the CLI's load commands."""

from ringscope.i18n import register

register(
    {
        "load.progress": {
            "zh-CN": "{label}：已读 {rows:,} 行，{rate:,} 行/秒",
            "en": "{label}: {rows:,} rows read, {rate:,} rows/s",
        },
        "load.no_rows": {
            "zh-CN": "注意：{file} 没有任何通话行（只有表头或为空表）；请确认导出的账单时间段是否正确。",
            "en": "Note: {file} has no call rows (only a header or an empty table); check the period of the exported bill.",
        },
        "load.totals": {
            "zh-CN": "共 {files} 个文件：已加载 {loaded}，此前已加载 {already}，试运行 {dry}，未加载 {failed}；"
            "读取 {rows_read} 行 = 加载 {rows_loaded} + 拒绝 {rows_rejected} + 重复 {duplicates}。",
            "en": "{files} files: {loaded} loaded, {already} already loaded, {dry} dry runs, {failed} not loaded; "
            "{rows_read} rows read = {rows_loaded} loaded + {rows_rejected} rejected + {duplicates} duplicates.",
        },
        "load.dry_run_note": {
            "zh-CN": "试运行：只读取和校验，不写数据库，也不检查授权。",
            "en": "Dry run: reading and validating only; nothing is written and the consent "
            "gate is skipped.",
        },
        "load.extract_dry_run_note": {
            "zh-CN": "试运行：只校验，不写数据库。",
            "en": "Dry run: validating only; nothing is written.",
        },
        "load.file_failed": {
            "zh-CN": "未加载 {file}：{reason}",
            "en": "Not loaded: {file}: {reason}",
        },
        "load.bad_owner_phone": {
            "zh-CN": "--owner-phone 的号码 {value} 无效。",
            "en": "The --owner-phone number {value} is invalid.",
        },
        "load.rejected_row": {
            "zh-CN": "已拒绝 {file} 第 {line} 行：{reason}（{values}）",
            "en": "Rejected {file} line {line}: {reason} ({values})",
        },
        "load.more_rejected": {
            "zh-CN": "……另有 {count} 行被拒绝。",
            "en": "... and {count} more rejected rows.",
        },
        "manifest.shape": {
            "zh-CN": '清单 {file} 的格式不对：应为 {{"batches": [...]}} 或带表头的 CSV。',
            "en": 'The manifest {file} has the wrong shape: use {{"batches": [...]}} or a CSV '
            "with a header.",
        },
        "manifest.missing": {
            "zh-CN": "清单 {file} 第 {entry} 项缺少：{missing}",
            "en": "Entry {entry} of the manifest {file} lacks: {missing}",
        },
        "extract.help_parties": {
            "zh-CN": "导入当事人及其号码（列：party_id, phone）。",
            "en": "Load parties and their phones (columns: party_id, phone).",
        },
        "extract.help_contacts": {
            "zh-CN": "导入紧急联系人（列：party_id, phone, relation）。",
            "en": "Load emergency contacts (columns: party_id, phone, relation).",
        },
        "extract.help_loans": {
            "zh-CN": "导入贷款及角色（列：loan_id, party_id, role, status, applied_at）。",
            "en": "Load loans and roles (columns: loan_id, party_id, role, status, applied_at).",
        },
        "extract.help_consents": {
            "zh-CN": "导入授权记录（列：consent_id, party_id, scope, purpose, granted_at, "
            "expires_at, revoked_at, document_sha256）。",
            "en": "Load consents (columns: consent_id, party_id, scope, purpose, granted_at, "
            "expires_at, revoked_at, document_sha256).",
        },
    }
)

# One-line summaries in `ringscope --help`, in the language of RINGSCOPE_LANG.
register(
    {
        "cli.short.apikey": {
            "zh-CN": "创建、列出和吊销 API 密钥。",
            "en": "Create, list and revoke API keys.",
        },
        "cli.short.audit": {
            "zh-CN": "校验或导出审计链。",
            "en": "Verify or export the audit trail.",
        },
        "cli.short.consent": {
            "zh-CN": "管理授权：撤回并删除数据。",
            "en": "Manage consents: revoke with erasure.",
        },
        "cli.short.cypher": {
            "zh-CN": "在只读事务中运行临时 Cypher 查询。",
            "en": "Run ad-hoc Cypher in a READ transaction.",
        },
        "cli.short.demo": {
            "zh-CN": "在随附的 VAST 2008 数据上运行完整流程。",
            "en": "Run the main job on the bundled VAST 2008 calls.",
        },
        "cli.short.evaluate": {
            "zh-CN": "用生成数据的真值评估团伙与换号识别。",
            "en": "Score rings and number changes against ground truth.",
        },
        "cli.short.generate": {
            "zh-CN": "生成带预置团伙的合成数据。",
            "en": "Generate synthetic data with planted rings.",
        },
        "cli.short.load": {
            "zh-CN": "加载通话记录和信贷系统导出。",
            "en": "Load call records and loan-system extracts.",
        },
        "cli.short.neo4j": {
            "zh-CN": "启动、停止和查看本地 Neo4j。",
            "en": "Start, stop and check the local Neo4j.",
        },
        "cli.short.query": {
            "zh-CN": "具名调查查询（只读，留审计）。",
            "en": "Named investigator queries (read-only, audited).",
        },
        "cli.short.rekey": {
            "zh-CN": "用新密钥重算全部号码假名。",
            "en": "Re-pseudonymise the graph under a new key.",
        },
        "cli.short.retention": {
            "zh-CN": "按保存期限删除过旧的通话数据。",
            "en": "Erase call facts older than the retention limit.",
        },
        "cli.short.rings": {
            "zh-CN": "发现、列出和查看风险团伙。",
            "en": "Detect, list and show risk rings.",
        },
        "cli.short.schema": {
            "zh-CN": "应用或查看图模式。",
            "en": "Apply or inspect the graph schema.",
        },
        "cli.short.serve": {
            "zh-CN": "运行关联 API（OpenAPI 文档在 /docs）。",
            "en": "Run the linkage API (OpenAPI docs at /docs).",
        },
    }
)
