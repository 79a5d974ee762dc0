"""Exceptions raised by RingScope.

Every exception carries a message key and parameters, so the CLI and the API can render it
in the reader's language, and a stable ``code`` that API clients can act on.

    RingScopeError
    ├── ConfigurationError        a setting is missing or invalid
    │   └── PseudonymKeyError     no pseudonymisation key, or a key that does not match the data
    ├── Neo4jUnavailableError     the server cannot be reached or refused the credentials
    ├── LocalNeo4jError           the local server could not be assembled, started or stopped
    ├── SchemaError               migrations are missing or failed
    ├── InputFileError            an input file cannot be read or has an unknown layout
    ├── ConsentError              records or a request lack a valid consent
    ├── NotFoundError             a party, ring, consent or query name does not exist
    ├── QueryError                a named or ad-hoc query is invalid or tried to write
    └── AuditError                the audit trail is broken
"""

from __future__ import annotations

from ringscope.i18n import translate


class RingScopeError(Exception):
    """Base class; ``str(error)`` is the message in the current language."""

    code = "ringscope_error"

    def __init__(self, message_key: str, **params: object) -> None:
        self.message_key = message_key
        self.params = params
        super().__init__(message_key)

    def render(self, language: str | None = None) -> str:
        """Return the message in ``language`` (default: the configured language)."""
        return translate(self.message_key, language, **self.params)

    def __str__(self) -> str:
        return self.render()


class ConfigurationError(RingScopeError):
    code = "configuration_invalid"


class PseudonymKeyError(ConfigurationError):
    code = "pseudonym_key_invalid"


class Neo4jUnavailableError(RingScopeError):
    code = "neo4j_unavailable"


class LocalNeo4jError(RingScopeError):
    code = "local_neo4j_failed"


class SchemaError(RingScopeError):
    code = "schema_invalid"


class InputFileError(RingScopeError):
    code = "input_invalid"


class ConsentError(RingScopeError):
    """A consent is missing or does not allow the use; ``code`` names the reason."""

    def __init__(self, code: str, message_key: str, **params: object) -> None:
        super().__init__(message_key, **params)
        self.code = code


class NotFoundError(RingScopeError):
    code = "not_found"


class QueryError(RingScopeError):
    code = "query_invalid"


class AuditError(RingScopeError):
    code = "audit_invalid"
