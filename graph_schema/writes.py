"""Write statements of the loader: extracts, batches and call facts.

Each statement takes its rows as ``$rows`` and is run in fixed-size batches by
:mod:`loader.writer`. Every statement is safe to repeat with the same rows, except
ADD_CALLS, which adds counts and is guarded by the batch status (see loader.pipeline).
"""

from __future__ import annotations

from graph_schema.model import (
    APPLIED_FOR,
    BATCH,
    BORROWER_OF,
    CALLED,
    CO_BORROWER_OF,
    CONSENT,
    EMERGENCY_CONTACT,
    GAVE,
    GUARANTOR_OF,
    HAS_PHONE,
    LOAN,
    MEMBER_OF,
    PARTY,
    PHONE,
    RING,
    UNDER,
)

_MERGE_PHONE = f"""
MERGE (ph:{PHONE} {{phone_id: row.phone_id}})
  ON CREATE SET ph.kind = row.kind, ph.display = row.display, ph.key_id = $key_id
"""

UPSERT_PARTY_PHONES = f"""
UNWIND $rows AS row
MERGE (p:{PARTY} {{party_id: row.party_id}})
WITH p, row WHERE row.phone_id IS NOT NULL
{_MERGE_PHONE}
MERGE (p)-[:{HAS_PHONE}]->(ph)
"""

UPSERT_EMERGENCY_CONTACTS = f"""
UNWIND $rows AS row
MERGE (p:{PARTY} {{party_id: row.party_id}})
{_MERGE_PHONE}
MERGE (p)-[r:{EMERGENCY_CONTACT}]->(ph)
SET r.relation = row.relation
"""

UPSERT_LOANS = f"""
UNWIND $rows AS row
MERGE (l:{LOAN} {{loan_id: row.loan_id}})
SET l.status = coalesce(row.status, l.status),
    l.applied_at = coalesce(row.applied_at, l.applied_at)
MERGE (p:{PARTY} {{party_id: row.party_id}})
FOREACH (_ IN CASE WHEN row.role = 'applicant' THEN [1] ELSE [] END |
  MERGE (p)-[:{APPLIED_FOR}]->(l))
FOREACH (_ IN CASE WHEN row.role = 'borrower' THEN [1] ELSE [] END |
  MERGE (p)-[:{BORROWER_OF}]->(l))
FOREACH (_ IN CASE WHEN row.role = 'co_borrower' THEN [1] ELSE [] END |
  MERGE (p)-[:{CO_BORROWER_OF}]->(l))
FOREACH (_ IN CASE WHEN row.role = 'guarantor' THEN [1] ELSE [] END |
  MERGE (p)-[:{GUARANTOR_OF}]->(l))
"""

UPSERT_CONSENTS = f"""
UNWIND $rows AS row
MERGE (c:{CONSENT} {{consent_id: row.consent_id}})
SET c.party_id = row.party_id, c.scope = row.scope, c.purpose = row.purpose,
    c.granted_at = row.granted_at, c.expires_at = row.expires_at,
    c.revoked_at = CASE WHEN c.revoked_at IS NOT NULL AND row.revoked_at IS NULL
                        THEN c.revoked_at ELSE row.revoked_at END,
    c.document_sha256 = row.document_sha256
MERGE (p:{PARTY} {{party_id: row.party_id}})
MERGE (p)-[:{GAVE}]->(c)
"""

GET_CONSENT = f"""
MATCH (c:{CONSENT} {{consent_id: $consent_id}})
RETURN c.consent_id AS consent_id, c.party_id AS party_id, c.scope AS scope,
       c.purpose AS purpose, c.granted_at AS granted_at, c.expires_at AS expires_at,
       c.revoked_at AS revoked_at, c.document_sha256 AS document_sha256
"""

GET_PARTY_PHONES = f"""
MATCH (p:{PARTY} {{party_id: $party_id}})
OPTIONAL MATCH (p)-[:{HAS_PHONE}]->(ph:{PHONE})
RETURN p.party_id AS party_id, collect(ph.phone_id) AS phone_ids,
       collect(ph.display) AS displays
"""

GET_BATCH = f"""
MATCH (b:{BATCH} {{batch_id: $batch_id}})
RETURN b {{.*}} AS batch
"""

# Key ids in use: batches record theirs, and so does every phone (phones from extracts
# have no batch). Scanning the phones takes well under a second for a million of them.
GET_KEY_IDS = f"""
CALL () {{
  MATCH (b:{BATCH}) WHERE b.key_id IS NOT NULL
  RETURN DISTINCT b.key_id AS key_id
  UNION
  MATCH (ph:{PHONE}) WHERE ph.key_id IS NOT NULL
  RETURN DISTINCT ph.key_id AS key_id
}}
RETURN DISTINCT key_id
"""

BEGIN_BATCH = f"""
MATCH (c:{CONSENT} {{consent_id: $consent_id}})
MERGE (b:{BATCH} {{batch_id: $batch_id}})
SET b.status = 'loading', b.file_sha256 = $file_sha256, b.layout = $layout,
    b.owner_party = $owner_party, b.consent_id = $consent_id, b.purpose = $purpose,
    b.key_id = $key_id, b.started_at = datetime()
MERGE (b)-[:{UNDER}]->(c)
"""

