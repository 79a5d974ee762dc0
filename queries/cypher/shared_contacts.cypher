// name: shared_contacts
// purpose.zh-CN: 两个当事人的共同联系人：双方都有通话的号码（不含双方自己的号码），按通话次数排序。
// purpose.en: Shared contacts of two parties: numbers both of them talked to (not their own numbers), most calls first.
// param party_a (string): 第一个当事人的 party_id | party_id of the first party
// param party_b (string): 第二个当事人的 party_id | party_id of the second party
// param limit (int, default 50): 最多返回的行数 | maximum rows returned
// column phone (string): 共同联系人号码（掩码） | the shared contact, masked
// column phone_id (string): 共同联系人的号码假名 | pseudonym of the shared contact
// column kind (string): 号码类型（mobile、landline、service、opaque） | number kind (mobile, landline, service, opaque)
// column holders (list): 持有该号码的当事人 | parties holding that number
// column calls_a (int): 与第一个当事人的通话次数 | calls with the first party
// column calls_b (int): 与第二个当事人的通话次数 | calls with the second party
// column first_at (string): 最早一次相关通话 | earliest of these calls
// column last_at (string): 最近一次相关通话 | latest of these calls
// injected valid_consents (list): 当前有效、允许使用通话记录的授权 | consents that allow using call records now
MATCH (pa:%PARTY% {party_id: $party_a})-[:%HAS_PHONE%]->(a:%PHONE%)
MATCH (pb:%PARTY% {party_id: $party_b})-[:%HAS_PHONE%]->(b:%PHONE%)
MATCH (a)-[ra:%CALLED%]-(c:%PHONE%)-[rb:%CALLED%]-(b)
WHERE a <> b AND c <> a AND c <> b
  AND ra.consent_id IN $valid_consents AND rb.consent_id IN $valid_consents
  AND NOT EXISTS { (pa)-[:%HAS_PHONE%]->(c) } AND NOT EXISTS { (pb)-[:%HAS_PHONE%]->(c) }
WITH c, collect(DISTINCT ra) AS ras, collect(DISTINCT rb) AS rbs
WITH c, ras, rbs,
     reduce(acc = [], r IN ras | acc + [x IN r.call_ids WHERE NOT x IN acc]) AS ids_a,
     reduce(acc = [], r IN rbs | acc + [x IN r.call_ids WHERE NOT x IN acc]) AS ids_b
OPTIONAL MATCH (holder:%PARTY%)-[:%HAS_PHONE%]->(c)
RETURN c.display AS phone, c.phone_id AS phone_id, c.kind AS kind,
       collect(DISTINCT holder.party_id) AS holders,
       size(ids_a) AS calls_a, size(ids_b) AS calls_b,
       toString(reduce(f = null, r IN ras + rbs |
         CASE WHEN f IS NULL OR r.first_at < f THEN r.first_at ELSE f END)) AS first_at,
       toString(reduce(l = null, r IN ras + rbs |
         CASE WHEN l IS NULL OR r.last_at > l THEN r.last_at ELSE l END)) AS last_at
ORDER BY calls_a + calls_b DESC, phone_id
LIMIT $limit
