"""The FastAPI application: linkage for loan systems, reads for investigators, health.

Every route under /v1 needs an API key (``Authorization: Bearer <key>`` or ``X-API-Key``)
whose role the route allows (``x-roles`` in the OpenAPI document). Authentication comes
before everything else the route does, rate limiting right after it, then the role check.
So a client without a valid key learns nothing but 401, even about a malformed body.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, FastAPI, Path, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.security import APIKeyHeader, HTTPBearer
from neo4j import ManagedTransaction
from neo4j.exceptions import DriverError, Neo4jError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.audit import AuditWriter
from api.keys import ApiPrincipal, find_principal
from api.middleware import RequestMiddleware
from api.problems import PROBLEM_MEDIA_TYPE, ProblemError, language_of, problem_response
from api.ratelimit import RateLimiter, retry_after_header
from api.reads import get_consent_view, get_ring, list_party_rings
from api.schemas import (
    ID_PATTERN,
    ConsentPublic,
    HealthPublic,
    LinkageCreate,
    LinkagePublic,
    PartyRingsPublic,
    ProblemPublic,
    ReadinessPublic,
    RingPublic,
)
from graph_schema import writes
from graph_schema.apply import is_schema_current
from graph_schema.model import CALL_RECORDS_SCOPE
from queries.linkage import LinkageLimits, LinkageResult, read_linkage
from ringscope.consent import ConsentRecord, check_consent, consent_from_row
from ringscope.db import Database, connect
from ringscope.errors import ConsentError, Neo4jUnavailableError, NotFoundError, RingScopeError
from ringscope.i18n import translate
from ringscope.settings import ApiSettings

logger = logging.getLogger(__name__)

API_VERSION: Final = "1"
LOAN_SYSTEM_ROLES: Final = ("loan_system", "admin")
INVESTIGATOR_ROLES: Final = ("investigator", "admin")

DESCRIPTION = """\
Linkage findings for loan applicants, computed from consented call records in Neo4j.
Every request needs an API key; every request, allowed or refused, is recorded in a
hash-chained audit trail. Errors are `application/problem+json` with a stable `code`;
titles and details follow `Accept-Language` (zh-CN by default, or en). See docs/api.md.

根据经授权的通话记录（Neo4j）为贷款申请人计算关联发现。所有请求都需要 API 密钥；
每个请求（无论允许或拒绝）都会写入哈希链审计记录。错误以 `application/problem+json`
返回，带稳定的 `code`；标题和说明的语言取决于 `Accept-Language`（默认简体中文，
或英文）。详见 docs/api.zh-CN.md。
"""

_bearer = HTTPBearer(
    auto_error=False, description="API key as a bearer token. 以 Bearer 令牌发送 API 密钥。"
)
_api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="API key in a header. 在请求头中发送 API 密钥。"
)


def create_app(
    database_factory: Callable[[], Database] | None = None,
    settings: ApiSettings | None = None,
) -> FastAPI:
    """Build the app; ``database_factory`` opens the database (default: the configured one)."""
    api_settings = settings or ApiSettings()
    factory = database_factory or (lambda: connect(verify=False))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.db = factory()
        app.state.audit_writer = AuditWriter(app.state.db)
        app.state.audit_writer.start()
        logger.info("api started")
        try:
            yield
        finally:
            app.state.audit_writer.close()
            app.state.db.close()
            logger.info("api stopped")

    app = FastAPI(
        title="RingScope API",
        version=API_VERSION,
        summary="Linkage findings for loan applicants. 贷款申请人关联发现。",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = api_settings
    app.state.limiter = RateLimiter(api_settings.rate_limit_per_minute)
    app.add_middleware(RequestMiddleware, max_body_bytes=api_settings.max_body_bytes)
    _install_handlers(app)
    app.include_router(_health_router())
    app.include_router(_v1_router(), prefix="/v1")
    app.openapi = _openapi_with_problems(app)  # type: ignore[method-assign]
    return app


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


DatabaseDep = Annotated[Database, Depends(get_db)]


def _presented_key(request: Request) -> str:
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return request.headers.get("x-api-key", "").strip()


async def authenticate(request: Request) -> ApiPrincipal:
    """Return who sent the request, after the rate limit; the result is kept per request.

    Raises:
        ProblemError: 401 unauthenticated / api_key_invalid, 429 rate_limited.
    """
    known: ApiPrincipal | None = getattr(request.state, "principal", None)
    if known is not None:
        return known
    limiter: RateLimiter = request.app.state.limiter
    client = "client:" + (request.client.host if request.client else "-")

    key = _presented_key(request)
    if not key:
        _check_rate(limiter, client)
        raise ProblemError(401, "unauthenticated", headers={"WWW-Authenticate": "Bearer"})
    principal = await run_in_threadpool(find_principal, request.app.state.db, key)
    if principal is None:
        # Guessing keys costs a token of the client's address, so it is rate limited too.
        _check_rate(limiter, client)
        raise ProblemError(401, "api_key_invalid", headers={"WWW-Authenticate": "Bearer"})
    request.state.principal = principal
    _check_rate(limiter, "key:" + principal.key_prefix)
    return principal


def _check_rate(limiter: RateLimiter, bucket: str) -> None:
    wait = limiter.acquire(bucket)
    if wait > 0:
        retry_after = retry_after_header(wait)
        raise ProblemError(
            429,
            "rate_limited",
            headers={"Retry-After": retry_after},
            limit=limiter.per_minute,
            retry_after=retry_after,
        )


def authorize(principal: ApiPrincipal, allowed: tuple[str, ...]) -> None:
    """Raise 403 forbidden_role unless the principal's role is one of ``allowed``."""
    if principal.role not in allowed:
        raise ProblemError(403, "forbidden_role", role=principal.role, allowed=", ".join(allowed))


