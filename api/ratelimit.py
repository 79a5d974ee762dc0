"""A per-key token bucket, kept in the memory of one API process.

Each key (an API key's prefix, or a client address for requests without a valid key) has
a bucket of ``per_minute`` tokens that refills continuously at ``per_minute / 60`` tokens
a second. A request takes one token, or is rejected with the seconds until one is back.
So a client can send a burst of up to ``per_minute`` requests, then ``per_minute`` a
minute.

NOTE: the buckets live in one process. Several API processes (uvicorn ``--workers``, or
several machines) each allow the full rate; a shared limit would need a shared store.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

# Buckets untouched for this long are full again and can be forgotten.
IDLE_BUCKET_SECONDS = 120.0
PRUNE_EVERY_BUCKETS = 10_000


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets by key; ``acquire`` is safe to call from several threads."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute < 1:
            raise ValueError(f"rate limit must be at least 1 request a minute, not {per_minute}")
        self.per_minute = per_minute
        self._rate = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def acquire(self, key: str) -> float:
        """Take a token for ``key``; return 0 when allowed, else the seconds to wait."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= PRUNE_EVERY_BUCKETS:
                    self._prune(now)
                bucket = _Bucket(tokens=float(self.per_minute), updated=now)
                self._buckets[key] = bucket
            bucket.tokens = min(
                float(self.per_minute), bucket.tokens + (now - bucket.updated) * self._rate
            )
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self._rate

    def _prune(self, now: float) -> None:
        idle = [key for key, b in self._buckets.items() if now - b.updated > IDLE_BUCKET_SECONDS]
        for key in idle:
            del self._buckets[key]


def retry_after_header(seconds: float) -> str:
    """Whole seconds for the Retry-After header, at least 1."""
    return str(max(1, math.ceil(seconds)))
