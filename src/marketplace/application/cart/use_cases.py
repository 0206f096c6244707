"""Add to, change and remove from the buyer's cart; every answer is the cart as it stands now."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.cart.views import CartView, cart_view
from marketplace.application.errors import NotFound
from marketplace.application.identity.actors import current_user
from marketplace.application.ports.catalog_queries import CatalogQueries
from marketplace.application.ports.persistence import UnitOfWork, UnitOfWorkFactory
from marketplace.application.ports.system import Clock
from marketplace.domain.cart.cart import Cart
from marketplace.domain.shared.errors import InsufficientStock, InvalidValue
from marketplace.domain.shared.ids import is_id


@dataclass(frozen=True, slots=True)
class CartService:
    """What every cart use case needs; each public method is one intention."""

    uow: UnitOfWorkFactory
    queries: CatalogQueries
    clock: Clock

    async def view(self, user_id: str) -> CartView:
        async with self.uow() as uow:
            cart = await uow.carts.get(user_id)
        return await self._render(cart)

    async def add(self, user_id: str, variant_id: str, quantity: int) -> CartView:
        return await self._change(user_id, variant_id, quantity, accumulate=True)

    async def set_quantity(self, user_id: str, variant_id: str, quantity: int) -> CartView:
        return await self._change(user_id, variant_id, quantity, accumulate=False)

    async def remove(self, user_id: str, variant_id: str) -> CartView:
        async with self.uow() as uow:
            cart = await uow.carts.get(user_id)
            if cart is None or variant_id not in cart.lines:
                raise NotFound("cart line", variant_id[:64])
            cart.remove(variant_id, self.clock.now())
            await uow.carts.save(cart)
            await uow.commit()
        return await self._render(cart)

    async def _change(self, user_id: str, variant_id: str, quantity: int, *, accumulate: bool) -> CartView:
        snapshot = next(iter(await self.queries.variants([variant_id])), None) if is_id(variant_id) else None
        async with self.uow() as uow:
            cart = await self._cart(uow, user_id)
            if not accumulate and variant_id not in cart.lines:
                raise NotFound("cart line", variant_id[:64])
            if snapshot is None or not snapshot.purchasable:
                raise InvalidValue("variant_id", "no such variant is for sale")
            try:
                if accumulate:
                    cart.add(variant_id, quantity, snapshot.stock, self.clock.now())
                else:
                    cart.set_quantity(variant_id, quantity, snapshot.stock, self.clock.now())
            except InsufficientStock as error:
                error.variants = [
                    {
                        "variant_id": variant_id,
                        "requested": quantity + (cart.quantity_of(variant_id) if accumulate else 0),
                        "available": snapshot.stock,
                    }
                ]
                raise
            await uow.carts.save(cart)
            await uow.commit()
        return await self._render(cart)

    async def _cart(self, uow: UnitOfWork, user_id: str) -> Cart:
        await current_user(uow, user_id)
        return await uow.carts.get(user_id) or Cart(buyer_id=user_id, updated_at=self.clock.now())

    async def _render(self, cart: Cart | None) -> CartView:
        snapshots = {s.variant_id: s for s in await self.queries.variants(list(cart.lines) if cart else [])}
        return cart_view(cart, snapshots)
