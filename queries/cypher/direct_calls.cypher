// name: direct_calls
// purpose.zh-CN: 贷款当事人之间的直接通话：两个不同当事人的号码互相通话，并标出双方是否把对方填为紧急联系人。
// purpose.en: Direct calls among loan parties: the phones of two different parties call each other; shows whether either lists the other as an emergency contact.
// param min_calls (int, default 1): 至少这么多次通话 | at least this many calls
// param limit (int, default 200): 最多返回的行数 | maximum rows returned
// column party_a (string): 当事人甲（编号较小者） | first party (smaller id)
// column party_b (string): 当事人乙 | second party
// column calls (int): 双方之间的通话次数（双向） | calls between them, both directions
// column seconds (int): 通话总秒数 | total seconds
// column first_at (string): 最早一次通话 | first call
// column last_at (string): 最近一次通话 | last call
// column listed (bool): 是否有一方把另一方填为紧急联系人 | whether either lists the other as an emergency contact
// injected valid_consents (list): 当前有效、允许使用通话记录的授权 | consents that allow using call records now
MATCH (pa:%PARTY%)-[:%HAS_PHONE%]->(a:%PHONE%)-[r:%CALLED%]-(b:%PHONE%)<-[:%HAS_PHONE%]-(pb:%PARTY%)
WHERE pa.party_id < pb.party_id AND a <> b AND r.consent_id IN $valid_consents
WITH pa, pb, collect(DISTINCT r) AS rs
WITH pa, pb, rs, reduce(acc = [], r IN rs | acc + [x IN r.call_ids WHERE NOT x IN acc]) AS ids
WHERE size(ids) >= $min_calls
RETURN pa.party_id AS party_a, pb.party_id AS party_b, size(ids) AS calls,
       reduce(s = 0, x IN ids | s + x % %CALL_SECONDS_MOD%) AS seconds,
       toString(reduce(f = null, r IN rs |
         CASE WHEN f IS NULL OR r.first_at < f THEN r.first_at ELSE f END)) AS first_at,
       toString(reduce(l = null, r IN rs |
         CASE WHEN l IS NULL OR r.last_at > l THEN r.last_at ELSE l END)) AS last_at,
       EXISTS { (pa)-[:%EMERGENCY_CONTACT%]->(:%PHONE%)<-[:%HAS_PHONE%]-(pb) }
         OR EXISTS { (pb)-[:%EMERGENCY_CONTACT%]->(:%PHONE%)<-[:%HAS_PHONE%]-(pa) } AS listed
ORDER BY calls DESC, party_a, party_b
LIMIT $limit
