// name: emergency_contact_links
// purpose.zh-CN: 紧急联系人交叉：一个当事人填写的紧急联系人是另一个当事人的号码，或两个当事人填写了同一个紧急联系人。数据来自贷款系统，不涉及通话记录。
// purpose.en: Emergency-contact cross links: a party's emergency contact is another party's phone, or two parties list the same emergency contact. Loan-system data; no call records.
// param party_id (string, default ""): 只看这个当事人（留空为全部） | only this party (empty for all)
// param limit (int, default 200): 最多返回的行数 | maximum rows returned
// column party_id (string): 填写紧急联系人的当事人 | party that lists the contact
// column other_party_id (string): 另一个当事人 | the other party
// column how (string): lists_their_phone（填了对方的号码）或 same_contact（填了同一个号码） | lists_their_phone or same_contact
// column phone (string): 该号码（掩码） | the number, masked
// column relation (string): 填写的关系 | the relation given
CALL () {
  MATCH (p:%PARTY%)-[e:%EMERGENCY_CONTACT%]->(ph:%PHONE%)<-[:%HAS_PHONE%]-(other:%PARTY%)
  WHERE p <> other AND ($party_id = '' OR p.party_id = $party_id OR other.party_id = $party_id)
  RETURN p, other, 'lists_their_phone' AS how, ph, e.relation AS relation
  UNION
  MATCH (p:%PARTY%)-[e:%EMERGENCY_CONTACT%]->(ph:%PHONE%)<-[:%EMERGENCY_CONTACT%]-(other:%PARTY%)
  WHERE p.party_id < other.party_id
    AND ($party_id = '' OR p.party_id = $party_id OR other.party_id = $party_id)
  RETURN p, other, 'same_contact' AS how, ph, e.relation AS relation
}
RETURN p.party_id AS party_id, other.party_id AS other_party_id, how, ph.display AS phone,
       relation
ORDER BY party_id, other_party_id, how
LIMIT $limit
