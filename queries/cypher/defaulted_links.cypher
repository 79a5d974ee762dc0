// name: defaulted_links
// purpose.zh-CN: 与违约借款人的关联：当事人与持有违约贷款的当事人直接通话（有效授权下），或把对方的号码填为紧急联系人，或被对方填为紧急联系人。
// purpose.en: Links to defaulted borrowers: parties that call a party holding a defaulted loan (under valid consents), list that party's phone as an emergency contact, or are listed by it.
// param party_id (string, default ""): 只看这个当事人（留空为全部） | only this party (empty for all)
// param limit (int, default 200): 最多返回的行数 | maximum rows returned
// column party_id (string): 关联的当事人 | the linked party
// column defaulted_party (string): 违约借款人 | the defaulted borrower
// column defaulted_loans (list): 违约贷款 | defaulted loans
// column how (string): calls（通话）、lists_them（填其为紧急联系人）或 listed_by_them（被其填为紧急联系人） | calls, lists_them or listed_by_them
// column calls (int): 双方通话次数（how 为 calls 时） | calls between them (for how = calls)
// injected valid_consents (list): 当前有效、允许使用通话记录的授权 | consents that allow using call records now
MATCH (d:%PARTY%)-[:%APPLIED_FOR%|%BORROWER_OF%|%CO_BORROWER_OF%]->(bad:%LOAN% {status: 'defaulted'})
WITH d, collect(bad.loan_id) AS loans
CALL (d) {
  MATCH (d)-[:%HAS_PHONE%]->(dp:%PHONE%)-[r:%CALLED%]-(op:%PHONE%)<-[:%HAS_PHONE%]-(other:%PARTY%)
  WHERE other <> d AND r.consent_id IN $valid_consents
  WITH other, reduce(acc = [], rel IN collect(r) |
         acc + [x IN rel.call_ids WHERE NOT x IN acc]) AS ids
  RETURN other, 'calls' AS how, size(ids) AS calls
  UNION
  MATCH (other:%PARTY%)-[:%EMERGENCY_CONTACT%]->(:%PHONE%)<-[:%HAS_PHONE%]-(d)
  WHERE other <> d
  RETURN other, 'lists_them' AS how, 0 AS calls
  UNION
  MATCH (d)-[:%EMERGENCY_CONTACT%]->(:%PHONE%)<-[:%HAS_PHONE%]-(other:%PARTY%)
  WHERE other <> d
  RETURN other, 'listed_by_them' AS how, 0 AS calls
}
WITH other, d, loans, how, calls
WHERE $party_id = '' OR other.party_id = $party_id
RETURN other.party_id AS party_id, d.party_id AS defaulted_party, loans AS defaulted_loans,
       how, calls
ORDER BY defaulted_party, party_id, how
LIMIT $limit
