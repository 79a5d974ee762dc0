"""The FastAPI application: linkage for loan systems, health for operators."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool

from api.keys import ApiPrincipal, find_principal
from api.problems import ProblemError, language_of, problem_response
from api.schemas import HealthPublic, LinkageCreate, LinkagePublic, ReadinessPublic
from graph_schema.apply import is_schema_current
from graph_schema.model import CALL_RECORDS_SCOPE
from queries.linkage import LinkageLimits, find_linkage
from ringscope.consent import check_consent, read_consent
from ringscope.db import Database, connect
from ringscope.errors import ConsentError, Neo4jUnavailableError, NotFoundError
from ringscope.i18n import translate

logger = logging.getLogger(__name__)

ROUTE_ROLES = {
    "linkage": ("loan_system", "admin"),
}


def create_app(database_factory: Callable[[], Database] | None = None) -> FastAPI:
    """Build the app; ``database_factory`` opens the database (default: the configured one)."""
    factory = database_factory or (lambda: connect(verify=False))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.db = factory()
        logger.info("api started")
        try:
            yield
        finally:
            app.state.db.close()
            logger.info("api stopped")

    app = FastAPI(
        title="RingScope API",
        version="1",
        summary="Linkage findings for loan applicants, from consented call records.",
        lifespan=lifespan,
    )
    _install_handlers(app)
    _install_routes(app)
    return app


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


DatabaseDep = Annotated[Database, Depends(get_db)]


async def get_principal(request: Request, db: DatabaseDep) -> ApiPrincipal:
    header = request.headers.get("authorization", "")
    key = (
        header[7:].strip()
        if header.lower().startswith("bearer ")
        else request.headers.get("x-api-key", "")
    )
    if not key:
        raise ProblemError(401, "unauthenticated", "problem.detail.unauthenticated")
    principal = await run_in_threadpool(find_principal, db, key)
    if principal is None:
        raise ProblemError(401, "unauthenticated", "problem.detail.bad_key")
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[ApiPrincipal, Depends(get_principal)]


def require_role(principal: ApiPrincipal, route: str) -> None:
    if principal.role not in ROUTE_ROLES[route]:
        raise ProblemError(
            403, "forbidden_role", "problem.detail.forbidden_role", role=principal.role
        )


def _install_handlers(app: FastAPI) -> None:
    @app.middleware("http")
    async def request_id_middleware(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request.state.request_id = "req-" + uuid.uuid4().hex[:16]
        response = await call_next(request)
        response.headers["X-Request-ID"] = request.state.request_id
        return response

    @app.exception_handler(ProblemError)
    async def problem_handler(request: Request, exc: ProblemError) -> Response:
        detail = translate(exc.detail_key, language_of(request), **exc.params)
        return problem_response(request, exc.status, exc.code, detail)

    @app.exception_handler(ConsentError)
    async def consent_handler(request: Request, exc: ConsentError) -> Response:
        return problem_response(request, 403, exc.code, exc.render(language_of(request)))

    @app.exception_handler(NotFoundError)
    async def not_found_handler(request: Request, exc: NotFoundError) -> Response:
        return problem_response(request, 404, "not_found", exc.render(language_of(request)))

    @app.exception_handler(Neo4jUnavailableError)
    async def unavailable_handler(request: Request, exc: Neo4jUnavailableError) -> Response:
        return problem_response(request, 503, "neo4j_unavailable", exc.render(language_of(request)))

    @app.exception_handler(RequestValidationError)
    async def validation_handler(request: Request, exc: RequestValidationError) -> Response:
        # Field locations and messages only; the submitted values may be personal data.
        errors = [{"loc": list(err.get("loc", ())), "msg": err.get("msg")} for err in exc.errors()]
        detail = translate("problem.detail.invalid_request", language_of(request))
        return problem_response(request, 422, "invalid_request", detail, {"errors": errors})


def _install_routes(app: FastAPI) -> None:
    @app.get("/healthz", response_model=HealthPublic, tags=["health"])
    async def healthz() -> HealthPublic:
        """Report that the process is up."""
        return HealthPublic(status="ok")

    @app.get("/readyz", response_model=ReadinessPublic, tags=["health"])
    async def readyz(db: DatabaseDep, response: Response) -> ReadinessPublic:
        """Report whether Neo4j answers and the schema is current."""
        try:
            current = await run_in_threadpool(is_schema_current, db)
        except Neo4jUnavailableError:
            response.status_code = 503
            return ReadinessPublic(status="not_ready", neo4j=False, schema_current=False)
        if not current:
            response.status_code = 503
        return ReadinessPublic(
            status="ready" if current else "not_ready", neo4j=True, schema_current=current
        )

    @app.post("/v1/linkage", response_model=LinkagePublic, tags=["linkage"])
    async def create_linkage(
        body: LinkageCreate, request: Request, db: DatabaseDep, principal: PrincipalDep
    ) -> LinkagePublic:
        """Return what links an applicant to other parties and rings, from consented evidence."""
        require_role(principal, "linkage")
        now = datetime.now(UTC)
        consent = await run_in_threadpool(read_consent, db, body.consent_id)
        check_consent(
            consent,
            consent_id=body.consent_id,
            party_id=body.party_id,
            purpose=body.purpose,
            at=now,
            scope=CALL_RECORDS_SCOPE,
        )
        limits = LinkageLimits(
            max_findings_per_type=body.max_findings_per_type,
            min_shared_contacts=body.min_shared_contacts,
        )
        result = await run_in_threadpool(
            find_linkage, db, body.party_id, language=language_of(request), limits=limits, at=now
        )
        return LinkagePublic.model_validate(
            {"request_id": request.state.request_id, **result.to_dict()}
        )
