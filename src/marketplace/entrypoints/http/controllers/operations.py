"""Operations: liveness, readiness of every configured backend, Prometheus metrics, problem types."""

import asyncio
import hmac
from typing import Any

import msgspec
from litestar import Controller, MediaType, Request, Response, get
from litestar.params import FromPath

from marketplace.application.errors import NotFound, Unauthenticated
from marketplace.entrypoints.container import uses_builtin_gosend, uses_builtin_xendit
from marketplace.entrypoints.http.controllers._types import Svc
from marketplace.entrypoints.http.problems import PROBLEM_BASE, PROBLEM_TYPES, problem_responses
from marketplace.entrypoints.http.services import started_services


class Liveness(msgspec.Struct, frozen=True):
    status: str


class BackendState(msgspec.Struct, frozen=True):
    name: str
    kind: str
    status: str
    error: str | None = None


class SandboxState(msgspec.Struct, frozen=True):
    mode: str  # MARKETPLACE_SANDBOX: auto, on or off
    served: list[str]  # the built-in provider sandboxes mounted here, [] where none is
    warning: str | None = None


class Readiness(msgspec.Struct, frozen=True):
    status: str
    backends: list[BackendState]
    sandbox: SandboxState


class ProblemType(msgspec.Struct, frozen=True):
    type: str
    status: int
    title: str


async def _check(name: str, kind: str, probe: Any) -> BackendState:
    try:
        await asyncio.wait_for(probe(), timeout=3)
    except Exception as error:  # noqa: BLE001 - any failure means not ready; say which
        return BackendState(
            name=name, kind=kind, status="unavailable", error=type(error).__name__ + ": " + str(error)[:200]
        )
    return BackendState(name=name, kind=kind, status="ok")


def _sandbox(settings: Any) -> SandboxState:
    served = [
        name
        for name, used in (("xendit", uses_builtin_xendit(settings)), ("gosend", uses_builtin_gosend(settings)))
        if used
    ]
    warning = None
    if settings.sandbox == "on":
        warning = (
            "MARKETPLACE_SANDBOX=on: the built-in sandboxes and development secrets are served to anyone who "
            "reaches this process; not for a real shop"
        )
    return SandboxState(mode=settings.sandbox, served=served, warning=warning)


class OperationsController(Controller):
    tags = ["Operations"]
    include_in_schema = True

    @get(
        "/health/live",
        operation_id="liveness",
        summary="Liveness: the process answers",
        responses=problem_responses(400),
    )
    async def live(self) -> Liveness:
        return Liveness(status="ok")

    @get(
        "/health/ready",
        operation_id="readiness",
        summary="Readiness of every configured backend",
        responses={503: problem_responses(503)[503]},
    )
    async def ready(self, request: Request[Any, Any, Any], services: Svc) -> Response[Readiness]:
        settings = request.app.state.settings
        database_kind = "memory" if settings.backend == "memory" else settings.sql_url.split("+")[0]
        cache_kind = "redis" if settings.redis_url and settings.backend == "sql" else "in-process"
        storage_kind = "memory" if settings.backend == "memory" else ("s3" if settings.s3_endpoint else "local")
        states = await asyncio.gather(
            _check("database", database_kind, services.catalog_queries.ping),
            _check("cache", cache_kind, services.cache.ping),
            _check("storage", storage_kind, services.storage.ping),
        )
        ok = all(s.status == "ok" for s in states)
        readiness = Readiness(status="ok" if ok else "unavailable", backends=list(states), sandbox=_sandbox(settings))
        return Response(readiness, status_code=200 if ok else 503)

    @get(
        "/metrics",
        operation_id="metrics",
        summary="Prometheus metrics",
        media_type=MediaType.TEXT,
        responses=problem_responses(401),
    )
    async def metrics(self, request: Request[Any, Any, Any]) -> str:
        token = request.app.state.settings.metrics_token
        if token:
            given = request.headers.get("authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                raise Unauthenticated("the metrics need their bearer token")
        stats = started_services(request.app.state).catalog_cache.stats
        cache_lines = (
            "# HELP catalog_cache_reads_total Catalog reads by outcome (hit: served from the cache).\n"
            "# TYPE catalog_cache_reads_total counter\n"
            f'catalog_cache_reads_total{{outcome="hit"}} {stats.hits}\n'
            f'catalog_cache_reads_total{{outcome="miss"}} {stats.misses}\n'
        )
        rendered: str = request.app.state.metrics.render()
        return rendered + cache_lines

    @get(
        "/problems",
        operation_id="listProblemTypes",
        summary="Problem types this API answers with",
        responses=problem_responses(400),
    )
    async def problem_types(self) -> list[ProblemType]:
        return [ProblemType(type=PROBLEM_BASE + code, status=s, title=t) for code, (s, t) in PROBLEM_TYPES.items()]

    @get(
        "/problems/{code:str}",
        operation_id="getProblemType",
        summary="One problem type",
        responses=problem_responses(404),
    )
    async def problem_type(self, code: FromPath[str]) -> ProblemType:
        if code not in PROBLEM_TYPES:
            raise NotFound("problem type", code[:60])
        status, title = PROBLEM_TYPES[code]
        return ProblemType(type=PROBLEM_BASE + code, status=status, title=title)
