"""Cypher used by detection and linkage (investigators' named queries live in cypher/).

Call facts are read through one rule, spelled out once in PAIR_TOTALS: only CALLED
relationships whose consent is in ``$valid_consents`` count, and a call stored by several
batches (both parties' bills) counts once, by its call id (see graph_schema.model).
"""

from __future__ import annotations

from graph_schema.model import (
    APPLIED_FOR,
    BATCH,
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

_SECONDS_MOD = 1 << CALL_SECONDS_BITS

# Consents that allow using call records now: in scope, granted, not expired, not revoked.
VALID_CALL_CONSENTS = f"""
MATCH (c:{CONSENT})
WHERE '{CALL_RECORDS_SCOPE}' IN c.scope
  AND c.granted_at <= datetime($at)
  AND (c.expires_at IS NULL OR c.expires_at > datetime($at))
  AND (c.revoked_at IS NULL OR c.revoked_at > datetime($at))
RETURN collect(c.consent_id) AS consent_ids
"""

# Per ordered pair of phones: distinct calls, seconds and night calls. Relationships of
# one batch hold disjoint calls (the loader drops duplicates within a file), so their
# counts add up; across batches the same call may be stored twice, so the union of
# call_ids is counted instead. The night window matches
# graph_schema.model.is_night_epoch (22:00 to 06:00 Asia/Shanghai, UTC+8 all year).
_PAIR_AGGREGATE = f"""
WITH a, b, collect(r) AS rs
WITH a, b, rs, all(r IN rs WHERE r.batch_id = rs[0].batch_id) AS one_batch
WITH a, b, rs,
     CASE WHEN one_batch THEN null
          ELSE COLLECT {{ UNWIND rs AS r UNWIND r.call_ids AS id RETURN DISTINCT id }}
     END AS merged
WITH a, b, rs, merged,
     CASE WHEN merged IS NULL THEN reduce(n = 0, r IN rs | n + r.calls)
          ELSE size(merged) END AS calls,
     CASE WHEN merged IS NULL THEN reduce(n = 0, r IN rs | n + r.seconds)
          ELSE reduce(s = 0, x IN merged | s + x % {_SECONDS_MOD}) END AS seconds,
     CASE WHEN merged IS NULL THEN reduce(n = 0, r IN rs | n + r.night_calls)
          ELSE size([x IN merged WHERE ((x / {_SECONDS_MOD} + 480) % 1440) / 60 >= 22
                                    OR ((x / {_SECONDS_MOD} + 480) % 1440) / 60 < 6])
     END AS night_calls
"""

PAIR_TOTALS = f"""
MATCH (a:{PHONE})-[r:{CALLED}]->(b:{PHONE})
WHERE r.consent_id IN $valid_consents
{_PAIR_AGGREGATE}
RETURN a.phone_id AS caller, b.phone_id AS callee, a.kind AS caller_kind,
       b.kind AS callee_kind, calls, seconds, night_calls
"""

PHONE_DISPLAY = f"""
UNWIND $phone_ids AS phone_id
MATCH (ph:{PHONE} {{phone_id: phone_id}})
OPTIONAL MATCH (p:{PARTY})-[:HAS_PHONE]->(ph)
RETURN ph.phone_id AS phone_id, ph.display AS display, ph.kind AS kind,
       collect(p.party_id) AS party_ids
"""

CREATE_DETECTION_RUN = f"""
CREATE (d:{DETECTION_RUN} {{run_id: $run_id}})
SET d.algorithm = $algorithm, d.parameters = $parameters, d.seed = $seed,
    d.started_at = datetime($started_at), d.finished_at = datetime(),
    d.modularity = $modularity, d.communities = $communities,
    d.valid_consents = $valid_consents, d.batches = $batches
"""

# Rings are replaced wholesale by each run; a ring whose members overlap a previous
# ring's keeps that ring's id (see queries.rings.assign_stable_ids).
DELETE_RINGS = f"""
MATCH (r:{RING})
DETACH DELETE r
"""

COMPLETE_BATCHES = f"""
MATCH (b:{BATCH} {{status: 'complete'}})
RETURN collect(b.batch_id) AS batch_ids
"""

# --- ring and number-change detection ---------------------------------------------------
# The constants below serve queries.rings and queries.number_changes. Times travel as Unix
# epoch seconds: converting a driver DateTime costs far more than an integer, and a
# projection of a million calls reads a few hundred thousand pairs.

# Per ordered pair of phones: summed counts and first and last call (epoch seconds); the
# consents and batches behind a pair are read only where a finding needs them
# (PAIR_PROVENANCE), because lists per row would double the time of a large projection.
# One batch never holds a call twice (the loader drops repeats within a file), so counts
# add up within a batch; only a pair stored by several batches returns its call_ids, and
# the reader takes their union (PAIR_TOTALS does that in Cypher, quadratic in the calls).
PAIR_FACTS = f"""
MATCH (a:{PHONE})-[r:{CALLED}]->(b:{PHONE})
WHERE r.consent_id IN $valid_consents
WITH a, b, collect(r) AS rs
WITH a, b, rs,
     reduce(acc = [], r IN rs | CASE WHEN r.batch_id IN acc THEN acc ELSE acc + r.batch_id END)
       AS batch_ids
RETURN a.phone_id AS caller, b.phone_id AS callee, a.kind AS caller_kind,
       b.kind AS callee_kind,
       reduce(s = 0, r IN rs | s + r.calls) AS calls,
       reduce(s = 0, r IN rs | s + r.seconds) AS seconds,
       reduce(s = 0, r IN rs | s + r.night_calls) AS night_calls,
       reduce(f = null, r IN rs | CASE WHEN f IS NULL OR r.first_at < f THEN r.first_at
                                      ELSE f END).epochSeconds AS first_s,
       reduce(l = null, r IN rs | CASE WHEN l IS NULL OR r.last_at > l THEN r.last_at
                                      ELSE l END).epochSeconds AS last_s,
       CASE WHEN size(batch_ids) = 1 THEN null
            ELSE reduce(acc = [], r IN rs | acc + r.call_ids) END AS call_ids,
       a.display AS caller_display, b.display AS callee_display
"""

# Every party with its phones, emergency contacts and loans (role, status, applied_at in
# epoch seconds of the application day's midnight, Asia/Shanghai).
PARTY_FACTS = f"""
MATCH (p:{PARTY})
CALL (p) {{
  OPTIONAL MATCH (p)-[:{HAS_PHONE}]->(ph:{PHONE})
  RETURN collect(ph.phone_id) AS phone_ids
}}
CALL (p) {{
  OPTIONAL MATCH (p)-[:{EMERGENCY_CONTACT}]->(ec:{PHONE})
  RETURN collect(ec.phone_id) AS emergency_phone_ids
}}
CALL (p) {{
  OPTIONAL MATCH (p)-[role:{APPLIED_FOR}|{BORROWER_OF}|{CO_BORROWER_OF}|{GUARANTOR_OF}]
                 ->(l:{LOAN})
  WITH role, l WHERE l IS NOT NULL
  RETURN collect({{loan_id: l.loan_id, role: type(role), status: l.status,
                   applied_s: CASE WHEN l.applied_at IS NULL THEN null
                                   ELSE datetime({{date: l.applied_at,
                                                  timezone: '+08:00'}}).epochSeconds END}})
         AS loans
}}
RETURN p.party_id AS party_id, phone_ids, emergency_phone_ids, loans
"""

# Guarantees between parties: the guarantor of a loan and the loan's applicant or borrower.
GUARANTEE_LINKS = f"""
MATCH (g:{PARTY})-[:{GUARANTOR_OF}]->(l:{LOAN})<-[:{APPLIED_FOR}|{BORROWER_OF}]-(b:{PARTY})
WHERE g <> b
RETURN g.party_id AS guarantor, l.loan_id AS loan_id, b.party_id AS borrower
"""

PREVIOUS_RING_MEMBERS = f"""
MATCH (r:{RING})
OPTIONAL MATCH (m)-[:{MEMBER_OF}]->(r)
RETURN r.ring_id AS ring_id,
       [x IN collect(coalesce(m.phone_id, 'party:' + m.party_id)) WHERE x IS NOT NULL]
         AS members
"""

RECORD_DETECTION_RUN = f"""
CREATE (d:{DETECTION_RUN} {{run_id: $run_id}})
SET d.algorithm = $algorithm, d.parameters = $parameters, d.seed = $seed,
    d.resolution = $resolution, d.started_at = datetime($started_at),
    d.finished_at = datetime(), d.modularity = $modularity, d.communities = $communities,
    d.components = $components, d.rings = $rings, d.number_changes = $number_changes,
    d.hubs_suppressed = $hubs_suppressed, d.intermediaries = $intermediaries,
    d.valid_consents = $valid_consents, d.batches = $batches
"""

# Each ring with its member phones and parties; ring ids are unique, so rings of a run are
# created, never merged.
WRITE_SCORED_RINGS = f"""
MATCH (d:{DETECTION_RUN} {{run_id: $run_id}})
UNWIND $rings AS ring
CREATE (r:{RING} {{ring_id: ring.ring_id}})
SET r.run_id = $run_id, r.kind = ring.kind, r.score = ring.score, r.size = ring.size,
    r.party_count = ring.party_count, r.reasons = ring.reasons,
    r.reason_details = ring.reason_details, r.stale = false, r.community = ring.community,
    r.found_at = datetime()
CREATE (r)-[:{FOUND_BY}]->(d)
WITH r, ring
CALL (r, ring) {{
  UNWIND ring.phone_ids AS phone_id
  MATCH (ph:{PHONE} {{phone_id: phone_id}})
  CREATE (ph)-[:{MEMBER_OF}]->(r)
}}
CALL (r, ring) {{
  UNWIND ring.party_ids AS party_id
  MATCH (p:{PARTY} {{party_id: party_id}})
  CREATE (p)-[:{MEMBER_OF}]->(r)
}}
"""

# Run repeatedly until it returns 0, one slice per managed transaction.
CLEAR_COMMUNITIES_SLICE = f"""
MATCH (ph:{PHONE}) WHERE ph.community IS NOT NULL
WITH ph LIMIT $limit
REMOVE ph.community, ph.community_run
RETURN count(*) AS cleared
"""

WRITE_COMMUNITIES = f"""
UNWIND $rows AS row
MATCH (ph:{PHONE} {{phone_id: row.phone_id}})
SET ph.community = row.community, ph.community_run = $run_id
"""

DELETE_NUMBER_CHANGES = f"""
MATCH (n:{NUMBER_CHANGE})
DETACH DELETE n
"""

WRITE_NUMBER_CHANGES = f"""
MATCH (d:{DETECTION_RUN} {{run_id: $run_id}})
UNWIND $changes AS change
CREATE (n:{NUMBER_CHANGE} {{change_id: change.change_id}})
SET n.old_phone_id = change.old_phone_id, n.new_phone_id = change.new_phone_id,
    n.old_display = change.old_display, n.new_display = change.new_display,
    n.overlap = change.overlap, n.shared_contacts = change.shared_contacts,
    n.old_contacts = change.old_contacts, n.new_contacts = change.new_contacts,
    n.via_changes = change.via_changes,
    n.old_last_at = datetime({{epochSeconds: change.old_last_s, timezone: '+08:00'}}),
    n.new_first_at = datetime({{epochSeconds: change.new_first_s, timezone: '+08:00'}}),
    n.consent_ids = change.consent_ids, n.batch_ids = change.batch_ids,
    n.contact_phone_ids = change.contact_phone_ids, n.run_id = $run_id, n.stale = false
CREATE (n)-[:{FOUND_BY}]->(d)
"""

LIST_RINGS = f"""
MATCH (r:{RING})
OPTIONAL MATCH (p:{PARTY})-[:{MEMBER_OF}]->(r)
WITH r, collect(p.party_id) AS party_ids
RETURN r.ring_id AS ring_id, r.kind AS kind, r.score AS score, r.size AS size,
       coalesce(r.party_count, size(party_ids)) AS party_count, r.reasons AS reasons,
       r.run_id AS run_id, coalesce(r.stale, false) AS stale
ORDER BY score DESC, ring_id
"""

GET_RING = f"""
MATCH (r:{RING} {{ring_id: $ring_id}})
OPTIONAL MATCH (r)-[:{FOUND_BY}]->(d:{DETECTION_RUN})
CALL (r) {{
  OPTIONAL MATCH (ph:{PHONE})-[:{MEMBER_OF}]->(r)
  OPTIONAL MATCH (owner:{PARTY})-[:{HAS_PHONE}]->(ph)
  WITH ph, collect(owner.party_id) AS owners WHERE ph IS NOT NULL
  RETURN collect({{phone_id: ph.phone_id, display: ph.display, kind: ph.kind,
                   party_ids: owners}}) AS phones
}}
CALL (r) {{
  OPTIONAL MATCH (p:{PARTY})-[:{MEMBER_OF}]->(r)
  RETURN collect(p.party_id) AS party_ids
}}
RETURN r {{.*}} AS ring, phones, party_ids, d.seed AS seed,
       toString(d.finished_at) AS finished_at
"""

LATEST_DETECTION_RUN = f"""
MATCH (d:{DETECTION_RUN})
RETURN d {{.*, started_at: toString(d.started_at), finished_at: toString(d.finished_at)}}
       AS run
ORDER BY d.finished_at DESC
LIMIT 1
"""

LIST_NUMBER_CHANGES = f"""
MATCH (n:{NUMBER_CHANGE})
RETURN n.change_id AS change_id, n.old_phone_id AS old_phone_id,
       n.new_phone_id AS new_phone_id, n.overlap AS overlap, n.run_id AS run_id,
       coalesce(n.stale, false) AS stale
ORDER BY change_id
"""

RING_MEMBER_PARTIES = f"""
MATCH (r:{RING})
WHERE NOT coalesce(r.stale, false)
OPTIONAL MATCH (p:{PARTY})-[:{MEMBER_OF}]->(r)
RETURN r.ring_id AS ring_id, r.kind AS kind, r.score AS score,
       collect(p.party_id) AS party_ids
"""

ALL_PARTY_IDS = f"""
MATCH (p:{PARTY})
RETURN collect(p.party_id) AS party_ids
"""

# Consents and batches of the call facts between given pairs of phones (either direction).
PAIR_PROVENANCE = f"""
UNWIND $pairs AS pair
MATCH (a:{PHONE} {{phone_id: pair[0]}})-[r:{CALLED}]-(b:{PHONE} {{phone_id: pair[1]}})
WHERE r.consent_id IN $valid_consents
RETURN pair[0] AS a, pair[1] AS b, collect(DISTINCT r.consent_id) AS consent_ids,
       collect(DISTINCT r.batch_id) AS batch_ids
"""

VALID_BATCHES = f"""
MATCH (b:{BATCH} {{status: 'complete'}})
WHERE b.consent_id IN $valid_consents
RETURN collect(b.batch_id) AS batch_ids
"""
