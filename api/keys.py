"""API keys: created once, shown once, stored only as SHA-256 hashes with a role.

A key is ``rsk_`` plus 40 random URL-safe characters (240 bits). Its first 12 characters
(the prefix) identify it in listings and audit events without revealing it. A plain
SHA-256 is enough to store it, because the key is random and there is no dictionary to try.

Roles: ``loan_system`` may ask for linkage only, ``investigator`` may use the read
endpoints, ``admin`` may use every endpoint.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any, Final

from queries import api_statements
from ringscope.db import Database

ROLES: Final = ("loan_system", "investigator", "admin")
KEY_PREFIX_CHARS: Final = 12
KEY_PREFIX: Final = "rsk_"


@dataclass(frozen=True, slots=True)
class ApiPrincipal:
    """The sender of a request: the key's prefix, its role and the label given at creation."""

    key_prefix: str
    role: str
    label: str | None


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    key_prefix: str
    role: str
    label: str | None
    created_at: str | None
    revoked_at: str | None


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_api_key(db: Database, role: str, label: str | None = None) -> str:
    """Store a new key's hash with ``role`` and return the key; it is not retrievable later.

    Raises:
        ValueError: ``role`` is not one of ROLES.
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    key = KEY_PREFIX + secrets.token_urlsafe(30)
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


def list_api_keys(db: Database) -> list[ApiKeyInfo]:
    """Return every key ever created, oldest first, revoked ones included."""
    return [ApiKeyInfo(**_key_row(row)) for row in db.read(api_statements.LIST_API_KEYS)]


def revoke_api_key_if_active(db: Database, key_prefix: str) -> int:
    """Revoke the active key with this prefix; return how many were revoked (0 or 1)."""
    rows = db.write(api_statements.REVOKE_API_KEY, key_prefix=key_prefix)
    return int(rows[0]["revoked"]) if rows else 0


def _key_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "key_prefix": row["key_prefix"],
        "role": row["role"],
        "label": row["label"],
        "created_at": row["created_at"],
        "revoked_at": row["revoked_at"],
    }
