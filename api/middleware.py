"""The ASGI layer around every request: request id, body-size limit, audit, error safety net.

For each HTTP request, in order:

1. Give it a request id (``X-Request-ID`` on the response, ``request_id`` in bodies).
2. Read the body, refusing more than ``max_body_bytes`` with 413 before anything parses
   it: a declared Content-Length over the limit is refused unread, a chunked body as soon
   as it passes the limit.
3. Run the app with the body replayed and its response held back. An exception that no
   handler caught becomes a 500 problem instead of a bare text page.
4. Append the request's audit event and wait for it to be committed; only then send the
   response. When the event cannot be stored, the client gets 503 ``audit_unavailable``
   and none of the data it asked for.

Health probes and the API documentation are not audited (EXEMPT_PATHS): they carry no
personal data, and a probe every few seconds would bury the requests that matter.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from dataclasses import dataclass, field
from typing import Any, Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.audit import AuditEntry, AuditWriter
from api.problems import PROBLEM_MEDIA_TYPE, problem_body, problem_bytes
from api.schemas import ID_PATTERN, PURPOSE_PATTERN
from ringscope.i18n import accept_language_to_language, translate
from ringscope.logging_setup import redact

logger = logging.getLogger(__name__)

EXEMPT_PATHS: Final = frozenset(
    {"/healthz", "/readyz", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
)
_ID = re.compile(ID_PATTERN)
_PURPOSE = re.compile(PURPOSE_PATTERN)


@dataclass(slots=True)
class _Held:
    """A response the app produced, held until its audit event is stored."""

    start: Message | None = None
    chunks: list[bytes] = field(default_factory=list)

    @property
    def status(self) -> int:
        return int(self.start["status"]) if self.start else 500


class RequestMiddleware:
    """Pure ASGI middleware; see the module docstring for what it does and why."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        request_id = "req-" + uuid.uuid4().hex
        state["request_id"] = request_id
        language = accept_language_to_language(_header(scope, b"accept-language"))

        body, complete = await self._read_body(scope, receive)
        held = _Held()
        if body is None:
            if not complete:
                return  # the client went away
            state["problem_code"] = "request_too_large"
            _hold_problem(
                held,
                language,
                413,
                "request_too_large",
                translate("problem.detail.request_too_large", language, limit=self.max_body_bytes),
                request_id,
            )
        else:
            await self._run_app(scope, body, receive, held, language, request_id)

        if scope["path"] not in EXEMPT_PATHS:
            writer: AuditWriter = scope["app"].state.audit_writer
            try:
                await writer.append(_audit_entry(scope, state, held.status, body))
            except Exception as err:  # no response leaves without its audit event
                logger.error("audit event not stored request_id=%s error=%s", request_id, err)
                held = _Held()
                _hold_problem(
                    held,
                    language,
                    503,
                    "audit_unavailable",
                    translate("problem.detail.audit_unavailable", language),
                    request_id,
                )
        await _send_held(held, send, request_id)

    async def _read_body(self, scope: Scope, receive: Receive) -> tuple[bytes | None, bool]:
        """Return (body, True), or (None, True) when it is too large, (None, False) on
        disconnect."""
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            return None, True
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None, False
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None, True
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), True

    async def _run_app(
        self,
        scope: Scope,
        body: bytes,
        receive: Receive,
        held: _Held,
        language: str,
        request_id: str,
    ) -> None:
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        async def hold(message: Message) -> None:
            if message["type"] == "http.response.start":
                held.start = message
            elif message["type"] == "http.response.body":
                held.chunks.append(message.get("body", b""))

        try:
            await self.app(scope, replay, hold)
        except Exception:
            logger.exception("unhandled error request_id=%s", request_id)
            scope["state"]["problem_code"] = "internal_error"
            held.start, held.chunks = None, []
            _hold_problem(
                held,
                language,
                500,
                "internal_error",
                translate("problem.detail.internal_error", language),
                request_id,
            )


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def _hold_problem(
    held: _Held, language: str, status: int, code: str, detail: str, request_id: str
) -> None:
    payload = problem_bytes(problem_body(language, status, code, detail, request_id))
    held.start = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
            (b"content-length", str(len(payload)).encode()),
            (b"content-language", language.encode()),
        ],
    }
    held.chunks = [payload]


async def _send_held(held: _Held, send: Send, request_id: str) -> None:
    start = dict(held.start or {"type": "http.response.start", "status": 500, "headers": []})
    headers = [
        (key, value)
        for key, value in start.get("headers", [])
        if key.lower() not in (b"x-request-id", b"cache-control")
    ]
    headers.append((b"x-request-id", request_id.encode()))
    # Findings are personal data; no proxy or browser may keep them.
    headers.append((b"cache-control", b"no-store"))
    start["headers"] = headers
    await send(start)
    await send({"type": "http.response.body", "body": b"".join(held.chunks), "more_body": False})


def _audit_entry(
    scope: Scope, state: dict[str, Any], status: int, body: bytes | None
) -> AuditEntry:
    """Describe the request for the trail from what routing and the route left in state."""
    route = scope.get("route")
    action = getattr(route, "name", None) or "unmatched"
    path_params: dict[str, Any] = scope.get("path_params") or {}
    fields = dict(state.get("audit_fields") or _fields_from_body(scope, body))
    target = fields.get("target") or next(iter(path_params.values()), None) or scope["path"]
    principal = state.get("principal")
    details: dict[str, Any] = {
        "method": scope["method"],
        "path": getattr(route, "path", None) or scope["path"],
        "status": status,
    }
    if principal is not None:
        details["role"] = principal.role
    details.update(state.get("audit_details") or {})
    return AuditEntry(
        actor=principal.key_prefix if principal is not None else "anonymous",
        action=action,
        outcome="ok" if status < 400 else str(state.get("problem_code") or f"http_{status}"),
        request_id=state["request_id"],
        purpose=fields.get("purpose"),
        target=str(target),
        consent_id=fields.get("consent_id") or path_params.get("consent_id"),
        details=details,
    )


def _fields_from_body(scope: Scope, body: bytes | None) -> dict[str, str]:
    """Party, consent and purpose of a JSON body that never reached a route (refused early).

    Only values that look like ids are kept, and they are redacted when stored.
    """
    if scope["method"] != "POST" or not body:
        return {}
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return {}
    if not isinstance(data, dict):
        return {}
    fields: dict[str, str] = {}
    for name, key, pattern in (
        ("party_id", "target", _ID),
        ("consent_id", "consent_id", _ID),
        ("purpose", "purpose", _PURPOSE),
    ):
        value = data.get(name)
        if isinstance(value, str) and pattern.match(value):
            fields[key] = redact(value)
    return fields
