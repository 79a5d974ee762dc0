"""Cypher of consent revocation, retention and re-keying.

Every statement that changes many relationships works on one slice: either ``LIMIT $limit``
on an indexed match that the caller repeats until it returns 0, or ``UNWIND $ids`` over a
slice of element ids read beforehand. No statement needs one transaction for the whole
graph, and each is safe to repeat after a crash.

A call id is ``(start minute << CALL_SECONDS_BITS) | seconds`` (see graph_schema.model), so
``call_id < $cutoff_id`` with ``cutoff_id = cutoff_minute << CALL_SECONDS_BITS`` selects the
calls that started before the cutoff minute. The night window matches
graph_schema.model.is_night_epoch: 22:00 to 06:00 Asia/Shanghai (UTC+8 all year).
"""

from __future__ import annotations

from graph_schema.model import (
    BATCH,
    CALL_SECONDS_BITS,
    CALLED,
    CONSENT,
    DETECTION_RUN,
    EMERGENCY_CONTACT,
    FOUND_BY,
    HAS_PHONE,
    NUMBER_CHANGE,
    PHONE,
    RING,
)

SECONDS_MOD = 1 << CALL_SECONDS_BITS

_MINUTE_OF = f"(x / {SECONDS_MOD})"
_IS_NIGHT = f"(({_MINUTE_OF} + 480) % 1440) / 60 >= 22 OR (({_MINUTE_OF} + 480) % 1440) / 60 < 6"

# --- consents -------------------------------------------------------------------------

# Sets revoked_at to $at unless the consent was already revoked earlier; a revocation
# that was recorded for a later date takes effect now.
REVOKE_CONSENT = f"""
MATCH (c:{CONSENT} {{consent_id: $consent_id}})
WITH c, c.revoked_at IS NOT NULL AND c.revoked_at <= datetime($at) AS was_revoked
SET c.revoked_at = CASE WHEN was_revoked THEN c.revoked_at ELSE datetime($at) END
RETURN was_revoked, toString(c.revoked_at) AS revoked_at
"""

BATCHES_OF_CONSENT = f"""
MATCH (b:{BATCH} {{consent_id: $consent_id}})
RETURN b.batch_id AS batch_id, b.status AS status
ORDER BY batch_id
"""

# What revoking a consent removes, per pair of phones: the distinct calls that only the
# consent's relationships hold (erased) and those that other relationships between the
# same phones also hold (they stay, counted once).
CONSENT_ERASURE_SUMMARY = f"""
MATCH (a:{PHONE})-[r:{CALLED} {{consent_id: $consent_id}}]->(b:{PHONE})
WITH a, b, collect(r) AS erased
OPTIONAL MATCH (a)-[o:{CALLED}]->(b) WHERE o.consent_id <> $consent_id
WITH erased, collect(o) AS others
WITH erased,
     reduce(acc = [], r IN erased | acc + [x IN r.call_ids WHERE NOT x IN acc]) AS erased_ids,
     reduce(acc = [], o IN others | acc + [x IN o.call_ids WHERE NOT x IN acc]) AS other_ids
RETURN count(*) AS pairs,
       coalesce(sum(size(erased)), 0) AS relationships,
       coalesce(sum(reduce(s = 0, r IN erased | s + r.calls)), 0) AS call_records,
       coalesce(sum(size([x IN erased_ids WHERE NOT x IN other_ids])), 0) AS calls_erased,
       coalesce(sum(size([x IN erased_ids WHERE x IN other_ids])), 0) AS calls_kept
"""

DELETE_CONSENT_CALLS_SLICE = f"""
MATCH (a:{PHONE})-[r:{CALLED} {{consent_id: $consent_id}}]->(b:{PHONE})
WITH a, b, r LIMIT $limit
DELETE r
RETURN count(*) AS deleted,
       collect(DISTINCT a.phone_id) + collect(DISTINCT b.phone_id) AS phone_ids
"""

# --- batches, phones, rings -----------------------------------------------------------

# An erased batch stays as a tombstone, so that the load, its file hash and its erasure
# remain traceable; the figures that describe the owner's calls are removed with them.
TOMBSTONE_BATCHES = f"""
UNWIND $batch_ids AS batch_id
MATCH (b:{BATCH} {{batch_id: batch_id}})
WHERE b.status <> 'erased'
SET b.status = 'erased', b.erased_at = datetime(), b.erased_reason = $reason
REMOVE b.total_seconds, b.distinct_peers
RETURN count(b) AS batches
"""