def require_roles(
    *allowed: str,
) -> Callable[..., Coroutine[Any, Any, ApiPrincipal]]:
    """Authenticate the request and check the role (a FastAPI dependency)."""

    async def dependency(
        request: Request,
        _bearer_credentials: Annotated[object, Depends(_bearer)],
        _key_header: Annotated[object, Depends(_api_key_header)],
    ) -> ApiPrincipal:
        principal = await authenticate(request)
        authorize(principal, allowed)
        return principal

    return dependency


LoanSystemDep = Annotated[ApiPrincipal, Depends(require_roles(*LOAN_SYSTEM_ROLES))]
InvestigatorDep = Annotated[ApiPrincipal, Depends(require_roles(*INVESTIGATOR_ROLES))]


def _problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    texts = {
        400: "Body is not JSON. 请求体不是 JSON。",
        401: "No key, or an unknown or revoked key. 缺少密钥，或密钥无效、已吊销。",
        403: "Role not allowed, or consent refused. 角色无权访问，或授权不满足要求。",
        404: "Not found. 未找到。",
        413: "Body too large. 请求体过大。",
        422: "Body or parameters do not match the schema. 请求不符合接口定义。",
        429: "Rate limit reached; see Retry-After. 请求过于频繁，见 Retry-After。",
        503: "Neo4j or the audit trail unavailable. 图数据库或审计记录不可用。",
    }
    return {status: {"model": ProblemPublic, "description": texts[status]} for status in statuses}


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ProblemError)
    async def problem_handler(request: Request, exc: ProblemError) -> Response:
        detail = translate(exc.detail_key, language_of(request), **exc.params)
        return problem_response(request, exc.status, exc.code, detail, headers=exc.headers)

    @app.exception_handler(ConsentError)
    async def consent_handler(request: Request, exc: ConsentError) -> Response:
        language = language_of(request)
        if exc.code == "consent_not_found":
            detail = translate("problem.detail.consent_not_found", language, **exc.params)
        else:
            detail = exc.render(language)
        return problem_response(request, 403, exc.code, detail)

    @app.exception_handler(NotFoundError)
    async def not_found_handler(request: Request, exc: NotFoundError) -> Response:
        return problem_response(request, 404, "party_not_found", exc.render(language_of(request)))

    @app.exception_handler(Neo4jUnavailableError)
    async def unavailable_handler(request: Request, exc: Neo4jUnavailableError) -> Response:
        # The server's address stays in the log; clients get no internal detail.
        logger.warning("neo4j unavailable during request: %s", exc.message_key)
        detail = translate("problem.detail.neo4j_unavailable", language_of(request))
        return problem_response(request, 503, "neo4j_unavailable", detail)

    @app.exception_handler(RequestValidationError)
    async def validation_handler(request: Request, exc: RequestValidationError) -> Response:
        # A client without a valid key or role hears only that, never about its body.
        route = request.scope.get("route")
        roles = (getattr(route, "openapi_extra", None) or {}).get("x-roles")
        if roles:
            try:
                authorize(await authenticate(request), tuple(roles))
            except ProblemError as problem:
                return await problem_handler(request, problem)

        language = language_of(request)
        errors = exc.errors()
        if any(err.get("type") == "json_invalid" for err in errors):
            detail = translate("problem.detail.malformed_request", language)
            return problem_response(request, 400, "malformed_request", detail)
        # Field locations and messages only; the submitted values may be personal data.
        issues = [{"loc": list(err.get("loc", ())), "msg": err.get("msg")} for err in errors]
        detail = translate("problem.detail.invalid_request", language)
        return problem_response(request, 422, "invalid_request", detail, {"errors": issues})

    @app.exception_handler(StarletteHTTPException)
    async def http_handler(request: Request, exc: StarletteHTTPException) -> Response:
        language = language_of(request)
        if exc.status_code == 405:
            detail = translate(
                "problem.detail.method_not_allowed",
                language,
                path=request.url.path,
                method=request.method,
            )
            headers = dict(exc.headers or {})
            return problem_response(request, 405, "method_not_allowed", detail, headers=headers)
        detail = translate("problem.detail.not_found", language, path=request.url.path)
        return problem_response(request, 404, "not_found", detail)


