"""The in-memory database: committed rows per table, the outbox, and a commit lock."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from marketplace.application.ports.outbox import HandlerDelivery, OutboxEntry


@dataclass
class MemoryDatabase:
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    outbox: dict[str, OutboxEntry] = field(default_factory=dict)  # by id, in the order written
    deliveries: dict[tuple[str, str], HandlerDelivery] = field(default_factory=dict)  # by (message id, handler)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def table(self, name: str) -> dict[str, Any]:
        return self.tables.setdefault(name, {})


_DELETED = object()


class StagedTable:
    """One table as a unit of work sees it: its own staged writes over the committed rows.

    Everything stored or returned is a deep copy, so callers never share objects with the
    database and changes not committed are lost, as with a real database.
    """

    def __init__(self, db: MemoryDatabase, name: str) -> None:
        self.committed = db.table(name)
        self.staged: dict[str, Any] = {}

    def get(self, key: str) -> Any | None:
        value = self.staged.get(key, self.committed.get(key))
        return None if value is None or value is _DELETED else copy.deepcopy(value)

    def put(self, key: str, value: Any) -> None:
        stored = copy.deepcopy(value)
        getattr(stored, "__dict__", {}).pop("_pending_events", None)  # events leave via the outbox only
        self.staged[key] = stored

    def delete(self, key: str) -> None:
        self.staged[key] = _DELETED

    def rows(self) -> Iterator[Any]:
        """Every current row (not copied: read-only use inside the adapter)."""
        for key, value in self.committed.items():
            if key not in self.staged:
                yield value
        for value in self.staged.values():
            if value is not _DELETED:
                yield value

    def committed_version(self, key: str) -> int | None:
        value = self.committed.get(key)
        return None if value is None else value.version

    def apply(self) -> None:
        for key, value in self.staged.items():
            if value is _DELETED:
                self.committed.pop(key, None)
            else:
                self.committed[key] = value
        self.staged.clear()


class Staging(Protocol):
    """What a repository needs of the unit of work it belongs to (MemoryUnitOfWork is one): its
    staged tables, the time, and what commit must check and announce."""

    def table(self, name: str) -> StagedTable: ...

    def now(self) -> datetime: ...

    def touch(self, aggregate: Any) -> None: ...

    def remember_version(self, table: str, key: str, version: int) -> None: ...

    def require(self, holds: Callable[[MemoryDatabase], bool], failure: str) -> None: ...
