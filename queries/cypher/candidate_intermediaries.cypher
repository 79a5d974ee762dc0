// name: candidate_intermediaries
// purpose.zh-CN: 候选中介：在时间窗口内与多名申请人通话、且不属于任何当事人的号码（不含服务号码）。窗口内的通话按通话编号计数，同一通话在两份账单中只算一次。
// purpose.en: Candidate intermediaries: numbers held by no party (service numbers excluded) that several applicants talked to within a time window. Calls inside the window are counted by call id, so a call in two bills counts once.
// param from (datetime): 窗口开始（ISO 8601；不带时区时按北京时间） | start of the window (ISO 8601; Asia/Shanghai when no offset is given)
// param to (datetime): 窗口结束（含） | end of the window (inclusive)
// param min_applicants (int, default 3): 至少这么多名申请人 | at least this many applicants
// param limit (int, default 50): 最多返回的行数 | maximum rows returned
// column phone (string): 号码（掩码） | the number, masked
// column phone_id (string): 号码假名 | pseudonym of the number
// column kind (string): 号码类型 | number kind
// column applicants (int): 窗口内与之通话的申请人数 | applicants who talked to it in the window
// column party_ids (list): 这些申请人 | those applicants
// column calls (int): 窗口内的通话次数 | calls in the window
// column first_at (string): 窗口内最早一次通话 | first call in the window
// column last_at (string): 窗口内最后一次通话 | last call in the window
// injected valid_consents (list): 当前有效、允许使用通话记录的授权 | consents that allow using call records now
WITH datetime($from) AS lo, datetime($to) AS hi
WITH lo, hi, lo.epochSeconds / 60 AS lo_min, hi.epochSeconds / 60 AS hi_min
MATCH (ap:%PARTY%)-[:%HAS_PHONE%]->(a:%PHONE%)-[r:%CALLED%]-(x:%PHONE%)
WHERE r.consent_id IN $valid_consents AND x.kind <> 'service'
  AND r.first_at <= hi AND r.last_at >= lo
  AND EXISTS { (ap)-[:%APPLIED_FOR%|%BORROWER_OF%]->(:%LOAN%) }
  AND NOT EXISTS { (:%PARTY%)-[:%HAS_PHONE%]->(x) }
WITH x, ap, lo_min, hi_min, collect(r) AS rs
WITH x, ap,
     reduce(acc = [], r IN rs | acc + [c IN r.call_ids
       WHERE c / %CALL_SECONDS_MOD% >= lo_min AND c / %CALL_SECONDS_MOD% <= hi_min
         AND NOT c IN acc]) AS ids
WHERE size(ids) > 0
WITH x, collect(DISTINCT ap.party_id) AS party_ids, collect(ids) AS id_lists
WITH x, party_ids, reduce(acc = [], l IN id_lists | acc + [c IN l WHERE NOT c IN acc]) AS ids
WHERE size(party_ids) >= $min_applicants
WITH x, party_ids, ids,
     reduce(m = null, c IN ids | CASE WHEN m IS NULL OR c < m THEN c ELSE m END) AS first_id,
     reduce(m = null, c IN ids | CASE WHEN m IS NULL OR c > m THEN c ELSE m END) AS last_id
RETURN x.display AS phone, x.phone_id AS phone_id, x.kind AS kind,
       size(party_ids) AS applicants, party_ids, size(ids) AS calls,
       toString(datetime({epochSeconds: (first_id / %CALL_SECONDS_MOD%) * 60,
                          timezone: '+08:00'})) AS first_at,
       toString(datetime({epochSeconds: (last_id / %CALL_SECONDS_MOD%) * 60,
                          timezone: '+08:00'})) AS last_at
ORDER BY applicants DESC, calls DESC, phone_id
LIMIT $limit
