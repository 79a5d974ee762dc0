"""Cypher used by detection and linkage (investigators' named queries live in cypher/).

Call facts are read through one rule, spelled out once in PAIR_TOTALS: only CALLED
relationships whose consent is in ``$valid_consents`` count, and a call stored by several
batches (both parties' bills) counts once, by its call id (see graph_schema.model).
"""

from __future__ import annotations

from graph_schema.model import (
    BATCH,
    CALL_RECORDS_SCOPE,
    CALL_SECONDS_BITS,
    CALLED,
    CONSENT,
    DETECTION_RUN,
    FOUND_BY,
    MEMBER_OF,
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

# Per ordered pair of phones: distinct calls, seconds, night calls, first and last call,
# and the consents and batches the evidence came from. The night window matches
# loader.pipeline.is_night_call (22:00 to 06:00 Asia/Shanghai, UTC+8 all year).
_PAIR_AGGREGATE = f"""
WITH a, b, collect(r) AS rs
WITH a, b, rs,
     CASE WHEN size(rs) = 1 THEN null
          ELSE reduce(acc = [], r IN rs | acc + [x IN r.call_ids WHERE NOT x IN acc])
     END AS merged
WITH a, b, rs, merged,
     CASE WHEN merged IS NULL THEN rs[0].calls ELSE size(merged) END AS calls,
     CASE WHEN merged IS NULL THEN rs[0].seconds
          ELSE reduce(s = 0, x IN merged | s + x % {_SECONDS_MOD}) END AS seconds,
     CASE WHEN merged IS NULL THEN rs[0].night_calls
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

PREVIOUS_RINGS = f"""
MATCH (r:{RING})
OPTIONAL MATCH (m)-[:{MEMBER_OF}]->(r)
RETURN r.ring_id AS ring_id, collect(coalesce(m.phone_id, 'party:' + m.party_id)) AS members
"""

# Rings are replaced wholesale by each run; a ring whose members overlap a previous
# ring's keeps that ring's id (see queries.rings.assign_stable_ids).
DELETE_RINGS = f"""
MATCH (r:{RING})
DETACH DELETE r
"""

WRITE_RINGS = f"""
MATCH (d:{DETECTION_RUN} {{run_id: $run_id}})
UNWIND $rings AS ring
CREATE (r:{RING} {{ring_id: ring.ring_id}})
SET r.run_id = $run_id, r.kind = ring.kind, r.score = ring.score, r.size = ring.size,
    r.reasons = ring.reasons, r.stale = false, r.community = ring.community
CREATE (r)-[:{FOUND_BY}]->(d)
WITH r, ring
UNWIND ring.phone_ids AS phone_id
MATCH (ph:{PHONE} {{phone_id: phone_id}})
CREATE (ph)-[:{MEMBER_OF}]->(r)
"""

LINK_RING_PARTIES = f"""
MATCH (p:{PARTY})-[:HAS_PHONE]->(:{PHONE})-[:{MEMBER_OF}]->(r:{RING} {{run_id: $run_id}})
MERGE (p)-[:{MEMBER_OF}]->(r)
"""

COMPLETE_BATCHES = f"""
MATCH (b:{BATCH} {{status: 'complete'}})
RETURN collect(b.batch_id) AS batch_ids
"""
