"""Cypher behind the linkage findings (queries.linkage). All reads; READ transactions.

Call evidence counts only under a valid consent. Every statement that reads ``CALLED``
relationships first collects the distinct consent ids they carry, keeps those whose consent
covers call records and ``$purpose`` at ``$at`` (``_VALID_CONSENTS``), and drops the rest.
Checking each distinct consent once keeps the cost at one index lookup per consent instead
of one per relationship, and never sends the whole list of valid consents to the server.

All the facts of one request come from one statement (``LINKAGE_FACTS``), each kind in
its own ``CALL`` subquery that returns one list. So a request costs one round trip to the
server instead of one per kind. ``LINKED_PARTIES`` then reads the loans of every party the
facts name, and the detection run.

Several relationships can hold the same call: one per bill that contains it, and one per
load chunk of the same bill. A pair's calls are the union of their ``call_ids`` (see
graph_schema.model); ``_PAIR_FIGURES`` computes it once for every statement.
"""

from __future__ import annotations

from graph_schema.model import (
    APPLIED_FOR,
    BORROWER_OF,
    CALL_RECORDS_SCOPE,
    CALL_SECONDS_BITS,
    CALLED,
    CO_BORROWER_OF,
    CONSENT,
    DETECTION_RUN,
    EMERGENCY_CONTACT,
    FOUND_BY,
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
_SECONDS_MOD = 1 << CALL_SECONDS_BITS

# Given ``cids`` (distinct consent ids), returns ``valid``: those that allow using call
# records for $purpose at $at. Same rule as ringscope.consent.check_consent.
_VALID_CONSENTS = f"""
CALL (cids) {{
  UNWIND cids AS cid
  MATCH (c:{CONSENT} {{consent_id: cid}})
  WHERE '{CALL_RECORDS_SCOPE}' IN c.scope AND $purpose IN c.purpose
    AND c.granted_at <= $at
    AND (c.expires_at IS NULL OR c.expires_at > $at)
    AND (c.revoked_at IS NULL OR c.revoked_at > $at)
  RETURN collect(cid) AS valid
}}
"""

# Relationships of one batch hold disjoint calls, so their counts add up; across batches
# the union of call_ids is taken (COLLECT DISTINCT is linear, a list scan was quadratic).
# Given ``rs`` (the valid relationships between two phones), the pair's distinct calls,
# seconds, night calls (22:00 to 06:00 Asia/Shanghai, as graph_schema.model.is_night_epoch),
# first and last call, consents and batches.
_PAIR_FIGURES = f"""
WITH *, CASE WHEN all(r IN rs WHERE r.batch_id = rs[0].batch_id) THEN null
             ELSE COLLECT {{ UNWIND rs AS r UNWIND r.call_ids AS x RETURN DISTINCT x }}
        END AS merged
WITH *,
     CASE WHEN merged IS NULL THEN reduce(n = 0, r IN rs | n + r.calls)
          ELSE size(merged) END AS calls,
     CASE WHEN merged IS NULL THEN reduce(n = 0, r IN rs | n + r.seconds)
          ELSE reduce(s = 0, x IN merged | s + x % {_SECONDS_MOD}) END AS seconds,
     CASE WHEN merged IS NULL THEN reduce(n = 0, r IN rs | n + r.night_calls)
          ELSE size([x IN merged WHERE ((x / {_SECONDS_MOD} + 480) % 1440) / 60 >= 22
                                    OR ((x / {_SECONDS_MOD} + 480) % 1440) / 60 < 6])
     END AS night_calls,
     reduce(f = null, r IN rs | CASE WHEN f IS NULL OR r.first_at < f THEN r.first_at ELSE f END)
       AS first_at,
     reduce(l = null, r IN rs | CASE WHEN l IS NULL OR r.last_at > l THEN r.last_at ELSE l END)
       AS last_at,
     reduce(a = [], r IN rs | CASE WHEN r.consent_id IN a THEN a ELSE a + r.consent_id END)
       AS consent_ids,
     reduce(a = [], r IN rs | CASE WHEN r.batch_id IN a THEN a ELSE a + r.batch_id END)
       AS batch_ids
"""

# Calls between the party's phones and phones of other parties, per phone pair and
# direction.
_DIRECT_CALLS = f"""
CALL (phone_ids) {{
  MATCH (a:{PHONE})-[r:{CALLED}]-(b:{PHONE})
  WHERE a.phone_id IN phone_ids AND NOT b.phone_id IN phone_ids
    AND EXISTS {{ (b)<-[:{HAS_PHONE}]-(other:{PARTY}) WHERE other.party_id <> $party_id }}
  WITH collect([a, b, r]) AS facts, collect(DISTINCT r.consent_id) AS cids
  {_VALID_CONSENTS}
  UNWIND facts AS fact
  WITH fact[0] AS a, fact[1] AS b, fact[2] AS r, valid
  WHERE r.consent_id IN valid
  WITH a, b, startNode(r) = a AS outgoing, collect(r) AS rs
  {_PAIR_FIGURES}
  MATCH (b)<-[:{HAS_PHONE}]-(other:{PARTY})
  WHERE other.party_id <> $party_id
  RETURN collect({{
    party_id: other.party_id, display: b.display, outgoing: outgoing, calls: calls,
    seconds: seconds, night_calls: night_calls, first_at: first_at, last_at: last_at,
    consent_ids: consent_ids, batch_ids: batch_ids
  }}) AS direct
}}
"""

# Other parties whose phones talk to the same third phones as the party's phones (depth
# 2 only). A third phone counts only when it is a person's number (mobile or landline)
# with at most $max_contact_degree call relationships, because busy numbers (couriers,
# collectors, call centres) link everyone. Both halves of the path need valid consents.
_SHARED_CONTACTS = f"""
CALL (phone_ids) {{
  MATCH (own:{PHONE})-[r1:{CALLED}]-(contact:{PHONE})
  WHERE $depth >= 2 AND own.phone_id IN phone_ids AND NOT contact.phone_id IN phone_ids
    AND contact.kind IN ['mobile', 'landline']
    AND COUNT {{ (contact)-[:{CALLED}]-() }} <= $max_contact_degree
  WITH phone_ids, contact, collect(r1) AS r1s
  MATCH (contact)-[r2:{CALLED}]-(theirs:{PHONE})<-[:{HAS_PHONE}]-(other:{PARTY})
  WHERE NOT theirs.phone_id IN phone_ids AND other.party_id <> $party_id
  WITH collect([contact, r1s, other, r2]) AS facts,
       collect(DISTINCT r2.consent_id) AS c2, collect(r1s) AS r1_lists
  WITH facts, c2 + reduce(a = [], rs IN r1_lists | a + [r IN rs | r.consent_id]) AS cids
  {_VALID_CONSENTS}
  UNWIND facts AS fact
  WITH fact[0] AS contact, [r IN fact[1] WHERE r.consent_id IN valid] AS r1s,
       fact[2] AS other, fact[3] AS r2, valid
  WHERE size(r1s) > 0 AND r2.consent_id IN valid
  WITH other, contact, r1s, collect(r2) AS r2s
  WITH other, contact, r1s + r2s AS rs
  WITH other, collect({{
         display: contact.display,
         first_at: reduce(f = null, r IN rs |
                          CASE WHEN f IS NULL OR r.first_at < f THEN r.first_at ELSE f END),
         last_at: reduce(l = null, r IN rs |
                         CASE WHEN l IS NULL OR r.last_at > l THEN r.last_at ELSE l END),
         consent_ids: [r IN rs | r.consent_id],
         batch_ids: [r IN rs | r.batch_id]
       }}) AS contacts
  WHERE size(contacts) >= $min_shared
  WITH other, contacts ORDER BY size(contacts) DESC, other.party_id LIMIT $limit
  RETURN collect({{party_id: other.party_id, contacts: contacts}}) AS shared
}}
"""

# Emergency contacts that point at another party's phone, another party's emergency
# contact that points at one of this party's phones, or a contact both parties list.
_EMERGENCY_LINKS = f"""
CALL (p) {{
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
  WITH other, how, ph ORDER BY other.party_id, how LIMIT $limit
  RETURN collect({{party_id: other.party_id, how: how, display: ph.display}}) AS emergency
}}
"""

_SHARED_PHONES = f"""
CALL (p) {{
  MATCH (p)-[:{HAS_PHONE}]->(ph:{PHONE})<-[:{HAS_PHONE}]-(other:{PARTY})
  WHERE other <> p
  WITH other, ph ORDER BY other.party_id LIMIT $limit
  RETURN collect({{party_id: other.party_id, display: ph.display}}) AS shared_phones
}}
"""

# Rings the party belongs to, directly or through a phone, that no revocation made stale.
# Each comes with the other member parties and the party's valid calls with member phones.
_RINGS = f"""
CALL (p, phone_ids) {{
  CALL (p) {{
    MATCH (p)-[:{HAS_PHONE}]->(:{PHONE})-[:{MEMBER_OF}]->(r:{RING})
    RETURN r
    UNION
    MATCH (p)-[:{MEMBER_OF}]->(r:{RING})
    RETURN r
  }}
  WITH DISTINCT r, phone_ids WHERE NOT coalesce(r.stale, false)
  CALL (r) {{
    OPTIONAL MATCH (other:{PARTY})-[:{MEMBER_OF}]->(r)
    WHERE other.party_id <> $party_id
    WITH DISTINCT other.party_id AS other_id ORDER BY other_id
    RETURN collect(other_id) AS all_party_ids
  }}
  CALL (r, phone_ids) {{
    OPTIONAL MATCH (a:{PHONE})-[c:{CALLED}]-(m:{PHONE})
    WHERE a.phone_id IN phone_ids AND NOT m.phone_id IN phone_ids
      AND EXISTS {{ (m)-[:{MEMBER_OF}]->(r) }}
    WITH collect(c) AS rels, collect(DISTINCT c.consent_id) AS cids
    {_VALID_CONSENTS}
    WITH [c IN rels WHERE c.consent_id IN valid] AS rs
    RETURN COLLECT {{ UNWIND rs AS c UNWIND c.call_ids AS x RETURN DISTINCT x }} AS call_ids,
           reduce(a = [], c IN rs |
                  CASE WHEN c.consent_id IN a THEN a ELSE a + c.consent_id END) AS consent_ids,
           reduce(a = [], c IN rs |
                  CASE WHEN c.batch_id IN a THEN a ELSE a + c.batch_id END) AS batch_ids
  }}
  OPTIONAL MATCH (r)-[:{FOUND_BY}]->(d:{DETECTION_RUN})
  WITH r, d, all_party_ids, call_ids, consent_ids, batch_ids
  ORDER BY r.score DESC, r.ring_id LIMIT $limit
  RETURN collect({{
    ring_id: r.ring_id, kind: r.kind, score: r.score, size: r.size,
    reasons: coalesce(r.reasons, []), reason_details: r.reason_details,
    run_id: coalesce(r.run_id, d.run_id),
    party_ids: all_party_ids[..$max_members], other_parties: size(all_party_ids),
    calls_with_members: size(call_ids), consent_ids: consent_ids, batch_ids: batch_ids
  }}) AS rings
}}
"""

# Circles of guarantees through the party: it guarantees a loan of B, B one of C, ...,
# and the last one a loan of the party. The shortest circle is reported.
_GUARANTEE_CIRCLE = f"""
CALL (p) {{
  MATCH path = (p)-[:{GUARANTOR_OF}]->(:{LOAN})<-[:{APPLIED_FOR}|{BORROWER_OF}]-(:{PARTY})
               (()-[:{GUARANTOR_OF}]->(:{LOAN})<-[:{APPLIED_FOR}|{BORROWER_OF}]-(:{PARTY})){{0,7}}
  WHERE last(nodes(path)) = p
  WITH path ORDER BY length(path) LIMIT 1
  RETURN collect({{
    parties: [n IN nodes(path) WHERE n:{PARTY} | n.party_id],
    loans: [n IN nodes(path) WHERE n:{LOAN} | n.loan_id]
  }}) AS circle
}}
"""

# Probable number changes that touch the party: its own phone is the old or the new
# number, or one of the contacts whose records show the change. A change counts only while
# it is not stale and every consent its evidence came from is valid.
_NUMBER_CHANGES = f"""
CALL (phone_ids) {{
  MATCH (n:{NUMBER_CHANGE})
  WHERE (n.old_phone_id IN phone_ids OR n.new_phone_id IN phone_ids
         OR any(x IN coalesce(n.contact_phone_ids, []) WHERE x IN phone_ids))
    AND NOT coalesce(n.stale, false)
  WITH phone_ids, collect(n) AS changes,
       reduce(a = [], n IN collect(n) | a + coalesce(n.consent_ids, [])) AS cids
  {_VALID_CONSENTS}
  UNWIND changes AS n
  WITH n, valid, phone_ids WHERE all(cid IN coalesce(n.consent_ids, []) WHERE cid IN valid)
  CALL (n) {{
    OPTIONAL MATCH (other:{PARTY})-[:{HAS_PHONE}]->(x:{PHONE})
    WHERE x.phone_id IN [n.old_phone_id, n.new_phone_id] + coalesce(n.contact_phone_ids, [])
      AND other.party_id <> $party_id
    RETURN collect(DISTINCT {{
      party_id: other.party_id,
      side: CASE x.phone_id WHEN n.old_phone_id THEN 'old' WHEN n.new_phone_id THEN 'new'
            ELSE 'contact' END
    }}) AS others
  }}
  WITH n, others, phone_ids ORDER BY n.change_id LIMIT $limit
  RETURN collect({{
    change_id: n.change_id, own_old: n.old_phone_id IN phone_ids,
    own_new: n.new_phone_id IN phone_ids, old_display: n.old_display,
    new_display: n.new_display, overlap: n.overlap, old_last_at: n.old_last_at,
    new_first_at: n.new_first_at, consent_ids: coalesce(n.consent_ids, []),
    batch_ids: coalesce(n.batch_ids, []), run_id: n.run_id,
    others: [o IN others WHERE o.party_id IS NOT NULL]
  }}) AS changes
}}
"""

# Every fact of one linkage request; no row when the party does not exist.
LINKAGE_FACTS = f"""
MATCH (p:{PARTY} {{party_id: $party_id}})
CALL (p) {{
  OPTIONAL MATCH (p)-[:{HAS_PHONE}]->(ph:{PHONE})
  RETURN collect(ph.phone_id) AS phone_ids
}}
{_DIRECT_CALLS}
{_SHARED_CONTACTS}
{_EMERGENCY_LINKS}
{_SHARED_PHONES}
{_RINGS}
{_GUARANTEE_CIRCLE}
{_NUMBER_CHANGES}
RETURN phone_ids, direct, shared, emergency, shared_phones, rings, circle, changes
"""

# The loans of the parties the facts name, and the detection run whose rings were used
# (the latest run when no ring was).
LINKED_PARTIES = f"""
CALL () {{
  UNWIND $party_ids AS party_id
  MATCH (other:{PARTY} {{party_id: party_id}})
  OPTIONAL MATCH (other)-[role:{_ROLES}]->(l:{LOAN})
  WITH other, [x IN collect({{loan_id: l.loan_id, role: type(role), status: l.status}})
               WHERE x.loan_id IS NOT NULL] AS loans
  RETURN collect({{party_id: other.party_id, loans: loans}}) AS parties
}}
CALL () {{
  OPTIONAL MATCH (d:{DETECTION_RUN})
  WHERE size($run_ids) = 0 OR d.run_id IN $run_ids
  WITH d ORDER BY d.finished_at DESC LIMIT 1
  RETURN CASE WHEN d IS NULL THEN null ELSE d {{
    .run_id, .algorithm, .seed, .started_at, .finished_at
  }} END AS run
}}
RETURN parties, run
"""
