"""What every SQL repository shares: statements run at once inside the unit of work's transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from sqlalchemy import Executable, RowMapping, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.dml import Insert

from marketplace.adapters.sql.errors import other_integrity_error, unique_violation
from marketplace.domain.shared.errors import ConcurrentUpdate, DomainError

Params = Mapping[str, Any] | Sequence[Mapping[str, Any]] | None
Duplicates = Mapping[str, Callable[[IntegrityError], DomainError]]


def insert_new(table: Table, dialect: str) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING: a duplicate inserts nothing (rowcount 0) and, unlike a unique
    violation, leaves a PostgreSQL transaction usable. An insert racing another transaction's insert
    of the same key waits for it, then does nothing if it committed."""
    factory = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return factory(table).on_conflict_do_nothing()


class Session(Protocol):
    """The unit of work as its repositories see it."""

    async def read(self, statement: Executable, params: Params = None) -> CursorResult[Any]: ...

    async def write(self, statement: Executable, params: Params = None) -> CursorResult[Any]: ...

    def touch(self, aggregate: object) -> None: ...


class SqlRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    async def _one(self, statement: Executable) -> RowMapping | None:
        return (await self._session.read(statement)).mappings().first()

    async def _all(self, statement: Executable) -> list[RowMapping]:
        return list((await self._session.read(statement)).mappings().all())

    async def _write(
        self, statement: Executable, params: Params = None, *, duplicates: Duplicates | None = None
    ) -> CursorResult[Any]:
        """Runs a write; a broken unique rule becomes the domain error `duplicates` names for it."""
        try:
            return await self._session.write(statement, params)
        except IntegrityError as error:
            key = unique_violation(error)
            factory = (duplicates or {}).get(key) if key else None
            raise (factory(error) if factory else other_integrity_error(error)) from error

    async def _update_versioned(
        self, table: Table, aggregate: Any, row: dict[str, Any], *, duplicates: Duplicates | None = None
    ) -> None:
        """Optimistic locking: the row changes only if nobody moved its version since we read it."""
        values = {k: v for k, v in row.items() if k not in ("id", "version")}
        statement = (
            table.update()
            .where(table.c.id == aggregate.id, table.c.version == aggregate.version)
            .values(**values, version=aggregate.version + 1)
        )
        result = await self._write(statement, duplicates=duplicates)
        if result.rowcount != 1:
            raise ConcurrentUpdate(f"{table.name} {aggregate.id} was changed by someone else; try again")
        aggregate.version += 1
        self._session.touch(aggregate)
