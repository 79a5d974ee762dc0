"""Texts of `ringscope demo`."""

from ringscope.i18n import register

register(
    {
        "demo.title": {
            "zh-CN": "RingScope 演示：VAST 2008 公开通话数据集（9,834 次通话，400 部手机）",
            "en": "RingScope demo: the public VAST 2008 call data set (9,834 calls, 400 phones)",
        },
        "demo.key_throwaway": {
            "zh-CN": "未设置 RINGSCOPE_PSEUDONYM_KEY：本次演示生成了一次性假名化密钥 {key_id}，"
            "只保存在内存中，不写入任何文件；演示结束即作废。正式加载必须配置自己的密钥。",
            "en": "RINGSCOPE_PSEUDONYM_KEY is not set: this demo generated a throwaway "
            "pseudonymisation key {key_id}, kept in memory only and never written to a file; it "
            "is gone when the demo ends. Real loads need a configured key.",
        },
        "demo.key_configured": {
            "zh-CN": "使用已配置的假名化密钥 {key_id}。",
            "en": "Using the configured pseudonymisation key {key_id}.",
        },
        "demo.server_external": {
            "zh-CN": "使用 RINGSCOPE_NEO4J_URI 指定的服务器：{uri}",
            "en": "Using the server named by RINGSCOPE_NEO4J_URI: {uri}",
        },
        "demo.server_local": {
            "zh-CN": "本地 Neo4j 已就绪：{uri}",
            "en": "Local Neo4j is ready: {uri}",
        },
        "demo.browser": {
            "zh-CN": "Neo4j Browser：{url}（用户 neo4j，密码见 {password_file}）",
            "en": "Neo4j Browser: {url} (user neo4j, password in {password_file})",
        },
        "demo.schema": {
            "zh-CN": "图模式：{state}",
            "en": "Graph schema: {state}",
        },
        "demo.cleanup": {
            "zh-CN": "已删除上次演示留下的数据（{batches} 个批次）。",
            "en": "Removed the data of the previous demo run ({batches} batches).",
        },
        "demo.assumptions": {
            "zh-CN": "数据集本身没有贷款当事人和授权记录。演示假定以下手机属于贷款当事人，"
            "并为每人创建一条演示授权（范围 call_records，用途 credit_review，有效期一年）：",
            "en": "The data set has no loan parties or consents. The demo treats these phones "
            "as loan parties and creates one demo consent for each (scope call_records, purpose "
            "credit_review, valid for one year):",
        },
        "demo.load_under": {
            "zh-CN": "把整份 cdr.csv 当作当事人 {party_id} 在授权 {consent_id} 下提供的数仓导出"
            "（边列表格式，号码为不透明编号）加载：",
            "en": "Loading the whole cdr.csv as a warehouse extract supplied by party {party_id} "
            "under consent {consent_id} (edge-list layout, opaque phone ids):",
        },
        "demo.communities": {
            "zh-CN": "Louvain 社区发现（python-louvain，随机种子 {seed}）：{communities} 个社区，"
            "模块度 {modularity:.3f}；检测批次 {run_id}。",
            "en": "Louvain community detection (python-louvain, seed {seed}): {communities} "
            "communities, modularity {modularity:.3f}; detection run {run_id}.",
        },
        "demo.community_of": {
            "zh-CN": "手机 #200 所在社区 {ring_id}：{size} 个成员",
            "en": "Community {ring_id} of phone #200: {size} members",
        },
        "demo.col_phone": {"zh-CN": "号码", "en": "phone"},
        "demo.col_loan": {"zh-CN": "贷款（状态）", "en": "loan (status)"},
        "demo.col_guarantees": {"zh-CN": "为其担保的贷款", "en": "guarantees loan"},
        "demo.rejected_row": {
            "zh-CN": "  第 {line} 行已拒绝：{reason}",
            "en": "  line {line} rejected: {reason}",
        },
        "demo.communities_written": {
            "zh-CN": "每部手机所属社区已写回图中（Phone.community）；评分达到阈值的风险团伙写为 Ring 节点。",
            "en": "Each phone's community is written back to the graph (Phone.community); risk rings that score above the threshold are written as Ring nodes.",
        },
        "demo.col_party": {"zh-CN": "当事人", "en": "party"},
        "demo.col_role": {"zh-CN": "角色", "en": "role"},
        "demo.col_consent": {"zh-CN": "授权", "en": "consent"},
        "demo.col_calls_with_200": {"zh-CN": "与 #200 通话次数", "en": "calls with #200"},
        "demo.col_calls_in_community": {"zh-CN": "社区内通话次数", "en": "calls in community"},
        "demo.col_calls_total": {"zh-CN": "通话总次数", "en": "calls in total"},
        "demo.api_started": {
            "zh-CN": "已在 {url} 启动 API（一次性 API 密钥，角色 loan_system），请求：POST /v1/linkage",
            "en": "API started at {url} (throwaway API key, role loan_system); request: "
            "POST /v1/linkage",
        },
        "demo.linkage_header": {
            "zh-CN": "当事人 {party_id} 的关联结果（HTTP {status}，请求号 {request_id}）：风险等级 {level}",
            "en": "Linkage findings for party {party_id} (HTTP {status}, request {request_id}): "
            "risk level {level}",
        },
        "demo.col_type": {"zh-CN": "类型", "en": "type"},
        "demo.col_linked": {"zh-CN": "关联当事人", "en": "linked party"},
        "demo.col_reason": {"zh-CN": "说明", "en": "reason"},
        "demo.col_consents": {"zh-CN": "证据授权", "en": "evidence consents"},
        "demo.api_stopped": {
            "zh-CN": "API 已停止。",
            "en": "API stopped.",
        },
        "demo.done": {
            "zh-CN": "演示完成。Neo4j 仍在运行；用 `ringscope neo4j stop` 停止。",
            "en": "Demo finished. Neo4j is still running; stop it with `ringscope neo4j stop`.",
        },
        "demo.data_missing": {
            "zh-CN": "找不到演示数据 {path}：请在仓库根目录运行，或用 --data 指定 cdr.csv。",
            "en": "The demo data {path} was not found: run from the repository root or pass "
            "--data with the path of cdr.csv.",
        },
    }
)
