"""Cypher behind the linkage findings (queries.linkage). All reads; READ transactions."""

from __future__ import annotations

from graph_schema.model import (
    APPLIED_FOR,
    BORROWER_OF,
    CALLED,
    CO_BORROWER_OF,
    DETECTION_RUN,
    EMERGENCY_CONTACT,
    GUARANTOR_OF,
    HAS_PHONE,
    LOAN,
    MEMBER_OF,
    NUMBER_CHANGE,
    PARTY,
    PHONE,
    RING,
)

_ROLES = f"{APPLIED_FOR}|{BORROWER_OF}|{CO_BORROWER_OF}|{GUARANTOR_OF}"

PARTY_SUMMARY = f"""
MATCH (p:{PARTY} {{party_id: $party_id}})
OPTIONAL MATCH (p)-[:{HAS_PHONE}]->(ph:{PHONE})
WITH p, collect(ph.phone_id) AS phone_ids
OPTIONAL MATCH (p)-[role:{_ROLES}]->(l:{LOAN})
RETURN p.party_id AS party_id, phone_ids,
       collect(DISTINCT {{loan_id: l.loan_id, role: type(role), status: l.status}}) AS loans
"""

# Parties (other than $party_id) that own each phone, with their roles and loan statuses.
PARTIES_OF_PHONES = f"""
UNWIND $phone_ids AS phone_id
MATCH (ph:{PHONE} {{phone_id: phone_id}})<-[:{HAS_PHONE}]-(other:{PARTY})
WHERE other.party_id <> $party_id
OPTIONAL MATCH (other)-[role:{_ROLES}]->(l:{LOAN})
RETURN phone_id, other.party_id AS party_id,
       collect(DISTINCT type(role)) AS roles, collect(DISTINCT l.status) AS loan_statuses
"""

# Calls between the party's phones and any other phone, each call counted once.
DIRECT_CALLS = f"""
MATCH (a:{PHONE})-[r:{CALLED}]-(b:{PHONE})
WHERE a.phone_id IN $phone_ids AND NOT b.phone_id IN $phone_ids
  AND r.consent_id IN $valid_consents
WITH a, b, r, startNode(r) = a AS outgoing
WITH a, b, outgoing, collect(r) AS rs
WITH a, b, outgoing, rs,
     CASE WHEN size(rs) = 1 THEN null
          ELSE reduce(acc = [], r IN rs | acc + [x IN r.call_ids WHERE NOT x IN acc])
     END AS merged
RETURN a.phone_id AS own_phone, b.phone_id AS other_phone, b.display AS other_display,
       b.kind AS other_kind, outgoing,
       CASE WHEN merged IS NULL THEN rs[0].calls ELSE size(merged) END AS calls,
       CASE WHEN merged IS NULL THEN rs[0].seconds
            ELSE reduce(s = 0, x IN merged | s + x % 1048576) END AS seconds,
       reduce(f = null, r IN rs | CASE WHEN f IS NULL OR r.first_at < f THEN r.first_at ELSE f END)
         AS first_at,
       reduce(l = null, r IN rs | CASE WHEN l IS NULL OR r.last_at > l THEN r.last_at ELSE l END)
         AS last_at,
       [r IN rs | r.consent_id] AS consent_ids, [r IN rs | r.batch_id] AS batch_ids
"""

# Other parties whose phones talk to the same third phones as the party's phones.
SHARED_CONTACTS = f"""
MATCH (own:{PHONE})-[r1:{CALLED}]-(contact:{PHONE})-[r2:{CALLED}]-(theirs:{PHONE})
      <-[:{HAS_PHONE}]-(other:{PARTY})
WHERE own.phone_id IN $phone_ids AND NOT theirs.phone_id IN $phone_ids
  AND NOT contact.phone_id IN $phone_ids AND contact.kind <> 'service'
  AND other.party_id <> $party_id
  AND r1.consent_id IN $valid_consents AND r2.consent_id IN $valid_consents
WITH other, contact, collect(DISTINCT r1.consent_id) + collect(DISTINCT r2.consent_id) AS cs,
     collect(DISTINCT r1.batch_id) + collect(DISTINCT r2.batch_id) AS bs,
     min(r1.first_at) AS f1, min(r2.first_at) AS f2, max(r1.last_at) AS l1, max(r2.last_at) AS l2
WITH other, collect({{phone_id: contact.phone_id, display: contact.display}}) AS contacts,
     collect(cs) AS consent_lists, collect(bs) AS batch_lists,
     min(CASE WHEN f1 < f2 THEN f1 ELSE f2 END) AS first_at,
     max(CASE WHEN l1 > l2 THEN l1 ELSE l2 END) AS last_at
WHERE size(contacts) >= $min_shared
RETURN other.party_id AS party_id, contacts, first_at, last_at,
       reduce(a = [], l IN consent_lists | a + [x IN l WHERE NOT x IN a]) AS consent_ids,
       reduce(a = [], l IN batch_lists | a + [x IN l WHERE NOT x IN a]) AS batch_ids
ORDER BY size(contacts) DESC, party_id
LIMIT $limit
"""

