"""API keys: created once, shown once, stored only as SHA-256 hashes with a role.

A key is ``rsk_`` plus 40 random URL-safe characters; its first 12 characters (the
prefix) identify it in listings and audit events without revealing it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Final

from queries import api_statements
from ringscope.db import Database

ROLES: Final = ("loan_system", "investigator", "admin")
KEY_PREFIX_CHARS = 12


@dataclass(frozen=True, slots=True)
class ApiPrincipal:
    key_prefix: str
    role: str
    label: str | None


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_api_key(db: Database, role: str, label: str | None = None) -> str:
    """Store a new key's hash with ``role`` and return the key; it is not retrievable later."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    key = "rsk_" + secrets.token_urlsafe(30)
    db.write(
        api_statements.CREATE_API_KEY,
        key_hash=hash_api_key(key),
        key_prefix=key[:KEY_PREFIX_CHARS],
        role=role,
        label=label,
    )
    return key


def find_principal(db: Database, key: str) -> ApiPrincipal | None:
    """Return who a presented key belongs to, or None for an unknown or revoked key."""
    rows = db.read(api_statements.FIND_API_KEY, key_hash=hash_api_key(key))
    if not rows:
        return None
    row = rows[0]
    return ApiPrincipal(key_prefix=row["key_prefix"], role=row["role"], label=row["label"])
