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
