"""SQL repository of carts: the cart row carries the version, its lines are replaced on save."""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update

from marketplace.adapters.sql.base import SqlRepository
from marketplace.adapters.sql.tables import cart_lines, carts
from marketplace.domain.cart.cart import Cart, CartLine
from marketplace.domain.shared.errors import ConcurrentUpdate


class SqlCartRepository(SqlRepository):
    async def get(self, buyer_id: str) -> Cart | None:
        row = await self._one(select(carts).where(carts.c.buyer_id == buyer_id))
        if row is None:
            return None
        lines = await self._all(
            select(cart_lines).where(cart_lines.c.buyer_id == buyer_id).order_by(cart_lines.c.added_at)
        )
        return Cart(
            buyer_id=buyer_id,
            updated_at=row["updated_at"],
            version=row["version"],
            lines={r["variant_id"]: CartLine(r["variant_id"], r["quantity"], r["added_at"]) for r in lines},
        )

    async def save(self, cart: Cart) -> None:
        if cart.version == 0:
            await self._write(insert(carts), {"buyer_id": cart.buyer_id, "updated_at": cart.updated_at, "version": 1})
        else:
            result = await self._write(
                update(carts)
                .where(carts.c.buyer_id == cart.buyer_id, carts.c.version == cart.version)
                .values(updated_at=cart.updated_at, version=cart.version + 1)
            )
            if result.rowcount != 1:
                raise ConcurrentUpdate(f"carts {cart.buyer_id} was changed by someone else; try again")
            await self._write(delete(cart_lines).where(cart_lines.c.buyer_id == cart.buyer_id))
        rows = [
            {
                "buyer_id": cart.buyer_id,
                "variant_id": line.variant_id,
                "quantity": line.quantity,
                "added_at": line.added_at,
            }
            for line in cart.lines.values()
        ]
        if rows:
            await self._write(insert(cart_lines), rows)
        cart.version += 1
