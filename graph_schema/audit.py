"""Cypher of the audit trail: a hash chain of AuditEvent nodes behind one AuditHead.

The head node is written first in every append, which takes its write lock, so concurrent
appends are serialised and sequence numbers have no gaps.
"""

from __future__ import annotations

from graph_schema.model import AUDIT_EVENT, AUDIT_HEAD

LOCK_HEAD = f"""
MERGE (h:{AUDIT_HEAD} {{name: 'audit'}})
  ON CREATE SET h.seq = 0, h.hash = ''
SET h.locked_at = datetime()
RETURN h.seq AS seq, h.hash AS hash
"""

APPEND_EVENT = f"""
MATCH (h:{AUDIT_HEAD} {{name: 'audit'}})
CREATE (e:{AUDIT_EVENT})
SET e = $event
SET h.seq = $event.seq, h.hash = $event.hash
"""

READ_HEAD = f"""
OPTIONAL MATCH (h:{AUDIT_HEAD} {{name: 'audit'}})
RETURN coalesce(h.seq, 0) AS seq, coalesce(h.hash, '') AS hash
"""

READ_EVENTS = f"""
MATCH (e:{AUDIT_EVENT})
WHERE e.seq > $after
RETURN e {{.*}} AS event
ORDER BY e.seq
LIMIT $limit
"""