def _health_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", response_model=HealthPublic, name="health.live")
    async def healthz() -> HealthPublic:
        """Report that the process is up. 进程存活检查。"""
        return HealthPublic(status="ok")

    @router.get(
        "/readyz",
        response_model=ReadinessPublic,
        name="health.ready",
        responses={503: {"model": ReadinessPublic, "description": "Not ready. 未就绪。"}},
    )
    async def readyz(db: DatabaseDep, response: Response) -> ReadinessPublic:
        """Report whether Neo4j answers and the schema is current. 就绪：Neo4j 可访问且结构最新。"""
        try:
            # A probe must answer quickly: check the connection once, without the retries
            # that transactions get, before reading the schema.
            await run_in_threadpool(db.driver.verify_connectivity)
            current = await run_in_threadpool(is_schema_current, db)
        except (Neo4jError, DriverError, OSError, Neo4jUnavailableError):
            response.status_code = 503
            return ReadinessPublic(status="not_ready", neo4j=False, schema_current=False)
        except RingScopeError:
            current = False
        if not current:
            response.status_code = 503
        return ReadinessPublic(
            status="ready" if current else "not_ready", neo4j=True, schema_current=current
        )

    return router


def _run_linkage(db: Database, body: LinkageCreate, language: str, now: datetime) -> LinkageResult:
    """Check the consent and compute the findings, in one READ transaction."""
    limits = LinkageLimits(
        max_findings_per_type=body.limits.max_findings_per_type,
        min_shared_contacts=body.limits.min_shared_contacts,
        max_contact_degree=body.limits.max_contact_degree,
    )

    def work(tx: ManagedTransaction) -> LinkageResult:
        check_consent(
            read_consent_in(tx, body.consent_id),
            consent_id=body.consent_id,
            party_id=body.party_id,
            purpose=body.purpose,
            at=now,
            scope=CALL_RECORDS_SCOPE,
        )
        return read_linkage(
            tx,
            body.party_id,
            purpose=body.purpose,
            language=language,
            depth=body.depth,
            limits=limits,
            at=now,
        )

    return db.execute_read(work)


def read_consent_in(tx: ManagedTransaction, consent_id: str) -> ConsentRecord | None:
    """Return the stored consent, like ringscope.consent.read_consent, in ``tx``."""
    row = tx.run(writes.GET_CONSENT, consent_id=consent_id).single()
    return consent_from_row(row) if row is not None else None


