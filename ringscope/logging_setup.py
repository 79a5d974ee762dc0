"""Logging configuration for the entry points, with one redacting filter.

Modules only call ``logging.getLogger(__name__)``; handlers are configured here, by the CLI
and the API. The filter masks anything that looks like a Chinese phone number, a national id
or a secret in the final message and in any traceback, as a second line of defence behind
code that only ever logs pseudonyms and masks. :func:`redact_data` applies the same rules to
the string values of a JSON-like structure, for reports and audit details.
"""

from __future__ import annotations

import logging
import re
from typing import Any

# Number shapes, bounded by non-alphanumerics so that hex pseudonyms and ids are left alone:
# mobiles (also written with +86, spaces or dashes), landlines written with a separator after
# the area code, 18-character national ids ending in X, and any run of 10 or more digits
# (mobiles, landlines with the trunk zero, 0086 and IP-dial forms, 400 numbers, national ids).
# Shorter runs are left alone so that counts stay readable; local 7- and 8-digit numbers
# reach the graph only with their area code, and reader messages mask them themselves.
_SENSITIVE = re.compile(
    r"(?<![0-9A-Za-z])(?:"
    r"(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d){8}"
    r"|0\d{2,3}[- ]\d{7,8}"
    r"|\d{17}[Xx]"
    r"|\+?\d{10,}"
    r")(?![0-9A-Za-z])"
)
# key=value and "key": "value" pairs whose key names a secret, and bearer tokens.
_SECRET_ASSIGNMENT = re.compile(
    r"(?i)(password|passwd|secret|api[_-]?key|token|\bkey)(\"?'?\s*[=:]\s*\"?'?)([^\s\"',}]+)"
)
_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+")
# API keys as api.keys creates them: "rsk_" and 40 URL-safe characters.
_API_KEY = re.compile(r"rsk_[A-Za-z0-9_-]{8,}")


def _mask(match: re.Match[str]) -> str:
    text = match.group(0)
    return text[:3] + "****" + text[-2:]


def redact(text: str) -> str:
    """Mask phone numbers, national ids, API keys and ``key=value`` secrets in ``text``."""
    text = _SENSITIVE.sub(_mask, text)
    text = _BEARER.sub(lambda match: match.group(1) + "<redacted>", text)
    text = _API_KEY.sub("rsk_<redacted>", text)
    return _SECRET_ASSIGNMENT.sub(
        lambda match: match.group(1) + match.group(2) + "<redacted>", text
    )


def redact_data(value: Any) -> Any:
    """Return ``value`` with every string in it (keys included) passed through :func:`redact`.

    Booleans, None and numbers are kept, so counts in reports stay exact, except integers
    of 10 or more digits, which could be a phone number stored as a number; those become
    masked strings.
    """
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**9:
        return redact(str(value))
    if isinstance(value, dict):
        return {redact_data(key): redact_data(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [redact_data(item) for item in value]
    return value


class RedactingFilter(logging.Filter):
    """Rewrite each record's message, traceback and stack through :func:`redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set, so the traceback they print is this
            # redacted one; exception messages can quote the value that failed.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
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
