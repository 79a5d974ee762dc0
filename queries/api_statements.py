"""Cypher behind API keys."""

from __future__ import annotations

from graph_schema.model import API_KEY

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
MATCH (k:{API_KEY} {{key_prefix: $key_prefix}})
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
