"""The one choice between the two backends: every port in memory, or on SQL and its companions."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from typing import Any

from dependency_injector import containers, providers

from marketplace.entrypoints.settings import Settings


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
