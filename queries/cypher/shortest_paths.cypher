// name: shortest_paths
// purpose.zh-CN: 两个当事人之间的所有最短路径：经由号码、有效授权下的通话、紧急联系人和贷款角色，不经过服务号码和通话对象超过 max_degree 个的枢纽号码；最多 max_hops 步（上限 8）。
// purpose.en: All shortest paths between two parties: through phones, calls under valid consents, emergency contacts and loan roles, never through service numbers or hub phones with more than max_degree call partners; at most max_hops steps (at most 8).
// param party_a (string): 起点当事人 | the first party
// param party_b (string): 终点当事人 | the second party
// param max_hops (int, default 6): 最多步数 | most steps
// param max_degree (int, default 100): 路径中间的号码最多有这么多通话对象 | phones inside a path have at most this many call partners
// param limit (int, default 20): 最多返回的路径数 | maximum paths returned
// column hops (int): 步数 | steps
// column nodes (list): 路径上的节点：当事人编号、号码掩码或贷款编号 | nodes on the path: party ids, masked phones or loan ids
// column links (list): 每一步的关系类型 | relationship type of each step
// injected valid_consents (list): 当前有效、允许使用通话记录的授权 | consents that allow using call records now
MATCH (a:%PARTY% {party_id: $party_a}), (b:%PARTY% {party_id: $party_b})
MATCH path = allShortestPaths((a)-[:%HAS_PHONE%|%CALLED%|%EMERGENCY_CONTACT%|%APPLIED_FOR%|%BORROWER_OF%|%CO_BORROWER_OF%|%GUARANTOR_OF%*..8]-(b))
WHERE all(r IN relationships(path) WHERE type(r) <> '%CALLED%' OR r.consent_id IN $valid_consents)
  AND all(n IN nodes(path)[1..-1] WHERE NOT n:%PHONE%
          OR (n.kind <> 'service' AND COUNT { (n)-[:%CALLED%]-() } <= $max_degree))
WITH path WHERE length(path) <= $max_hops
RETURN length(path) AS hops,
       [n IN nodes(path) | coalesce(n.party_id, n.display, n.loan_id)] AS nodes,
       [r IN relationships(path) | type(r)] AS links
ORDER BY hops
LIMIT $limit
