"""What a checkout would buy now: the cart's lines by store, at today's prices, with their trips."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from marketplace.application.catalog.views import VariantSnapshot
from marketplace.application.ports.catalog_queries import CatalogQueries
from marketplace.application.ports.persistence import UnitOfWork, UnitOfWorkFactory
from marketplace.application.ports.shipping import ShippingGateway, ShippingOption
from marketplace.domain.cart.cart import Cart
from marketplace.domain.identity.user import Address
from marketplace.domain.shared.address import GeoPoint
from marketplace.domain.shared.errors import InsufficientStock, InvalidValue
from marketplace.domain.shared.ids import is_id
from marketplace.domain.shared.money import Money


@dataclass(frozen=True, slots=True)
class BasketLine:
    snapshot: VariantSnapshot
    quantity: int

    @property
    def total(self) -> Money:
        return Money(self.snapshot.price.amount * self.quantity, self.snapshot.price.currency)


@dataclass
class StoreBasket:
    store_id: str
    store_name: str
    pickup: GeoPoint | None = None
    lines: list[BasketLine] = field(default_factory=list)

    @property
    def subtotal(self) -> Money:
        total = Money.zero("IDR")
        for line in self.lines:
            total = total + line.total
        return total

    @property
    def weight_grams(self) -> int:
        return sum(line.snapshot.weight_grams * line.quantity for line in self.lines)


@dataclass
class Basket:
    cart: Cart
    address: Address
    stores: list[StoreBasket]

    @property
    def items_total(self) -> Money:
        total = Money.zero("IDR")
        for store in self.stores:
            total = total + store.subtotal
        return total


async def buyers_address(uow: UnitOfWork, user_id: str, address_id: str) -> Address:
    """One of the caller's saved addresses; someone else's is as unknown as a missing one."""
    address = await uow.addresses.get(address_id) if is_id(address_id) else None
    if address is None or not address.belongs_to(user_id):
        raise InvalidValue("address_id", "is not one of your saved addresses")
    return address


async def load_basket(uow_factory: UnitOfWorkFactory, queries: CatalogQueries, user_id: str, address_id: str) -> Basket:
    """The cart as it can be bought now; refuses an empty cart, lines no longer for sale, short stock.

    Never holds two database connections at once (a unit of work open while the catalog queries
    take another would let a burst of checkouts exhaust the pool and wait on itself).
    """
    async with uow_factory() as uow:
        address = await buyers_address(uow, user_id, address_id)
        cart = await uow.carts.get(user_id)
    if cart is None or not cart.lines:
        raise InvalidValue("cart", "your cart is empty")
    snapshots = {s.variant_id: s for s in await queries.variants(list(cart.lines))}
    stores: dict[str, StoreBasket] = {}
    short: list[dict[str, object]] = []
    for line in sorted(cart.lines.values(), key=lambda item: (item.added_at, item.variant_id)):
        snapshot = snapshots.get(line.variant_id)
        if snapshot is None or not snapshot.purchasable:
            raise InvalidValue("cart", f"variant {line.variant_id} is no longer for sale; remove it from your cart")
        if line.quantity > snapshot.stock:
            short.append({"variant_id": line.variant_id, "requested": line.quantity, "available": snapshot.stock})
        basket = stores.setdefault(snapshot.store_id, StoreBasket(snapshot.store_id, snapshot.store_name))
        basket.lines.append(BasketLine(snapshot, line.quantity))
    if short:
        error = InsufficientStock("not enough stock for " + ", ".join(str(s["variant_id"]) for s in short))
        error.variants = short
        raise error
    async with uow_factory() as uow:
        for basket in stores.values():
            store = await uow.stores.get(basket.store_id)
            basket.pickup = store.pickup_address.point if store else None
    return Basket(cart=cart, address=address, stores=list(stores.values()))


async def shipping_options(gateway: ShippingGateway, basket: Basket) -> dict[str, list[ShippingOption]]:
    """Each store's options for its trip to the buyer now; none when either end has no coordinates."""
    destination = basket.address.address.point

    async def one(store: StoreBasket) -> list[ShippingOption]:
        if destination is None or store.pickup is None:
            return []
        return await gateway.quote(store.pickup, destination, store.weight_grams)

    # The courier is asked about every store at once: a cart from five stores waits for one answer, not five.
    found = await asyncio.gather(*(one(store) for store in basket.stores))
    return {store.store_id: options for store, options in zip(basket.stores, found, strict=True)}
