"""Logging configuration for the entry points, with one redacting filter.

Modules only call ``logging.getLogger(__name__)``; handlers are configured here, by the CLI
and the API. The filter masks anything that looks like a Chinese phone number, a national id
or a secret in the final message, as a second line of defence behind code that only ever
logs pseudonyms and masks.
"""

from __future__ import annotations

import logging
import re

# Mobiles (1 + 10 digits), landlines with trunk zero (0 + 9..11 digits), 18-character
# national ids; bounded by non-digits so that hex pseudonyms and counts are left alone.
_SENSITIVE = re.compile(
    r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?(?:1[3-9]\d{9}|0\d{9,11}|\d{17}[\dXx])(?![0-9A-Za-z])"
)
_SECRET_ASSIGNMENT = re.compile(
    r"(?i)(password|passwd|secret|api[_-]?key|token|key)(\s*[=:]\s*)(\S+)"
)


def redact(text: str) -> str:
    """Mask phone numbers, national ids and ``key=value`` secrets in ``text``."""
    text = _SENSITIVE.sub(lambda match: match.group(0)[:3] + "****" + match.group(0)[-2:], text)
    return _SECRET_ASSIGNMENT.sub(
        lambda match: match.group(1) + match.group(2) + "<redacted>", text
    )


class RedactingFilter(logging.Filter):
    """Rewrite each record's message through :func:`redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        return True


def configure_cli_logging(level: int) -> None:
    """Send RingScope logs at ``level`` and above to stderr, redacted."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, "_ringscope", False):
            root.removeHandler(existing)
    handler._ringscope = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
