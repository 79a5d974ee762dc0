"""Errors as RFC 9457 ``application/problem+json`` with a stable ``code``.

Title and detail are in the language the client asks for with Accept-Language (Simplified
Chinese unless it prefers English). The middleware, which responds before FastAPI runs
(request too large, audit trail down), and the exception handlers render through the same
:func:`problem_body`.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

import api.messages  # noqa: F401  (registers the problem texts)
from ringscope.i18n import accept_language_to_language, translate
from ringscope.logging_setup import redact

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://ringscope.invalid/problems/"


class ProblemError(Exception):
    """An error response: HTTP status, stable code, a detail message key and its values."""

    def __init__(
        self,
        status: int,
        code: str,
        detail_key: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        **params: object,
    ) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.detail_key = detail_key or f"problem.detail.{code}"
        self.headers = headers or {}
        self.params = params


def problem_body(
    language: str,
    status: int,
    code: str,
    detail: str,
    request_id: str | None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the problem document for ``code`` with its title in ``language``.

    The detail is redacted: it can quote what the client sent, and a client may send a
    phone number where an id belongs.
    """
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": translate(f"problem.{code}", language),
        "status": status,
        "detail": redact(detail),
        "code": code,
        "request_id": request_id,
    }
    if extra:
        body.update(extra)
    return body


def problem_bytes(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def problem_response(
    request: Request,
    status: int,
    code: str,
    detail: str,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Render a problem for a request that FastAPI handles, and note its code for the audit."""
    language = language_of(request)
    request.state.problem_code = code
    body = problem_body(
        language, status, code, detail, getattr(request.state, "request_id", None), extra
    )
    response = JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE)
    response.headers["Content-Language"] = language
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def language_of(request: Request) -> str:
    return accept_language_to_language(request.headers.get("accept-language"))
