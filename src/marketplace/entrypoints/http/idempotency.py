"""Idempotency-Key (docs/api.md, Conventions): a replay answers the first status and body.

The key is scoped to the user and the endpoint and remembered 24 hours. The same key with another
body is 422 `idempotency-key-reused`; while the first request runs, 409 `idempotency-in-progress`.
Answers that say "try again" (503) are not remembered, so the retry the client is told to make runs.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from litestar import Request, Response

from marketplace.application.errors import BackendUnavailable, ProviderFailed
from marketplace.application.ports.idempotency import InProgress, Replay, Reused
from marketplace.domain.shared.errors import DomainError, InvalidValue
from marketplace.entrypoints.http.problems import PROBLEM_MEDIA, domain_error, problem

KEEP_SECONDS = 24 * 3600
# A running request renews its claim every RENEW_SECONDS; one not renewed for LEASE_SECONDS died with its
# process, and a retry with the same body takes over (the use case then finds what was committed).
LEASE_SECONDS = 10
RENEW_SECONDS = 3
MAX_KEY = 255
log = logging.getLogger("marketplace.http")


def fingerprint(body: bytes) -> str:
    """Of the JSON as parsed, so spacing and key order do not make another body."""
    try:
        canonical = msgspec.json.encode(msgspec.json.decode(body), order="sorted")
    except msgspec.DecodeError:
        canonical = body
    return hashlib.sha256(canonical).hexdigest()


def check_key(key: str | None) -> str:
    if key is None or not key.strip():
        raise InvalidValue(
            "Idempotency-Key", "this request needs an Idempotency-Key header (a unique string per intent)"
        )
    if len(key) > MAX_KEY or not key.isprintable() or not key.isascii():
        raise InvalidValue("Idempotency-Key", f"must be 1-{MAX_KEY} printable ASCII characters")
    return key


def _response(status: int, body: bytes) -> Response[Any]:
    media = PROBLEM_MEDIA if status >= 400 else "application/json"
    return Response(body, status_code=status, media_type=media)


async def idempotent(
    request: Request[Any, Any, Any],
    services: Any,
    user_id: str,
    endpoint: str,
    run: Callable[[str], Awaitable[msgspec.Struct]],
    status_code: int = 201,
) -> Response[Any]:
    key = check_key(request.headers.get("idempotency-key"))
    scope = f"{user_id}:{endpoint}"
    store, clock = services.idempotency, services.clock
    outcome = await store.begin(scope, key, fingerprint(await request.body()), clock.now(), LEASE_SECONDS)
    if isinstance(outcome, Replay):
        return _response(outcome.status, outcome.body)
    if isinstance(outcome, Reused):
        return problem(
            "idempotency-key-reused",
            "this Idempotency-Key was used with another request body; use a new key for a new request",
        )
    if isinstance(outcome, InProgress):
        return problem(
            "idempotency-in-progress",
            "a request with this Idempotency-Key is still running; retry when it has finished",
            headers={"Retry-After": str(outcome.retry_after)},
        )
    renewing = asyncio.create_task(_renew(store, clock, scope, key))
    try:
        result = await run(key)  # the use case may keep the key with what it writes (crash recovery)
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
    finally:
        renewing.cancel()
    body = msgspec.json.encode(result)
    await store.finish(scope, key, status_code, body, clock.now(), KEEP_SECONDS)
    return _response(status_code, body)


async def _renew(store: Any, clock: Any, scope: str, key: str) -> None:
    """Keeps the claim alive while this request runs, so only a dead process's claim lapses."""
    while True:
        await asyncio.sleep(RENEW_SECONDS)
        try:
            if not await store.renew(scope, key, clock.now(), LEASE_SECONDS):
                return
        except Exception as error:  # noqa: BLE001 - a missed renewal only shortens the lease
            log.warning("could not renew the Idempotency-Key claim: %s", error)