def _v1_router() -> APIRouter:
    router = APIRouter()
    loan_system = {"x-roles": list(LOAN_SYSTEM_ROLES)}
    investigator = {"x-roles": list(INVESTIGATOR_ROLES)}
    read_problems = _problem_responses(401, 403, 404, 413, 422, 429, 503)

    @router.post(
        "/linkage",
        response_model=LinkagePublic,
        tags=["linkage"],
        name="linkage.create",
        summary="Linkage findings for an applicant. 申请人关联发现。",
        description=(
            "Return what links an applicant to other parties and rings, from evidence whose "
            "consents are valid now. Needs the applicant's own consent for call records and "
            "the declared purpose; roles loan_system and admin.\n\n"
            "返回申请人与其他当事人及团伙的关联，只使用授权当前有效的证据。需要申请人本人"
            "对通话记录和所声明用途的授权；角色 loan_system 或 admin。"
        ),
        responses=_problem_responses(400, 401, 403, 404, 413, 422, 429, 503),
        openapi_extra=loan_system,
    )
    async def create_linkage(
        body: LinkageCreate, request: Request, db: DatabaseDep, principal: LoanSystemDep
    ) -> Response:
        request.state.audit_fields = {
            "target": body.party_id,
            "consent_id": body.consent_id,
            "purpose": body.purpose,
        }
        now = datetime.now(UTC)
        result = await run_in_threadpool(_run_linkage, db, body, language_of(request), now)
        request.state.audit_details = {
            "findings": len(result.findings),
            "risk_level": result.risk_level,
            "depth": body.depth,
        }
        data = result.to_dict()
        reasons = data.pop("risk_reasons")
        public = LinkagePublic.model_validate(
            {
                **data,
                "request_id": request.state.request_id,
                "consent_id": body.consent_id,
                "purpose": body.purpose,
                "risk_reason_codes": [reason["code"] for reason in reasons],
                "risk_reasons": [reason["text"] for reason in reasons],
            }
        )
        # Validated once here; returning a Response skips FastAPI's second validation.
        return Response(public.model_dump_json(), media_type="application/json")

    @router.get(
        "/rings/{ring_id}",
        response_model=RingPublic,
        tags=["rings"],
        name="ring.read",
        summary="One ring with its members. 团伙详情。",
        description="A detected ring, its detection run, member parties and masked phones; "
        "roles investigator and admin.\n\n检测到的团伙、检测运行、成员当事人及掩码号码；"
        "角色 investigator 或 admin。",
        responses=read_problems,
        openapi_extra=investigator,
    )
    async def read_ring(
        ring_id: Annotated[str, Path(pattern=ID_PATTERN, description="Ring id. 团伙编号。")],
        db: DatabaseDep,
        principal: InvestigatorDep,
    ) -> RingPublic:
        ring = await run_in_threadpool(get_ring, db, ring_id)
        if ring is None:
            raise ProblemError(404, "ring_not_found", ring_id=ring_id)
        return RingPublic.model_validate(ring)

    @router.get(
        "/parties/{party_id}/rings",
        response_model=PartyRingsPublic,
        tags=["rings"],
        name="party_rings.read",
        summary="Rings of a party. 当事人所属团伙。",
        description="The rings a party belongs to, directly or through its phones; roles "
        "investigator and admin.\n\n当事人直接或通过其号码所属的团伙；角色 investigator 或 admin。",
        responses=read_problems,
        openapi_extra=investigator,
    )
    async def read_party_rings(
        party_id: Annotated[str, Path(pattern=ID_PATTERN, description="Party id. 当事人编号。")],
        db: DatabaseDep,
        principal: InvestigatorDep,
    ) -> PartyRingsPublic:
        rings = await run_in_threadpool(list_party_rings, db, party_id)
        if rings is None:
            raise ProblemError(404, "party_not_found", party_id=party_id)
        return PartyRingsPublic.model_validate(rings)

    @router.get(
        "/consents/{consent_id}",
        response_model=ConsentPublic,
        tags=["consents"],
        name="consent.read",
        summary="One consent and its batches. 授权详情。",
        description="A consent, whether it is valid now, and the batches loaded under it; "
        "roles investigator and admin.\n\n授权、当前是否有效及据此导入的批次；"
        "角色 investigator 或 admin。",
        responses=read_problems,
        openapi_extra=investigator,
    )
    async def read_consent_view(
        consent_id: Annotated[str, Path(pattern=ID_PATTERN, description="Consent id. 授权编号。")],
        db: DatabaseDep,
        principal: InvestigatorDep,
    ) -> ConsentPublic:
        consent = await run_in_threadpool(get_consent_view, db, consent_id, datetime.now(UTC))
        if consent is None:
            raise ProblemError(404, "consent_not_found", consent_id=consent_id)
        return ConsentPublic.model_validate(consent)

    return router


def _openapi_with_problems(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """Build the OpenAPI document with every error as application/problem+json."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
        )
        problem_ref = {"$ref": "#/components/schemas/ProblemPublic"}
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                for status, response in operation.get("responses", {}).items():
                    if not str(status).startswith(("4", "5")):
                        continue
                    content = response.get("content", {})
                    model = content.pop("application/json", None)
                    if str(status) == "422" or model is None:
                        model = {"schema": problem_ref}
                    if "ProblemPublic" in str(model) or str(status) == "422":
                        content[PROBLEM_MEDIA_TYPE] = model
                    else:
                        content["application/json"] = model
                    response["content"] = content
        components = schema.get("components", {}).get("schemas", {})
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        app.openapi_schema = schema
        return schema

    return openapi
