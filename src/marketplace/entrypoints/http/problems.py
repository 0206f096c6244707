"""Every error leaves as RFC 9457 problem details (application/problem+json), from one place."""

from __future__ import annotations

import logging
import re
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.openapi.datastructures import ResponseSpec

from marketplace.application.errors import (
    BackendUnavailable,
    Forbidden,
    NotFound,
    ProviderFailed,
    RateLimited,
    Unauthenticated,
)
from marketplace.domain.shared.errors import Conflict, DomainError, IllegalTransition, InsufficientStock, InvalidValue
from marketplace.entrypoints.http.schemas.patterns import explain

log = logging.getLogger("marketplace.http")
PROBLEM_MEDIA = "application/problem+json"
PROBLEM_BASE = "/problems/"

# The stable problem types of this API: code -> (status, title).
PROBLEM_TYPES: dict[str, tuple[int, str]] = {
    "malformed-request": (400, "The request could not be read"),
    "unauthenticated": (401, "Authentication is required"),
    "forbidden": (403, "Not allowed"),
    "not-found": (404, "Not found"),
    "method-not-allowed": (405, "Method not allowed"),
    "conflict": (409, "Conflict"),
    "duplicate-email": (409, "The email is already registered"),
    "duplicate-sku": (409, "The SKU is already used"),
    "duplicate-slug": (409, "The slug is already used"),
    "concurrent-update": (409, "Changed by someone else"),
    "illegal-transition": (409, "Not possible in the current state"),
    "store-suspended": (409, "The store is suspended"),
    "insufficient-stock": (409, "Not enough stock"),
    "insufficient-balance": (409, "Not enough available balance"),
    "idempotency-in-progress": (409, "A request with this Idempotency-Key is still running"),
    "payload-too-large": (413, "The request body is too large"),
    "unsupported-media-type": (415, "Unsupported media type"),
    "validation-error": (422, "The request is not valid"),
    "idempotency-key-reused": (422, "The Idempotency-Key was used with another body"),
    "rate-limited": (429, "Too many requests"),
    "internal-error": (500, "Internal error"),
    "provider-error": (502, "A provider refused or failed the request"),
    "service-unavailable": (503, "A backend is unavailable"),
}


class FieldError(msgspec.Struct, frozen=True):
    field: str
    message: str


class ShortVariant(msgspec.Struct, frozen=True):
    variant_id: str
    requested: int
    available: int


class Problem(msgspec.Struct, frozen=True, omit_defaults=True):
    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None
    variants: list[ShortVariant] | None = None


def problem(
    code: str,
    detail: str,
    *,
    status: int | None = None,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    variants: list[ShortVariant] | None = None,
) -> Response[Problem]:
    default_status, title = PROBLEM_TYPES.get(code, PROBLEM_TYPES["conflict"])
    status = status or default_status
    body = Problem(
        type=PROBLEM_BASE + code, title=title, status=status, detail=detail, errors=errors, variants=variants
    )
    return Response(body, status_code=status, media_type=PROBLEM_MEDIA, headers=headers)


def _status_of(error: DomainError) -> int:
    if isinstance(error, InvalidValue):
        return 422
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Forbidden):
        return 403
    if isinstance(error, Unauthenticated):
        return 401
    if isinstance(error, RateLimited):
        return 429
    if isinstance(error, BackendUnavailable):
        return 503
    if isinstance(error, ProviderFailed):
        return 502
    if isinstance(error, (Conflict, IllegalTransition)):
        return 409
    return 422


def domain_error(_: Request[Any, Any, Any], error: DomainError) -> Response[Problem]:
    if isinstance(error, InvalidValue):
        return problem("validation-error", error.detail, errors=[FieldError(field=error.field, message=error.message)])
    if isinstance(error, RateLimited):
        return problem("rate-limited", error.detail, headers={"Retry-After": str(error.retry_after)})
    if isinstance(error, InsufficientStock):
        short = [msgspec.convert(v, ShortVariant) for v in error.variants] or None
        return problem("insufficient-stock", error.detail, variants=short)
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, Unauthenticated) else None
    if isinstance(error, BackendUnavailable):
        log.error("backend unavailable: %s (%s)", error.detail, error.__cause__)
        headers = {"Retry-After": "5"}
    if isinstance(error, ProviderFailed):
        log.error("provider failed: %s (%s)", error.detail, error.__cause__)
        headers = {"Retry-After": "5"}
    code = error.code if error.code in PROBLEM_TYPES else "conflict"
    return problem(code, error.detail, status=_status_of(error), headers=headers)


_AT = re.compile(r" - at `\$\.?([^`]*)`")


def _field_errors(extra: Any) -> list[FieldError]:
    errors = []
    for item in extra if isinstance(extra, list) else []:
        if not isinstance(item, dict):
            continue
        message = str(item.get("message", "is not valid"))
        at = _AT.search(message)
        field = at.group(1) if at else str(item.get("key") or "body")
        if field == "data":
            field = "body"
        message = _AT.sub("", message)
        if "matching regex" in message:
            message = explain(message) or (
                "is blank, has characters that are not allowed, or is not in the expected format"
            )
        errors.append(FieldError(field=field or "body", message=message))
    return errors


def validation_error(_: Request[Any, Any, Any], error: ValidationException) -> Response[Problem]:
    errors = _field_errors(error.extra)
    detail = str(error.detail)
    if detail.startswith("JSON is malformed") or not errors or any(e.message in ("'data'",) for e in errors):
        return problem("malformed-request", "the body is not valid JSON" if "malformed" in detail or errors else detail)
    return problem("validation-error", "; ".join(f"{e.field}: {e.message}" for e in errors), errors=errors)


def http_error(_: Request[Any, Any, Any], error: HTTPException) -> Response[Problem]:
    status = error.status_code
    if isinstance(error, NotAuthorizedException):
        return problem("unauthenticated", str(error.detail), headers={"WWW-Authenticate": "Bearer"})
    code = {
        400: "malformed-request",
        401: "unauthenticated",
        403: "forbidden",
        404: "not-found",
        405: "method-not-allowed",
        413: "payload-too-large",
        415: "unsupported-media-type",
        429: "rate-limited",
        503: "service-unavailable",
    }.get(status)
    if code is None:
        code = "internal-error" if status >= 500 else "malformed-request"
    detail = str(error.detail) if status < 500 else "the server could not complete the request"
    return problem(code, detail, status=status, headers=dict(error.headers or {}) or None)


def unexpected_error(request: Request[Any, Any, Any], error: Exception) -> Response[Problem]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    return problem("internal-error", "the server could not complete the request")


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: domain_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    Exception: unexpected_error,
}


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI documentation of the problems an operation may answer with (400 always can)."""
    statuses = tuple(sorted({400, *(statuses or (401, 403, 404, 409, 422, 429))}))
    return {
        status: ResponseSpec(
            data_container=Problem,
            media_type=PROBLEM_MEDIA,
            generate_examples=False,
            description=", ".join(f"`{PROBLEM_BASE}{code}`" for code, (s, _) in PROBLEM_TYPES.items() if s == status)
            or "Problem details",
        )
        for status in statuses
    }


def also_ok(data: type, description: str) -> dict[int, ResponseSpec]:
    """Documents a 200 beside an operation's 201 (found instead of created, a replay)."""
    return {200: ResponseSpec(data_container=data, generate_examples=False, description=description)}
