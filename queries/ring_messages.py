"""Texts of ring reasons and kinds, named queries and the query, rings and evaluate commands.

Ring reasons are stored as codes (``Ring.reasons``) with their numbers as JSON
(``Ring.reason_details``); :func:`render_reason` turns one into a sentence in either
language, so the CLI and the API show the same text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ringscope.i18n import current_language, normalize_language, register, translate

register(
    {
        "ring.reason.guarantee_circle": {
            "zh-CN": "互保圈：{length} 方依次为对方贷款担保，形成闭环（贷款 {loans}）。",
            "en": "Guarantee circle: {length} parties guarantee one another's loans in a "
            "closed loop (loans {loans}).",
        },
        "ring.reason.shared_intermediary": {
            "zh-CN": "共同中介：{members} 名成员都只在各自申请日前 {window_days} 天到申请后不久联系同一个"
            "非当事人号码（中介号码 {intermediaries} 个）。",
            "en": "Shared intermediary: {members} members each called the same number, held "
            "by no party, only from {window_days} days before to shortly after their own "
            "application ({intermediaries} such numbers).",
        },
        "ring.reason.defaulted_member": {
            "zh-CN": "成员中有 {members} 人的贷款处于{statuses}状态。",
            "en": "{members} members hold loans that are {statuses}.",
        },
        "ring.reason.clustered_application_dates": {
            "zh-CN": "申请日期集中：{members} 名成员在 {span_days} 天内先后申请（窗口 {window_days} 天）。",
            "en": "Clustered applications: {members} members applied within {span_days} days "
            "of each other (window {window_days} days).",
        },
        "ring.reason.shared_phone": {
            "zh-CN": "共用号码：{parties} 名当事人登记了同样的号码（{phones} 个号码）。",
            "en": "Shared phone: {parties} parties registered the same number ({phones} numbers).",
        },
        "ring.reason.direct_calls_unlisted": {
            "zh-CN": "成员之间有 {pairs} 对直接通话（共 {calls} 次），但双方都没有把对方填为紧急联系人。",
            "en": "{pairs} pairs of members called each other ({calls} calls) without either "
            "listing the other as an emergency contact.",
        },
        "ring.reason.shared_emergency_contact": {
            "zh-CN": "{parties} 名成员填写了相同的紧急联系人（{phones} 个号码）。",
            "en": "{parties} members list the same emergency contact ({phones} numbers).",
        },
        "ring.status.defaulted": {"zh-CN": "违约", "en": "defaulted"},
        "ring.status.overdue": {"zh-CN": "逾期", "en": "overdue"},
        "ring.kind.coached_group": {"zh-CN": "中介带办团伙", "en": "coached group"},
        "ring.kind.guarantee_circle": {"zh-CN": "互保圈", "en": "guarantee circle"},
        "ring.kind.coached_guarantee": {
            "zh-CN": "中介带办的互保圈",
            "en": "coached guarantee circle",
        },
        "ring.kind.linked_parties": {"zh-CN": "关联当事人", "en": "linked parties"},
        "ring.kind.call_community": {"zh-CN": "通话社区", "en": "call community"},
    }
)

register(
    {
        "query.not_found": {
            "zh-CN": "没有名为 {name} 的查询。可用的查询：{names}",
            "en": "There is no query named {name}. Queries: {names}",
        },
        "query.header_invalid": {
            "zh-CN": "查询文件 {file} 的文件头有一行无法识别：{line}",
            "en": "The header of the query file {file} has a line that cannot be read: {line}",
        },
        "query.header_incomplete": {
            "zh-CN": "查询文件 {file} 的文件头不完整：需要 name、purpose.zh-CN、purpose.en 和至少一个 column。",
            "en": "The header of the query file {file} is incomplete: it needs name, "
            "purpose.zh-CN, purpose.en and at least one column.",
        },
        "query.unknown_name": {
            "zh-CN": "查询文件 {file} 用了图模型中没有的名称：{names}",
            "en": "The query file {file} uses names the graph model does not define: {names}",
        },
        "query.params_invalid": {
            "zh-CN": "查询 {name} 的参数有误：{problems}。用 `ringscope query show {name}` 查看参数。",
            "en": "Invalid parameters for query {name}: {problems}. See `ringscope query show "
            "{name}` for its parameters.",
        },
        "query.param_format": {
            "zh-CN": "参数 {value} 的格式应为 名称=值。",
            "en": "The parameter {value} should look like name=value.",
        },
        "query.write_refused": {
            "zh-CN": "已拒绝：{name} 试图写入数据库。调查查询只能在只读事务中运行；修改数据请使用 "
            "`ringscope load` 或 `ringscope consent` 等命令。",
            "en": "Refused: {name} tried to write to the database. Investigator queries run "
            "in read-only transactions; change data with commands such as `ringscope load` "
            "or `ringscope consent`.",
        },
        "query.cypher_invalid": {
            "zh-CN": "{name} 的 Cypher 无效：{error}",
            "en": "The Cypher of {name} is invalid: {error}",
        },
        "query.failed": {
            "zh-CN": "{name} 在服务器上执行失败：{error}",
            "en": "{name} failed on the server: {error}",
        },
        "query.col_name": {"zh-CN": "名称", "en": "name"},
        "query.col_purpose": {"zh-CN": "用途", "en": "purpose"},
        "query.col_param": {"zh-CN": "参数", "en": "parameter"},
        "query.col_type": {"zh-CN": "类型", "en": "type"},
        "query.col_default": {"zh-CN": "默认值", "en": "default"},
        "query.col_meaning": {"zh-CN": "含义", "en": "meaning"},
        "query.col_column": {"zh-CN": "返回列", "en": "column"},
        "query.required": {"zh-CN": "（必填）", "en": "(required)"},
        "query.injected": {"zh-CN": "（自动提供）", "en": "(supplied automatically)"},
        "query.rows": {
            "zh-CN": "共 {rows} 行。审计记录序号 {seq}。",
            "en": "{rows} rows. Audit event {seq}.",
        },
        "query.truncated": {
            "zh-CN": "结果只显示前 {rows} 行；用 --max-rows 显示更多。",
            "en": "Only the first {rows} rows are shown; use --max-rows for more.",
        },
    }
)

register(
    {
        "rings.not_found": {
            "zh-CN": "没有编号为 {ring_id} 的团伙。用 `ringscope rings list` 查看现有团伙。",
            "en": "There is no ring {ring_id}. See `ringscope rings list` for the rings there are.",
        },
        "rings.detected": {
            "zh-CN": "检测批次 {run_id}：Louvain（种子 {seed}，分辨率 {resolution}）得到 {communities} 个社区，"
            "模块度 {modularity:.3f}，连通分量 {components} 个；压制枢纽号码 {hubs} 个，识别中介号码 "
            "{intermediaries} 个，互保圈 {circles} 个；写入风险团伙 {rings} 个、疑似换号 {changes} 个。",
            "en": "Detection run {run_id}: Louvain (seed {seed}, resolution {resolution}) found "
            "{communities} communities, modularity {modularity:.3f}, {components} connected "
            "components; {hubs} hub numbers suppressed, {intermediaries} intermediaries and "
            "{circles} guarantee circles found; {rings} risk rings and {changes} probable "
            "number changes written.",
        },
        "rings.none": {
            "zh-CN": "图中没有风险团伙。先运行 `ringscope rings detect`。",
            "en": "The graph holds no risk rings. Run `ringscope rings detect` first.",
        },
        "rings.col_ring": {"zh-CN": "团伙", "en": "ring"},
        "rings.col_kind": {"zh-CN": "类型", "en": "kind"},
        "rings.col_score": {"zh-CN": "评分", "en": "score"},
        "rings.col_parties": {"zh-CN": "当事人", "en": "parties"},
        "rings.col_phones": {"zh-CN": "号码", "en": "phones"},
        "rings.col_reasons": {"zh-CN": "原因", "en": "reasons"},
        "rings.col_stale": {"zh-CN": "已过时", "en": "stale"},
        "rings.col_phone": {"zh-CN": "号码（掩码）", "en": "phone (masked)"},
        "rings.col_phone_kind": {"zh-CN": "号码类型", "en": "kind"},
        "rings.col_holders": {"zh-CN": "持有人", "en": "held by"},
        "rings.show_header": {
            "zh-CN": "团伙 {ring_id}（{kind}）：评分 {score}，{parties} 名当事人，{phones} 个号码；"
            "检测批次 {run_id}{stale}",
            "en": "Ring {ring_id} ({kind}): score {score}, {parties} parties, {phones} phones; "
            "detection run {run_id}{stale}",
        },
        "rings.stale_note": {
            "zh-CN": "；已过时（部分证据的授权已撤回），请重新检测",
            "en": "; stale (consent for some evidence was revoked), run detection again",
        },
        "rings.reasons_header": {"zh-CN": "原因：", "en": "Reasons:"},
        "rings.yes": {"zh-CN": "是", "en": "yes"},
        "rings.no": {"zh-CN": "否", "en": "no"},
    }
)

register(
    {
        "evaluate.truth_unreadable": {
            "zh-CN": "无法读取真值文件 {path}：{error}",
            "en": "Cannot read the truth file {path}: {error}",
        },
        "evaluate.no_run": {
            "zh-CN": "图中还没有检测结果：先运行 `ringscope rings detect`，再评估。",
            "en": "The graph holds no detection results yet: run `ringscope rings detect` "
            "before evaluating.",
        },
        "evaluate.title": {
            "zh-CN": "与生成器真值对比（检测批次 {run_id}）",
            "en": "Compared with the generator's ground truth (detection run {run_id})",
        },
        "evaluate.col_measure": {"zh-CN": "指标", "en": "measure"},
        "evaluate.col_value": {"zh-CN": "数值", "en": "value"},
        "evaluate.col_counts": {"zh-CN": "计数", "en": "counts"},
        "evaluate.ring_precision": {"zh-CN": "团伙精确率", "en": "ring precision"},
        "evaluate.ring_recall": {"zh-CN": "团伙召回率", "en": "ring recall"},
        "evaluate.ring_ari": {"zh-CN": "团伙调整兰德指数", "en": "ring adjusted Rand index"},
        "evaluate.number_change_precision": {
            "zh-CN": "换号精确率",
            "en": "number-change precision",
        },
        "evaluate.number_change_recall": {"zh-CN": "换号召回率", "en": "number-change recall"},
        "evaluate.counts_rings": {
            "zh-CN": "检测 {detected} 个，真值 {truth} 个，匹配 {matched} 个",
            "en": "{detected} detected, {truth} true, {matched} matched",
        },
        "evaluate.counts_parties": {
            "zh-CN": "{parties} 名当事人",
            "en": "{parties} parties",
        },
    }
)


def render_reason(code: str, details: Mapping[str, Any], language: str | None = None) -> str:
    """Return the sentence for one ring reason, with its numbers, in ``language``."""
    lang = normalize_language(language) if language else current_language()
    params = dict(details)
    if "loans" in params and isinstance(params["loans"], list):
        params["loans"] = ", ".join(str(loan) for loan in params["loans"])
    if "statuses" in params and isinstance(params["statuses"], list):
        separator = "、" if lang == "zh-CN" else " or "
        params["statuses"] = separator.join(
            translate(f"ring.status.{status}", lang) for status in params["statuses"]
        )
    return translate(f"ring.reason.{code}", lang, **params)


def render_kind(kind: str, language: str | None = None) -> str:
    return translate(f"ring.kind.{kind}", language)
