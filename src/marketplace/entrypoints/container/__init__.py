"""The composition root: the one place that chooses adapters, from Settings.

`backend.py` picks the memory or the SQL backend once (`memory.py`, `sql.py`); `core.py` holds what
every context shares; each context's use cases are in a module of their own, and `Container` is all
of them together, every provider under its own name."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

from dependency_injector import providers

from marketplace.entrypoints.container.backend import resolve
from marketplace.entrypoints.container.catalog import CartServices, CatalogServices, StoreServices
from marketplace.entrypoints.container.chat import ChatServices
from marketplace.entrypoints.container.cms import CmsServices
from marketplace.entrypoints.container.identity import IdentityServices
from marketplace.entrypoints.container.mail import uses_builtin_mail
from marketplace.entrypoints.container.media import MediaServices
from marketplace.entrypoints.container.money import MoneyServices
from marketplace.entrypoints.container.notifications import NotificationServices
from marketplace.entrypoints.container.ordering import OrderingServices
from marketplace.entrypoints.container.reviews import ReviewServices
from marketplace.entrypoints.container.sandboxes import (
    LateAsgi,
    uses_builtin_gosend,
    uses_builtin_xendit,
    warn_if_sandbox_forced,
)
from marketplace.entrypoints.container.shipping import ShippingServices
from marketplace.entrypoints.settings import Settings


class Container(
    IdentityServices,
    StoreServices,
    CatalogServices,
    CartServices,
    OrderingServices,
    ShippingServices,
    MoneyServices,
    ReviewServices,
    ChatServices,
    CmsServices,
    MediaServices,
    NotificationServices,
):
    """Every context's providers over one core: a provider overridden here (the clock, a gateway)
    is overridden for every context."""

    if TYPE_CHECKING:
        # Some resources are async (the engine, the clients), so both always return an awaitable.
        def init_resources(self, resource_type: type[providers.BaseResource[Any]] = ...) -> Awaitable[None]: ...

        def shutdown_resources(self, resource_type: type[providers.BaseResource[Any]] = ...) -> Awaitable[None]: ...


def build_container(settings: Settings | None = None) -> Container:
    """A container for these settings; call `await container.init_resources()` before use."""
    return Container(settings=settings or Settings.from_env())


__all__ = [
    "Container",
    "LateAsgi",
    "build_container",
    "resolve",
    "uses_builtin_mail",
    "uses_builtin_gosend",
    "uses_builtin_xendit",
    "warn_if_sandbox_forced",
]
