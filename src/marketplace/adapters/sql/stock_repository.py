"""Variant stock moved by relative updates, and the marks of outbox messages already handled."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from marketplace.adapters.sql.base import Session, SqlRepository, insert_new
from marketplace.adapters.sql.tables import processed_messages, products, variants
from marketplace.application.ports.system import Clock
from marketplace.domain.shared.errors import InsufficientStock, InvalidValue


def _check(quantities: dict[str, int]) -> None:
    for variant_id, quantity in quantities.items():
        if type(quantity) is not int or quantity <= 0:
            raise InvalidValue("quantity", f"variant {variant_id}: must be a positive whole number")


class SqlStockRepository(SqlRepository):
    """Each change is one conditional UPDATE: PostgreSQL re-checks `stock >= q` on the row it locked,
    so concurrent reservations never oversell; SQLite holds its one write lock (`session.write`).
    Variants are visited in id order so two reservations never wait for each other's rows (deadlock).
    It remembers the variants it moved until the transaction ends, for the catalog cache (`moved_refs`)."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._moved: set[str] = set()

    async def moved_refs(self) -> list[str]:
        """Ids and slugs of the products whose stock this transaction moved (read inside it)."""
        if not self._moved:
            return []
        rows = await self._all(
            select(products.c.id, products.c.slug)
            .join(variants, variants.c.product_id == products.c.id)
            .where(variants.c.id.in_(sorted(self._moved)))
            .distinct()
        )
        return sorted({ref for row in rows for ref in (row["id"], row["slug"])})

    def forget(self) -> None:
        self._moved.clear()

    async def reserve(self, quantities: dict[str, int]) -> None:
        _check(quantities)
        taken: dict[str, int] = {}
        short: list[str] = []
        for variant_id in sorted(quantities):
            quantity = quantities[variant_id]
            result = await self._write(
                update(variants)
                .where(variants.c.id == variant_id, variants.c.stock >= quantity)
                .values(stock=variants.c.stock - quantity)
            )
            if result.rowcount == 1:
                taken[variant_id] = quantity
                self._moved.add(variant_id)
            else:
                short.append(variant_id)
        if not short:
            return
        await self._add(taken)  # rows this transaction already locked: putting back waits for nobody
        rows = await self._all(select(variants.c.id, variants.c.stock).where(variants.c.id.in_(short)))
        available = {row["id"]: row["stock"] for row in rows}
        error = InsufficientStock(
            "not enough stock for "
            + ", ".join(f"variant {v}: {quantities[v]} requested, {available.get(v, 0)} available" for v in short)
        )
        error.variants = [
            {"variant_id": v, "requested": quantities[v], "available": available.get(v, 0)} for v in short
        ]
        raise error

    async def release(self, quantities: dict[str, int]) -> None:
        _check(quantities)
        await self._add(quantities)

    async def _add(self, quantities: dict[str, int]) -> None:
        self._moved.update(quantities)
        for variant_id in sorted(quantities):  # a missing variant updates no row
            await self._write(
                update(variants)
                .where(variants.c.id == variant_id)
                .values(stock=variants.c.stock + quantities[variant_id])
            )


class SqlProcessedMessages(SqlRepository):
    def __init__(self, session: Session, clock: Clock, dialect: str) -> None:
        super().__init__(session)
        self._clock, self._dialect = clock, dialect

    async def claim(self, message_id: str, handler: str) -> bool:
        now: datetime = self._clock.now()
        result = await self._write(
            insert_new(processed_messages, self._dialect).values(
                message_id=message_id, handler=handler, processed_at=now
            )
        )
        return result.rowcount == 1
