// name: top_contacts
// purpose.zh-CN: 当事人通话强度最高的联系人：强度 = 通话次数 + 通话秒数/600（与团伙检测的边权相同）。
// purpose.en: A party's top contacts by intensity: calls + seconds/600 (the edge weight ring detection uses).
// param party_id (string): 当事人 | the party
// param limit (int, default 10): 最多返回的行数 | maximum rows returned
// column phone (string): 联系人号码（掩码） | the contact, masked
// column phone_id (string): 联系人号码假名 | pseudonym of the contact
// column kind (string): 号码类型 | number kind
// column holders (list): 持有该号码的当事人 | parties holding the number
// column calls (int): 通话次数 | calls
// column seconds (int): 通话总秒数 | total seconds
// column intensity (float): 强度 | intensity
// column first_at (string): 最早一次通话 | first call
// column last_at (string): 最近一次通话 | last call
// injected valid_consents (list): 当前有效、允许使用通话记录的授权 | consents that allow using call records now
MATCH (p:%PARTY% {party_id: $party_id})-[:%HAS_PHONE%]->(own:%PHONE%)-[r:%CALLED%]-(c:%PHONE%)
WHERE r.consent_id IN $valid_consents AND NOT EXISTS { (p)-[:%HAS_PHONE%]->(c) }
WITH c, collect(r) AS rs
WITH c, rs, reduce(acc = [], rel IN rs | acc + [x IN rel.call_ids WHERE NOT x IN acc]) AS ids
WITH c, rs, size(ids) AS calls, reduce(s = 0, x IN ids | s + x % %CALL_SECONDS_MOD%) AS seconds
OPTIONAL MATCH (holder:%PARTY%)-[:%HAS_PHONE%]->(c)
RETURN c.display AS phone, c.phone_id AS phone_id, c.kind AS kind,
       collect(holder.party_id) AS holders, calls, seconds,
       round(calls + seconds / 600.0, 2) AS intensity,
       toString(reduce(f = null, r IN rs |
         CASE WHEN f IS NULL OR r.first_at < f THEN r.first_at ELSE f END)) AS first_at,
       toString(reduce(l = null, r IN rs |
         CASE WHEN l IS NULL OR r.last_at > l THEN r.last_at ELSE l END)) AS last_at
ORDER BY intensity DESC, phone_id
LIMIT $limit
