"""What a backend is given and what it provides: the shape memory.py and sql.py both have."""

from __future__ import annotations

from typing import Protocol

from dependency_injector import containers, providers

from marketplace.application.ports.persistence import StockMoved, UnitOfWorkFactory
from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.entrypoints.container.sandboxes import LateAsgi
from marketplace.entrypoints.secrets import SigningKeys
from marketplace.entrypoints.settings import Settings


class UnitsOfWork(Protocol):
    """A backend's units of work, told what to call after a commit that moved stock (the catalog
    cache, so that a product's cached detail shows its live stock: docs/api.md, the catalog)."""

    def __call__(self, on_stock_moved: StockMoved | None) -> UnitOfWorkFactory: ...


class Backend(containers.DeclarativeContainer):
    """What a backend is given; each one (memory.py, sql.py) provides the same ports under the same
    names: units_of_work, catalog_queries, catalog_importer, idempotency, outbox, money_totals, storage, chat,
    notifications, cache, rate_limiter, back_off, and the clients behind them (memory_db, engine, redis; None where
    a backend has no such thing). The payment and courier providers are not the backend's: they are
    chosen by their own settings (gateways.py)."""

    settings = providers.Dependency(instance_of=Settings)
    # The composition root's own providers, so that overriding one there (the tests' clocks) reaches
    # the adapters too.
    clock = providers.Dependency[Clock]()
    ids = providers.Dependency[IdGenerator]()
    keys = providers.Dependency[SigningKeys]()
    this_app = providers.Dependency[LateAsgi]()