# Deletes one batch's call facts a slice at a time, so a large batch does not need one
# huge transaction; the caller repeats it until it returns 0.
DELETE_BATCH_CALLS_SLICE = f"""
MATCH ()-[r:{CALLED} {{batch_id: $batch_id}}]->()
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS deleted
"""

DELETE_BATCH = f"""
MATCH (b:{BATCH} {{batch_id: $batch_id}})
DETACH DELETE b
"""

DELETE_ORPHAN_PHONES_SLICE = f"""
MATCH (ph:{PHONE}) WHERE NOT (ph)--()
WITH ph LIMIT $limit
DELETE ph
RETURN count(*) AS deleted
"""

# One row per caller-callee pair of one chunk, written as a new relationship: a pair that
# recurs in later chunks of the same file gets another relationship of the same batch.
# CREATE instead of MERGE matters: MERGE on a relationship scans the relationships of a
# dense node (the bill owner has one per peer), which made loads quadratic. Readers sum
# the relationships of one batch and take the union of call_ids across batches. Times
# travel as epoch seconds because the driver's datetime encoding costs about 0.2 ms each.
ADD_CALLS = f"""
UNWIND $rows AS row
MERGE (a:{PHONE} {{phone_id: row.caller}})
  ON CREATE SET a.kind = row.caller_kind, a.display = row.caller_display, a.key_id = $key_id
MERGE (b:{PHONE} {{phone_id: row.callee}})
  ON CREATE SET b.kind = row.callee_kind, b.display = row.callee_display, b.key_id = $key_id
CREATE (a)-[r:{CALLED}]->(b)
SET r.batch_id = $batch_id, r.consent_id = $consent_id, r.calls = row.calls,
    r.seconds = row.seconds, r.night_calls = row.night_calls, r.call_ids = row.call_ids,
    r.first_at = datetime({{epochSeconds: row.first_s, timezone: '+08:00'}}),
    r.last_at = datetime({{epochSeconds: row.last_s, timezone: '+08:00'}})
"""

FINISH_BATCH = f"""
MATCH (b:{BATCH} {{batch_id: $batch_id}})
SET b.status = 'complete', b.loaded_at = datetime(), b.rows_read = $rows_read,
    b.rows_loaded = $rows_loaded, b.rows_rejected = $rows_rejected,
    b.duplicates = $duplicates, b.total_seconds = $total_seconds,
    b.distinct_peers = $distinct_peers
"""

ATTACH_OWNER_PHONE = f"""
MATCH (p:{PARTY} {{party_id: $party_id}})
{_MERGE_PHONE.replace("row.", "$")}
MERGE (p)-[:{HAS_PHONE}]->(ph)
"""

COUNT_GRAPH = f"""
CALL () {{ MATCH (ph:{PHONE}) RETURN count(ph) AS phones }}
CALL () {{ MATCH (:{PHONE})-[r:{CALLED}]->(:{PHONE}) RETURN count(r) AS called_relationships,
          sum(r.calls) AS call_rows }}
CALL () {{ MATCH (b:{BATCH}) RETURN count(b) AS batches }}
RETURN phones, called_relationships, call_rows, batches
"""

# The demo's own data carries the id prefix $prefix; these find and remove it so that a
# second `ringscope demo` starts from the same state as the first.
FIND_BATCHES_OF_PREFIX = f"""
MATCH (b:{BATCH}) WHERE b.owner_party STARTS WITH $prefix
RETURN collect(b.batch_id) AS batch_ids
"""

DELETE_NODES_OF_PREFIX = f"""
MATCH (n) WHERE (n:{PARTY} AND n.party_id STARTS WITH $prefix)
             OR (n:{LOAN} AND n.loan_id STARTS WITH $prefix)
             OR (n:{CONSENT} AND n.consent_id STARTS WITH $prefix)
DETACH DELETE n
"""

# The naive way to load calls, one statement per row; benchmarks/load_bench.py measures the
# batched ADD_CALLS against it. The product never runs it.
NAIVE_ADD_CALL = f"""
MERGE (a:{PHONE} {{phone_id: $caller}})
MERGE (b:{PHONE} {{phone_id: $callee}})
MERGE (a)-[r:{CALLED} {{batch_id: $batch_id}}]->(b)
  ON CREATE SET r.calls = 0, r.seconds = 0, r.first_at = $at, r.last_at = $at
SET r.calls = r.calls + 1, r.seconds = r.seconds + $seconds
"""

# Phones that no call fact, party or emergency contact supports any more; ring membership
# alone does not keep a phone. Run repeatedly until it returns 0.
DELETE_UNSUPPORTED_PHONES_SLICE = f"""
MATCH (ph:{PHONE})
WHERE NOT (ph)-[:{CALLED}|{HAS_PHONE}|{EMERGENCY_CONTACT}]-()
WITH ph LIMIT $limit
DETACH DELETE ph
RETURN count(*) AS deleted
"""

DELETE_EMPTY_RINGS = f"""
MATCH (r:{RING}) WHERE NOT ()-[:{MEMBER_OF}]->(r)
DETACH DELETE r
"""
