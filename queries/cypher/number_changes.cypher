// name: number_changes
// purpose.zh-CN: 疑似换号（由 `ringscope rings detect` 写入）：旧号码、新号码、联系人重合度和日期，以及持有新旧号码的当事人。只列证据授权仍全部有效的记录。
// purpose.en: Probable number changes (written by `ringscope rings detect`): old number, new number, contact overlap and dates, with the parties holding either number. Only changes whose evidence consents are all still valid.
// param party_id (string, default ""): 只看涉及这个当事人号码的换号（留空为全部） | only changes touching this party's phones (empty for all)
// param limit (int, default 200): 最多返回的行数 | maximum rows returned
// column change_id (string): 换号记录编号 | id of the change
// column old_phone (string): 旧号码（掩码） | old number, masked
// column new_phone (string): 新号码（掩码） | new number, masked
// column old_phone_id (string): 旧号码假名 | pseudonym of the old number
// column new_phone_id (string): 新号码假名 | pseudonym of the new number
// column overlap (float): 旧号码的联系人中也与新号码通话的比例 | share of the old number's contacts that talk to the new one
// column shared_contacts (int): 共同联系人数 | shared contacts
// column old_last_at (string): 旧号码最后一次通话 | last call of the old number
// column new_first_at (string): 新号码第一次通话 | first call of the new number
// column holders (list): 持有新号码或旧号码的当事人 | parties holding the new or the old number
// column run_id (string): 检测批次 | detection run
// injected valid_consents (list): 当前有效、允许使用通话记录的授权 | consents that allow using call records now
MATCH (n:%NUMBER_CHANGE%)
WHERE all(c IN coalesce(n.consent_ids, []) WHERE c IN $valid_consents)
  AND NOT coalesce(n.stale, false)
  AND ($party_id = ''
       OR EXISTS { MATCH (:%PARTY% {party_id: $party_id})-[:%HAS_PHONE%]->(ph:%PHONE%)
                   WHERE ph.phone_id IN [n.old_phone_id, n.new_phone_id] })
OPTIONAL MATCH (holder:%PARTY%)-[:%HAS_PHONE%]->(x:%PHONE%)
WHERE x.phone_id IN [n.old_phone_id, n.new_phone_id]
RETURN n.change_id AS change_id, n.old_display AS old_phone, n.new_display AS new_phone,
       n.old_phone_id AS old_phone_id, n.new_phone_id AS new_phone_id, n.overlap AS overlap,
       n.shared_contacts AS shared_contacts, toString(n.old_last_at) AS old_last_at,
       toString(n.new_first_at) AS new_first_at, collect(DISTINCT holder.party_id) AS holders,
       n.run_id AS run_id
ORDER BY new_first_at, change_id
LIMIT $limit