# Batches that retention left without any call fact become tombstones too; the others
# record the cutoff before which their calls were erased.
TOMBSTONE_EMPTIED_BATCHES = f"""
UNWIND $batch_ids AS batch_id
MATCH (b:{BATCH} {{batch_id: batch_id}})
WHERE b.status = 'complete'
WITH b, batch_id, EXISTS {{ MATCH ()-[:{CALLED} {{batch_id: batch_id}}]->() }} AS has_calls
SET b.calls_erased_before = datetime($cutoff)
WITH b, has_calls WHERE NOT has_calls
SET b.status = 'erased', b.erased_at = datetime(), b.erased_reason = $reason
REMOVE b.total_seconds, b.distinct_peers
RETURN count(b) AS batches
"""

# A phone that no call fact, party or emergency contact refers to any more is derived only
# from erased data: it goes, with its ring memberships and the number changes naming it.
# Number changes that name a phone which lost call facts but stays are marked stale.
DELETE_UNUSED_PHONES = f"""
UNWIND $phone_ids AS phone_id
MATCH (ph:{PHONE} {{phone_id: phone_id}})
WITH ph, NOT (ph)-[:{CALLED}|{HAS_PHONE}|{EMERGENCY_CONTACT}]-() AS unused
WITH collect(CASE WHEN unused THEN ph END) AS unused_phones,
     collect(CASE WHEN unused THEN ph.phone_id END) AS unused_ids,
     collect(ph.phone_id) AS touched_ids
CALL (unused_ids, touched_ids) {{
  MATCH (n:{NUMBER_CHANGE})
  WHERE n.old_phone_id IN touched_ids OR n.new_phone_id IN touched_ids
     OR any(x IN coalesce(n.contact_phone_ids, []) WHERE x IN touched_ids)
  WITH n, (n.old_phone_id IN unused_ids OR n.new_phone_id IN unused_ids
           OR any(x IN coalesce(n.contact_phone_ids, []) WHERE x IN unused_ids)) AS doomed
  FOREACH (_ IN CASE WHEN doomed THEN [1] ELSE [] END | DETACH DELETE n)
  FOREACH (_ IN CASE WHEN doomed THEN [] ELSE [1] END | SET n.stale = true)
  RETURN count(CASE WHEN doomed THEN 1 END) AS changes
}}
FOREACH (ph IN unused_phones | DETACH DELETE ph)
RETURN size(unused_phones) AS deleted, changes
"""

# Every phone that nothing refers to: the phones an interrupted erasure deleted the call
# facts of but did not get to delete themselves.
UNUSED_PHONE_IDS = f"""
MATCH (ph:{PHONE})
WHERE NOT (ph)-[:{CALLED}|{HAS_PHONE}|{EMERGENCY_CONTACT}]-()
RETURN ph.phone_id AS phone_id
"""

# Rings found by a run that read any of the batches: the run's partition depended on them,
# so every ring of it is stale until the next detection run replaces the rings.
MARK_RINGS_STALE = f"""
MATCH (d:{DETECTION_RUN})
WHERE any(batch_id IN coalesce(d.batches, []) WHERE batch_id IN $batch_ids)
MATCH (r:{RING})-[:{FOUND_BY}]->(d)
WHERE NOT coalesce(r.stale, false)
SET r.stale = true, r.stale_reason = $reason, r.stale_since = datetime()
RETURN count(r) AS rings
"""

# --- retention ------------------------------------------------------------------------

RETENTION_BATCHES = f"""
MATCH ()-[r:{CALLED}]->()
WHERE r.first_at < datetime($cutoff)
RETURN DISTINCT r.batch_id AS batch_id
ORDER BY batch_id
"""

RETENTION_TARGETS_OF_BATCH = f"""
MATCH ()-[r:{CALLED} {{batch_id: $batch_id}}]->()
WHERE r.first_at < datetime($cutoff)
RETURN elementId(r) AS id, size(r.call_ids) AS calls,
       size([x IN r.call_ids WHERE x < $cutoff_id]) AS dropped
"""

