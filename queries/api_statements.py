"""Cypher behind the API: keys, the read endpoints and the audit trail's group commit."""

from __future__ import annotations

from graph_schema.model import (
    API_KEY,
    APPLIED_FOR,
    AUDIT_EVENT,
    AUDIT_HEAD,
    BATCH,
    BORROWER_OF,
    CO_BORROWER_OF,
    CONSENT,
    DETECTION_RUN,
    FOUND_BY,
    GUARANTOR_OF,
    HAS_PHONE,
    LOAN,
    MEMBER_OF,
    PARTY,
    PHONE,
    RING,
    UNDER,
)

_ROLES = f"{APPLIED_FOR}|{BORROWER_OF}|{CO_BORROWER_OF}|{GUARANTOR_OF}"

CREATE_API_KEY = f"""
CREATE (k:{API_KEY} {{key_hash: $key_hash}})
SET k.key_prefix = $key_prefix, k.role = $role, k.label = $label, k.created_at = datetime(),
    k.revoked_at = null
"""

FIND_API_KEY = f"""
MATCH (k:{API_KEY} {{key_hash: $key_hash}})
WHERE k.revoked_at IS NULL
RETURN k.key_prefix AS key_prefix, k.role AS role, k.label AS label
"""

REVOKE_API_KEY = f"""
OPTIONAL MATCH (k:{API_KEY} {{key_prefix: $key_prefix}})
WHERE k.revoked_at IS NULL
SET k.revoked_at = datetime()
RETURN count(k) AS revoked
"""

LIST_API_KEYS = f"""
MATCH (k:{API_KEY})
RETURN k.key_prefix AS key_prefix, k.role AS role, k.label AS label,
       toString(k.created_at) AS created_at, toString(k.revoked_at) AS revoked_at
ORDER BY k.created_at
"""

# One ring with its detection run, member parties and masked member phones.
GET_RING = f"""
MATCH (r:{RING} {{ring_id: $ring_id}})
OPTIONAL MATCH (r)-[:{FOUND_BY}]->(d:{DETECTION_RUN})
CALL (r) {{
  OPTIONAL MATCH (p:{PARTY})-[:{MEMBER_OF}]->(r)
  OPTIONAL MATCH (p)-[role:{_ROLES}]->(l:{LOAN})
  WITH p, [x IN collect({{loan_id: l.loan_id, role: type(role), status: l.status}})
           WHERE x.loan_id IS NOT NULL] AS loans
  ORDER BY p.party_id
  RETURN [x IN collect({{party_id: p.party_id, loans: loans}}) WHERE x.party_id IS NOT NULL]
         AS parties
}}
CALL (r) {{
  OPTIONAL MATCH (ph:{PHONE})-[:{MEMBER_OF}]->(r)
  WITH ph ORDER BY ph.display
  RETURN count(ph) AS phone_count,
         collect({{display: ph.display, kind: ph.kind}})[..$max_phones] AS phones
}}
RETURN r {{.ring_id, .kind, .score, .size, .reasons, .reason_details, .stale}} AS ring,
       coalesce(r.run_id, d.run_id) AS run_id, d.algorithm AS algorithm, d.seed AS seed,
       d.started_at AS started_at, d.finished_at AS finished_at,
       parties, phone_count, phones
"""

# Rings a party belongs to, directly or through one of its phones. There is no row when
# there is no such party, and one row with an empty list when it belongs to no ring.
RINGS_OF_PARTY = f"""
MATCH (p:{PARTY} {{party_id: $party_id}})
OPTIONAL MATCH (p)-[:{HAS_PHONE}]->(:{PHONE})-[:{MEMBER_OF}]->(via_phone:{RING})
WITH p, collect(DISTINCT via_phone) AS via_phones
OPTIONAL MATCH (p)-[:{MEMBER_OF}]->(direct:{RING})
WITH p, via_phones, collect(DISTINCT direct) AS directs
WITH p, via_phones + [r IN directs WHERE NOT r IN via_phones] AS rings
RETURN p.party_id AS party_id,
       [r IN rings | r {{.ring_id, .kind, .score, .size, .reasons, .stale, .run_id}}] AS rings
"""

GET_CONSENT_VIEW = f"""
MATCH (c:{CONSENT} {{consent_id: $consent_id}})
OPTIONAL MATCH (b:{BATCH})-[:{UNDER}]->(c)
WITH c, b ORDER BY b.batch_id
RETURN c {{.consent_id, .party_id, .scope, .purpose, .granted_at, .expires_at, .revoked_at,
          .document_sha256}} AS consent,
       [x IN collect(b {{.batch_id, .status, .layout, .loaded_at, .rows_loaded}})
        WHERE x.batch_id IS NOT NULL] AS batches
"""

# Group commit of the audit trail: the head node is locked by graph_schema.audit.LOCK_HEAD
# in the same transaction, then every event of the group is written and the head moves to
# the last one. Events arrive complete, with seq, prev_hash and hash (ringscope.audit).
APPEND_AUDIT_EVENTS = f"""
MATCH (h:{AUDIT_HEAD} {{name: 'audit'}})
SET h.seq = $last_seq, h.hash = $last_hash
WITH h
UNWIND $events AS event
CREATE (e:{AUDIT_EVENT})
SET e = event
"""
