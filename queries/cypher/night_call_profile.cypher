// name: night_call_profile
// purpose.zh-CN: 当事人的夜间通话概况：每个联系人的通话次数、夜间（北京时间 22:00 至 06:00）通话次数和占比，按夜间通话次数排序。
// purpose.en: A party's night-call profile: per contact, calls, night calls (22:00 to 06:00 Asia/Shanghai) and their share, most night calls first.
// param party_id (string): 当事人 | the party
// param limit (int, default 50): 最多返回的行数 | maximum rows returned
// column phone (string): 联系人号码（掩码） | the contact, masked
// column phone_id (string): 联系人号码假名 | pseudonym of the contact
// column kind (string): 号码类型 | number kind
// column calls (int): 通话次数 | calls
// column night_calls (int): 夜间通话次数 | night calls
// column night_share (float): 夜间通话占比 | share of night calls
// injected valid_consents (list): 当前有效、允许使用通话记录的授权 | consents that allow using call records now
MATCH (p:%PARTY% {party_id: $party_id})-[:%HAS_PHONE%]->(own:%PHONE%)-[r:%CALLED%]-(c:%PHONE%)
WHERE r.consent_id IN $valid_consents AND NOT EXISTS { (p)-[:%HAS_PHONE%]->(c) }
WITH c, reduce(acc = [], rel IN collect(r) | acc + [x IN rel.call_ids WHERE NOT x IN acc]) AS ids
WITH c, ids, size([x IN ids
       WHERE ((x / %CALL_SECONDS_MOD% + 480) % 1440) / 60 >= 22
          OR ((x / %CALL_SECONDS_MOD% + 480) % 1440) / 60 < 6]) AS night_calls
RETURN c.display AS phone, c.phone_id AS phone_id, c.kind AS kind, size(ids) AS calls,
       night_calls, round(toFloat(night_calls) / size(ids), 3) AS night_share
ORDER BY night_calls DESC, calls DESC, phone_id
LIMIT $limit