# Drops the calls before the cutoff from each relationship of the slice and recomputes
# its totals from the call ids that remain; a relationship left with none is deleted.
# first_at becomes the start minute of the earliest remaining call (call ids keep minutes);
# last_at does not change, because the newest call always remains.
TRIM_CALLS_SLICE = f"""
UNWIND $ids AS id
MATCH (a:{PHONE})-[r:{CALLED}]->(b:{PHONE})
WHERE elementId(r) = id
WITH a, b, r, [x IN r.call_ids WHERE x >= $cutoff_id] AS kept
WITH a, b, r, kept, size(r.call_ids) - size(kept) AS dropped
FOREACH (_ IN CASE WHEN size(kept) = 0 THEN [1] ELSE [] END | DELETE r)
FOREACH (_ IN CASE WHEN size(kept) > 0 AND dropped > 0 THEN [1] ELSE [] END |
  SET r.call_ids = kept,
      r.calls = size(kept),
      r.seconds = reduce(s = 0, x IN kept | s + x % {SECONDS_MOD}),
      r.night_calls = size([x IN kept WHERE {_IS_NIGHT}]),
      r.first_at = datetime({{
        epochSeconds: reduce(m = kept[0], x IN kept | CASE WHEN x < m THEN x ELSE m END)
                      / {SECONDS_MOD} * 60,
        timezone: r.first_at.timezone}}))
RETURN coalesce(sum(dropped), 0) AS call_records,
       count(CASE WHEN size(kept) = 0 THEN 1 END) AS deleted,
       count(CASE WHEN size(kept) > 0 AND dropped > 0 THEN 1 END) AS trimmed,
       collect(DISTINCT a.phone_id) + collect(DISTINCT b.phone_id) AS phone_ids
"""

# Phones that a dry run of retention would delete: every call fact of theirs ends before
# the cutoff and nothing else refers to them.
RETENTION_PHONES_DELETED = f"""
MATCH (ph:{PHONE})
WHERE EXISTS {{ MATCH (ph)-[r:{CALLED}]-() WHERE r.last_at < datetime($cutoff) }}
  AND NOT EXISTS {{ MATCH (ph)-[r:{CALLED}]-() WHERE r.last_at >= datetime($cutoff) }}
  AND NOT (ph)-[:{HAS_PHONE}|{EMERGENCY_CONTACT}]-()
RETURN count(ph) AS phones
"""

# --- re-keying ------------------------------------------------------------------------

PHONE_KEY_IDS = f"""
MATCH (ph:{PHONE})
RETURN ph.key_id AS key_id, count(*) AS phones
ORDER BY key_id
"""

PHONES_OF_KEY = f"""
MATCH (ph:{PHONE}) WHERE ph.key_id = $key_id
RETURN ph.phone_id AS phone_id, ph.display AS display
"""

REKEY_PHONES = f"""
UNWIND $rows AS row
MATCH (ph:{PHONE} {{phone_id: row.old}})
WHERE ph.key_id = $old_key_id
SET ph.phone_id = row.new, ph.key_id = $new_key_id
RETURN count(ph) AS phones
"""

BATCHES_OF_KEY = f"""
MATCH (b:{BATCH}) WHERE b.key_id = $key_id
RETURN b.batch_id AS batch_id, b.file_sha256 AS file_sha256, b.owner_party AS owner_party,
       b.consent_id AS consent_id, b.layout AS layout
ORDER BY batch_id
"""

REKEY_BATCH_CALLS_SLICE = f"""
MATCH ()-[r:{CALLED} {{batch_id: $old_batch_id}}]->()
WITH r LIMIT $limit
SET r.batch_id = $new_batch_id
RETURN count(*) AS relationships
"""

REKEY_BATCH = f"""
MATCH (b:{BATCH} {{batch_id: $old_batch_id}})
WHERE b.key_id = $old_key_id
SET b.batch_id = $new_batch_id, b.key_id = $new_key_id,
    b.previous_batch_ids = coalesce(b.previous_batch_ids, []) + $old_batch_id
RETURN count(b) AS batches
"""

# Every batch id that re-keying replaced, with the batch's current id.
BATCH_ID_HISTORY = f"""
MATCH (b:{BATCH}) WHERE b.previous_batch_ids IS NOT NULL
UNWIND b.previous_batch_ids AS previous_id
RETURN previous_id, b.batch_id AS batch_id
"""

REKEY_DETECTION_RUN_BATCHES = f"""
MATCH (d:{DETECTION_RUN})
WHERE any(batch_id IN coalesce(d.batches, []) WHERE batch_id IN keys($batch_map))
SET d.batches = [batch_id IN d.batches | coalesce($batch_map[batch_id], batch_id)]
RETURN count(d) AS runs
"""

NUMBER_CHANGE_PHONES = f"""
MATCH (n:{NUMBER_CHANGE})
RETURN elementId(n) AS id, n.old_phone_id AS old_phone_id, n.new_phone_id AS new_phone_id,
       coalesce(n.contact_phone_ids, []) AS contact_phone_ids
"""

REKEY_NUMBER_CHANGES = f"""
UNWIND $rows AS row
MATCH (n:{NUMBER_CHANGE}) WHERE elementId(n) = row.id
SET n.old_phone_id = row.old_phone_id, n.new_phone_id = row.new_phone_id,
    n.contact_phone_ids = row.contact_phone_ids
RETURN count(n) AS changes
"""
