"""Errors as RFC 9457 ``application/problem+json`` with a stable ``code``.

Title and detail are in the language the client asks for with Accept-Language
(Simplified Chinese unless it prefers English).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

import api.messages  # noqa: F401  (registers the problem texts)
from ringscope.i18n import accept_language_to_language, translate

PROBLEM_MEDIA_TYPE = "application/problem+json"


class ProblemError(Exception):
    """An error response: HTTP status, stable code, and a detail message key."""

    def __init__(self, status: int, code: str, detail_key: str, **params: object) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.detail_key = detail_key
        self.params = params


def problem_response(
    request: Request, status: int, code: str, detail: str, extra: dict[str, Any] | None = None
) -> JSONResponse:
    language = accept_language_to_language(request.headers.get("accept-language"))
    body: dict[str, Any] = {
        "type": f"https://ringscope.invalid/problems/{code}",
        "title": translate(f"problem.{code}", language),
        "status": status,
        "detail": detail,
        "code": code,
        "request_id": getattr(request.state, "request_id", None),
    }
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE)


def language_of(request: Request) -> str:
    return accept_language_to_language(request.headers.get("accept-language"))