# Emergency contacts that point at another party's phone, or another party's emergency
# contact that points at one of this party's phones, or a contact both parties list.
EMERGENCY_LINKS = f"""
MATCH (p:{PARTY} {{party_id: $party_id}})
CALL (p) {{
  MATCH (p)-[:{EMERGENCY_CONTACT}]->(ph:{PHONE})<-[:{HAS_PHONE}]-(other:{PARTY})
  WHERE other <> p
  RETURN other, 'lists_their_phone' AS how, ph
  UNION
  MATCH (p)-[:{HAS_PHONE}]->(ph:{PHONE})<-[:{EMERGENCY_CONTACT}]-(other:{PARTY})
  WHERE other <> p
  RETURN other, 'listed_by_them' AS how, ph
  UNION
  MATCH (p)-[:{EMERGENCY_CONTACT}]->(ph:{PHONE})<-[:{EMERGENCY_CONTACT}]-(other:{PARTY})
  WHERE other <> p
  RETURN other, 'same_contact' AS how, ph
}}
RETURN other.party_id AS party_id, how, ph.phone_id AS phone_id, ph.display AS display
ORDER BY party_id, how
LIMIT $limit
"""

SHARED_PHONES = f"""
MATCH (p:{PARTY} {{party_id: $party_id}})-[:{HAS_PHONE}]->(ph:{PHONE})
      <-[:{HAS_PHONE}]-(other:{PARTY})
WHERE other <> p
RETURN other.party_id AS party_id, ph.phone_id AS phone_id, ph.display AS display
ORDER BY party_id
LIMIT $limit
"""

RINGS_OF_PARTY = f"""
MATCH (p:{PARTY} {{party_id: $party_id}})
OPTIONAL MATCH (p)-[:{HAS_PHONE}]->(:{PHONE})-[:{MEMBER_OF}]->(r1:{RING})
OPTIONAL MATCH (p)-[:{MEMBER_OF}]->(r2:{RING})
WITH [r IN collect(DISTINCT r1) + collect(DISTINCT r2) WHERE r IS NOT NULL] AS rings
UNWIND rings AS r
WITH DISTINCT r
OPTIONAL MATCH (other:{PARTY})-[:{MEMBER_OF}]->(r)
WHERE other.party_id <> $party_id
OPTIONAL MATCH (m:{PHONE})-[:{MEMBER_OF}]->(r)
RETURN r.ring_id AS ring_id, r.kind AS kind, r.score AS score, r.size AS size,
       r.reasons AS reasons, r.run_id AS run_id, coalesce(r.stale, false) AS stale,
       collect(DISTINCT other.party_id) AS party_ids, count(DISTINCT m) AS phones
ORDER BY score DESC
LIMIT $limit
"""

# Parties linked to the party by one guarantee: they guarantee its loans, or it theirs.
GUARANTEE_NEIGHBOURS = f"""
MATCH (p:{PARTY} {{party_id: $party_id}})
CALL (p) {{
  MATCH (p)-[:{GUARANTOR_OF}]->(l:{LOAN})<-[:{APPLIED_FOR}|{BORROWER_OF}]-(other:{PARTY})
  RETURN other, l, 'guarantees_them' AS how
  UNION
  MATCH (p)-[:{APPLIED_FOR}|{BORROWER_OF}]->(l:{LOAN})<-[:{GUARANTOR_OF}]-(other:{PARTY})
  RETURN other, l, 'guaranteed_by_them' AS how
}}
WITH other, l, how WHERE other <> p
RETURN other.party_id AS party_id, l.loan_id AS loan_id, l.status AS loan_status, how
ORDER BY party_id, loan_id
LIMIT $limit
"""

GUARANTEE_CIRCLE = f"""
MATCH (p:{PARTY} {{party_id: $party_id}})
MATCH path = (p)-[:{GUARANTOR_OF}]->(:{LOAN})<-[:{APPLIED_FOR}|{BORROWER_OF}]-(:{PARTY})
             (()-[:{GUARANTOR_OF}]->(:{LOAN})<-[:{APPLIED_FOR}|{BORROWER_OF}]-(:{PARTY})){{0,5}}
WHERE last(nodes(path)) = p
RETURN [n IN nodes(path) WHERE n:{PARTY} | n.party_id] AS parties,
       [n IN nodes(path) WHERE n:{LOAN} | n.loan_id] AS loans
ORDER BY size(parties)
LIMIT 1
"""

NUMBER_CHANGES_OF_PARTY = f"""
MATCH (p:{PARTY} {{party_id: $party_id}})-[:{HAS_PHONE}]->(ph:{PHONE})
MATCH (n:{NUMBER_CHANGE})
WHERE n.old_phone_id = ph.phone_id OR n.new_phone_id = ph.phone_id
   OR ph.phone_id IN coalesce(n.contact_phone_ids, [])
RETURN n {{.*}} AS change
LIMIT $limit
"""

LOAN_STATUS_OF_PARTIES = f"""
UNWIND $party_ids AS party_id
MATCH (other:{PARTY} {{party_id: party_id}})
OPTIONAL MATCH (other)-[role:{_ROLES}]->(l:{LOAN})
RETURN other.party_id AS party_id,
       collect(DISTINCT {{role: type(role), status: l.status, loan_id: l.loan_id}}) AS loans
"""

LATEST_DETECTION_RUN = f"""
MATCH (d:{DETECTION_RUN})
RETURN d.run_id AS run_id, d.algorithm AS algorithm, toString(d.finished_at) AS finished_at
ORDER BY d.finished_at DESC
LIMIT 1
"""
