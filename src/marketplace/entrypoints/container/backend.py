"""The one choice between the two backends: every port in memory, or on SQL and its companions."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from typing import Any

from dependency_injector import containers, providers

from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.entrypoints.container.sandboxes import LateAsgi
from marketplace.entrypoints.secrets import SigningKeys
from marketplace.entrypoints.settings import Settings


class Backend(containers.DeclarativeContainer):
    """What a backend is given; each one (memory.py, sql.py) provides the same ports under the same
    names: uow, catalog_queries, catalog_importer, idempotency, outbox, money_totals, storage, chat,
    cache, rate_limiter, back_off, payments, payout_gateway, shipping, and the clients behind them
    (memory_db, engine, redis, xendit_sandbox, xendit_http, gosend_sandbox, gosend_http; None where
    a backend has no such thing)."""

    settings = providers.Dependency(instance_of=Settings)
    # The composition root's own providers, so that overriding one there (the tests' clocks) reaches
    # the adapters too.
    clock = providers.Dependency[Clock]()
    ids = providers.Dependency[IdGenerator]()
    keys = providers.Dependency[SigningKeys]()
    this_app = providers.Dependency[LateAsgi]()


async def open_backend(
    settings: Settings,
    clock: providers.Provider[Any],
    ids: providers.Provider[Any],
    keys: providers.Provider[Any],
    this_app: providers.Provider[Any],
) -> AsyncIterator[containers.Container]:
    """The chosen backend with its clients open, closed again on shutdown."""
    backend: containers.Container
    if settings.backend == "memory":
        from marketplace.entrypoints.container.memory import MemoryBackend

        backend = MemoryBackend(settings=settings, clock=clock, ids=ids, keys=keys, this_app=this_app)
    else:
        from marketplace.entrypoints.container.sql import SqlBackend

        backend = SqlBackend(settings=settings, clock=clock, ids=ids, keys=keys, this_app=this_app)
    await _maybe_await(backend.init_resources())
    try:
        yield backend
    finally:
        await _maybe_await(backend.shutdown_resources())


async def port(backend: containers.Container, name: str) -> Any:
    """The backend's provider `name`, resolved."""
    return await resolve(getattr(backend, name))


async def resolve(provider: providers.Provider[Any]) -> Any:
    """A provider's value whether it is async (it depends on a Resource) or not."""
    value = provider()
    return await value if inspect.isawaitable(value) else value


async def _maybe_await(value: object) -> None:
    if inspect.isawaitable(value):
        await value
