"""Settings, one pydantic-settings class per concern, read from ``RINGSCOPE_*`` variables.

Values come from the environment and, for local use, from a ``.env`` file in the current
directory. Secrets have no default: a missing pseudonymisation key is an error, and a
missing Neo4j password is an error whenever ``RINGSCOPE_NEO4J_URI`` names an external
server. Without that URI RingScope uses the local server it manages itself (see
:mod:`ringscope.neo4j_local`), whose generated password lives in an ignored file.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from ringscope.errors import PseudonymKeyError
from ringscope.pseudonym import PseudonymKey

_ENV = {"env_file": ".env", "env_file_encoding": "utf-8", "extra": "ignore"}


def default_home() -> Path:
    """Return the folder for local Neo4j jars, data, logs and generated secrets.

    In a source checkout (the editable install every README command uses) this is
    ``.ringscope/`` at the repository root, which .gitignore excludes; elsewhere it is
    ``~/.local/share/ringscope``.
    """
    root = Path(__file__).resolve().parents[1]
    if (root / "pyproject.toml").is_file():
        return root / ".ringscope"
    return Path.home() / ".local" / "share" / "ringscope"


class Neo4jSettings(BaseSettings):
    """Where the graph lives. Leave ``uri`` unset to use the local server."""

    model_config = SettingsConfigDict(env_prefix="RINGSCOPE_NEO4J_", **_ENV)  # type: ignore[typeddict-item]

    uri: str | None = None
    user: str = "neo4j"
    password: SecretStr | None = None
    database: str = "neo4j"
    connect_timeout_seconds: float = 5.0
    transaction_retry_seconds: float = 5.0
    local_bolt_port: int = 7687
    local_http_port: int = 7474
    local_heap_mb: int = 1024
    local_pagecache_mb: int = 1024
    local_version: str = "5.26.30"
    local_browser_version: str = "5.24.0"


class HomeSettings(BaseSettings):
    """Folder for everything RingScope keeps on disk besides the input files."""

    model_config = SettingsConfigDict(env_prefix="RINGSCOPE_", **_ENV)  # type: ignore[typeddict-item]

    home: Path = default_home()


class PseudonymSettings(BaseSettings):
    """The key that turns numbers into pseudonyms: inline, or in a file."""

    model_config = SettingsConfigDict(env_prefix="RINGSCOPE_PSEUDONYM_", **_ENV)  # type: ignore[typeddict-item]

    key: SecretStr | None = None
    key_file: Path | None = None
    key_id: str | None = None

    def load_key(self) -> PseudonymKey:
        """Return the configured key; raise PseudonymKeyError when none is set or readable."""
        if self.key is not None and self.key_file is not None:
            raise PseudonymKeyError("pseudonym.key_twice")
        if self.key is not None:
            return PseudonymKey.from_text(self.key.get_secret_value(), self.key_id)
        if self.key_file is not None:
            try:
                text = self.key_file.read_text(encoding="utf-8")
            except OSError as err:
                raise PseudonymKeyError(
                    "pseudonym.key_file_unreadable", path=str(self.key_file), error=err.strerror
                ) from err
            return PseudonymKey.from_text(text, self.key_id)
        raise PseudonymKeyError("pseudonym.key_missing")


class ApiSettings(BaseSettings):
    """The REST API: listen address and request limits."""

    model_config = SettingsConfigDict(env_prefix="RINGSCOPE_API_", **_ENV)  # type: ignore[typeddict-item]

    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = 64 * 1024
    rate_limit_per_minute: int = 600


class LoaderSettings(BaseSettings):
    """Write-buffer sizes of `ringscope load calls`.

    The loader keeps per-pair totals across chunks and hands them to Neo4j when the buffer
    holds ``flush_pairs`` pairs or ``flush_calls`` calls, which bounds its memory whatever
    the file size (about 450 MB peak for a 1,000,000-row bill at the defaults, measured
    with benchmarks/load_bench.py).
    """

    model_config = SettingsConfigDict(env_prefix="RINGSCOPE_LOADER_", **_ENV)  # type: ignore[typeddict-item]

    flush_pairs: int = Field(default=100_000, ge=1)
    flush_calls: int = Field(default=250_000, ge=1)


@lru_cache(maxsize=1)
def get_home() -> Path:
    """Return the RingScope home folder (cached for the process)."""
    return HomeSettings().home


class RetentionSettings(BaseSettings):
    """How long call facts are kept, and how many relationships one transaction changes."""

    model_config = SettingsConfigDict(env_prefix="RINGSCOPE_RETENTION_", **_ENV)  # type: ignore[typeddict-item]

    # The default policy of `ringscope retention apply`; the compliance officer sets the
    # period that the consents and the lender's purpose allow.
    max_age_days: int = Field(default=365, ge=1)
    slice_rows: int = Field(default=10_000, ge=1)
