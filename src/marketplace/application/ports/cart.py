"""Ports of the cart context: the cart repository."""

from __future__ import annotations

from typing import Protocol

from marketplace.domain.cart.cart import Cart


class CartRepository(Protocol):
    async def get(self, buyer_id: str) -> Cart | None: ...

    async def save(self, cart: Cart) -> None:
        """Creates or replaces the buyer's cart; raises ConcurrentUpdate when it moved on meanwhile."""
        ...
