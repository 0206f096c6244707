"""Driver errors translated into domain errors, so no SQLAlchemy or driver type leaves the adapter."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from marketplace.application.errors import BackendUnavailable
from marketplace.domain.shared.errors import ConcurrentUpdate, Conflict, DomainError

# Unique constraints as PostgreSQL names them / as SQLite describes them (it gives no names).
UNIQUE_KEYS: dict[str, tuple[str, str]] = {
    "users.email": ("uq_users_email", "users.email"),
    "stores.slug": ("uq_stores_slug", "stores.slug"),
    "categories.slug": ("uq_categories_slug", "categories.slug"),
    "products.slug": ("uq_products_slug", "products.slug"),
    "variants.sku": ("uq_variants_store_id_sku", "variants.store_id, variants.sku"),
    "shipments.id": ("pk_shipments", "shipments.id"),
    "shipment_bookings.booking_id": ("pk_shipment_bookings", "shipment_bookings.booking_id"),
    "cms_pages.slug": ("uq_cms_pages_slug", "cms_pages.slug"),
    "reviews.line_id": ("uq_reviews_line_id", "reviews.line_id"),
}
_PG_SKU = re.compile(r"\(store_id, sku\)=\([^,]*, (?P<sku>[^)]*)\)")


def unique_violation(error: IntegrityError) -> str | None:
    """Which of UNIQUE_KEYS the error broke, or None when it is another integrity error."""
    message = str(error.orig)
    for key, (pg_name, sqlite_columns) in UNIQUE_KEYS.items():
        if f'"{pg_name}"' in message or f"UNIQUE constraint failed: {sqlite_columns}" in message:
            return key
    return None


def clashing_sku(error: IntegrityError, candidates: list[str]) -> str:
    """The SKU PostgreSQL names in its detail, else the first candidate (SQLite names none)."""
    match = _PG_SKU.search(str(getattr(error.orig, "detail", "") or ""))
    if match:
        return match.group("sku")
    return min(candidates) if candidates else "?"


def other_integrity_error(error: IntegrityError) -> DomainError:
    return Conflict("the change conflicts with stored data (a missing reference or a broken rule)")


@contextmanager
def busy_as_conflict() -> Iterator[None]:
    """SQLite's write lock held longer than busy_timeout becomes a conflict the caller may retry;
    a database that cannot be reached becomes BackendUnavailable."""
    try:
        yield
    except OperationalError as error:
        if "database is locked" not in str(error.orig) and "database is busy" not in str(error.orig):
            raise BackendUnavailable("the database is unavailable") from error
        raise ConcurrentUpdate("the database is busy with other writes; try again") from error
    except (InterfaceError, PoolTimeout, OSError) as error:
        raise BackendUnavailable("the database is unavailable") from error


P = ParamSpec("P")
R = TypeVar("R")


def translated(method: Callable[P, Coroutine[Any, Any, R]]) -> Callable[P, Coroutine[Any, Any, R]]:
    """Runs a query method with driver errors translated as `busy_as_conflict` does."""

    @functools.wraps(method)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with busy_as_conflict():
            return await method(*args, **kwargs)

    return wrapper
