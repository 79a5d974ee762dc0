"""Keyed pseudonyms and partial masks for telephone numbers.

A pseudonym is HMAC-SHA256 of the canonical number under the configured key, written as
hex. The same key always gives the same pseudonym, so the intermediary that three owners
called becomes one ``Phone`` node; without the key nobody can recompute a pseudonym from a
guessed number, which a plain hash of an 11-digit mobile would allow in minutes.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

import ringscope.messages  # noqa: F401  (registers the messages raised here)
from ringscope.errors import PseudonymKeyError

MIN_KEY_BYTES = 32


@dataclass(frozen=True, slots=True)
class PseudonymKey:
    """A secret key and its public id; the id is stored with every pseudonym."""

    key_id: str
    secret: bytes

    def __post_init__(self) -> None:
        if len(self.secret) < MIN_KEY_BYTES:
            raise PseudonymKeyError("pseudonym.key_too_short", minimum=MIN_KEY_BYTES)

    def __repr__(self) -> str:
        return f"PseudonymKey(key_id={self.key_id!r}, secret=<hidden>)"

    @classmethod
    def from_text(cls, text: str, key_id: str | None = None) -> PseudonymKey:
        """Build a key from its text form: hex, or any string of at least 32 bytes."""
        stripped = text.strip()
        try:
            secret = bytes.fromhex(stripped)
        except ValueError:
            secret = stripped.encode("utf-8")
        if key_id is None:
            key_id = derive_key_id(secret)
        return cls(key_id=key_id, secret=secret)


def derive_key_id(secret: bytes) -> str:
    """Return a short public id for a key, so data can say which key made it."""
    return "k-" + hashlib.sha256(b"ringscope-key-id:" + secret).hexdigest()[:12]


def pseudonymize(key: PseudonymKey, canonical: str) -> str:
    """Return the hex HMAC-SHA256 pseudonym of a canonical number."""
    return hmac.new(key.secret, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def mask_number(value: str) -> str:
    """Return a partial mask that keeps at most the first 3 and last 4 characters.

    ``13912345678`` becomes ``139****5678``; short values keep less, so a 5-digit service
    number shows ``10***`` and nothing shorter than 4 characters is shown at all. Opaque
    identifiers (``opaque:200``) are not personal numbers and are shown as ``#200``.
    """
    if value.startswith("opaque:"):
        return "#" + value[len("opaque:") :]
    text = value.strip()
    length = len(text)
    if length >= 11:
        return text[:3] + "*" * (length - 7) + text[-4:]
    if length >= 7:
        return text[:3] + "*" * (length - 5) + text[-2:]
    if length >= 4:
        return text[:2] + "*" * (length - 2)
    return "*" * length
