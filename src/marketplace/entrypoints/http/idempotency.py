"""Idempotency-Key (API.md Conventions): a replay answers the first status and body.

The key is scoped to the user and the endpoint and remembered 24 hours. The same key with another
body is 422 `idempotency-key-reused`; while the first request runs, 409 `idempotency-in-progress`.
Answers that say "try again" (503) are not remembered, so the retry the client is told to make runs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from litestar import Request, Response

from marketplace.application.errors import BackendUnavailable, ProviderFailed
from marketplace.application.ports.idempotency import InProgress, Replay, Reused
from marketplace.domain.shared.errors import DomainError, InvalidValue
from marketplace.entrypoints.http.problems import PROBLEM_MEDIA, domain_error, problem

KEEP_SECONDS = 24 * 3600
LEASE_SECONDS = 120  # a request still "running" after this died with its process: the key may be reused
MAX_KEY = 255


def fingerprint(body: bytes) -> str:
    """Of the JSON as parsed, so spacing and key order do not make another body."""
    try:
        canonical = msgspec.json.encode(msgspec.json.decode(body), order="sorted")
    except msgspec.DecodeError:
        canonical = body
    return hashlib.sha256(canonical).hexdigest()


def check_key(key: str | None) -> str:
    if key is None or not key.strip():
        raise InvalidValue("Idempotency-Key", "this request needs an Idempotency-Key header (a unique string per intent)")
    if len(key) > MAX_KEY or not key.isprintable() or not key.isascii():
        raise InvalidValue("Idempotency-Key", f"must be 1-{MAX_KEY} printable ASCII characters")
    return key


def _response(status: int, body: bytes) -> Response[Any]:
    media = PROBLEM_MEDIA if status >= 400 else "application/json"
    return Response(body, status_code=status, media_type=media)


async def idempotent(
    request: Request[Any, Any, Any], services: Any, user_id: str, endpoint: str,
    run: Callable[[], Awaitable[msgspec.Struct]], status_code: int = 201,
) -> Response[Any]:
    key = check_key(request.headers.get("idempotency-key"))
    scope = f"{user_id}:{endpoint}"
    store, clock = services.idempotency, services.clock
    outcome = await store.begin(scope, key, fingerprint(await request.body()), clock.now(), LEASE_SECONDS)
    if isinstance(outcome, Replay):
        return _response(outcome.status, outcome.body)
    if isinstance(outcome, Reused):
        return problem("idempotency-key-reused", "this Idempotency-Key was used with another request body; "
                                                 "use a new key for a new request")
    if isinstance(outcome, InProgress):
        return problem("idempotency-in-progress", "a request with this Idempotency-Key is still running; "
                                                  "retry when it has finished", headers={"Retry-After": "1"})
    try:
        result = await run()
    except (BackendUnavailable, ProviderFailed):
        await store.forget(scope, key)  # "try again": the retry must run, not replay this
        raise
    except DomainError as error:
        answer = domain_error(request, error)
        body, status = msgspec.json.encode(answer.content), answer.status_code or 409
        await store.finish(scope, key, status, body, clock.now(), KEEP_SECONDS)
        return _response(status, body)
    except BaseException:
        await store.forget(scope, key)
        raise
    body = msgspec.json.encode(result)
    await store.finish(scope, key, status_code, body, clock.now(), KEEP_SECONDS)
    return _response(status_code, body)
