"""Stock is conserved: for every variant, available + reserved + sold stays what the seller stocked,
whatever buyers, sellers, payments and the clock do, in any order (hypothesis stateful testing).

The real use cases run on the in-memory adapters, with a clock the test moves.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from dependency_injector import providers
from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from marketplace.application.catalog.commands import CreateProductCommand, VariantInput
from marketplace.application.identity.addresses import AddressInput
from marketplace.application.identity.register_user import Register
from marketplace.application.ordering.place_checkout import CheckoutRequest
from marketplace.application.ports.payments import PaymentRefused
from marketplace.application.stores.open_store import OpenStoreCommand
from marketplace.domain.ordering.status import OrderStatus
from marketplace.domain.shared.errors import IllegalTransition, InsufficientStock
from marketplace.entrypoints.container import build_container, resolve
from marketplace.entrypoints.settings import Settings
from tests.credentials import PASSWORD

STOCK = 5
INVOICE_SECONDS = 600
RESERVED = {OrderStatus.PENDING_PAYMENT}
SOLD = {
    OrderStatus.PAID,
    OrderStatus.ACCEPTED,
    OrderStatus.SHIPPING,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
    OrderStatus.RETURNED,
}


class ManualClock:
    def __init__(self) -> None:
        self.at = datetime(2026, 11, 25, 9, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


def _address(lat: float = -6.2, lng: float = 106.8) -> AddressInput:
    return AddressInput(
        recipient="Ayu",
        phone="081234567890",
        line1="Jl. Sudirman 1",
        city="Jakarta",
        postal_code="10110",
        lat=lat,
        lng=lng,
    )


class Checkouts(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.clock = ManualClock()
        self.container = build_container(Settings.in_memory(invoice_duration_seconds=INVOICE_SECONDS))
        self.container.clock.override(providers.Object(self.clock))
        self.placed: list[str] = []
        self.run(self._set_up())

    def run(self, work: Any) -> Any:
        return self.loop.run_until_complete(work)

    async def use(self, name: str) -> Any:
        return await resolve(getattr(self.container, name))

    async def _set_up(self) -> None:
        await self.container.init_resources()
        register = await self.use("register_user")
        self.seller = (await register(Register("seller@example.com", PASSWORD, "Seller"))).id
        store = await (await self.use("open_store"))(self.seller, OpenStoreCommand("Toko", "Shop", _address()))
        self.store_id = store.id
        variants = [VariantInput(f"V-{i}", f"size {i}", 10_000 * (i + 1), STOCK, 300) for i in range(3)]
        product = await (await self.use("create_product"))(
            self.seller, store.id, CreateProductCommand("Batik", "Handmade", None, variants)
        )
        await (await self.use("publish_product"))(self.seller, product.id)
        self.variant_ids = [v.id for v in product.variants]
        self.buyers: list[tuple[str, str]] = []
        for n in range(3):
            buyer = (await register(Register(f"buyer{n}@example.com", PASSWORD, f"Buyer {n}"))).id
            address = await (await self.use("add_address"))(buyer, _address())
            self.buyers.append((buyer, address.id))

    def teardown(self) -> None:
        self.run(self.container.shutdown_resources() or asyncio.sleep(0))
        self.loop.close()

    async def _orders(self) -> list[Any]:
        async with (await self.use("uow"))() as uow:
            orders = []
            for buyer, _ in self.buyers:
                orders += await uow.orders.of_buyer(buyer, None, None, 10_000)
            return orders

    async def _order(self, order_id: str) -> Any:
        async with (await self.use("uow"))() as uow:
            return await uow.orders.get(order_id)

    async def _checkout(self, checkout_id: str) -> Any:
        async with (await self.use("uow"))() as uow:
            return await uow.checkouts.get(checkout_id)

    def _placed(self, index: int) -> str:
        return self.placed[index % len(self.placed)] if self.placed else ""

    @rule(
        buyer=st.integers(0, 2),
        quantities=st.lists(st.integers(0, 4), min_size=3, max_size=3).map(lambda q: q if any(q) else [1, 0, 0]),
    )
    def check_out(self, buyer: int, quantities: list[int]) -> None:
        buyer_id, address_id = self.buyers[buyer]

        async def go() -> str:
            cart = await self.use("cart")
            for variant_id, quantity in zip(self.variant_ids, quantities, strict=True):
                view = await cart.view(buyer_id)
                held = {line.variant_id for store in view.stores for line in store.lines}
                if variant_id in held:
                    await cart.remove(buyer_id, variant_id)
                if quantity:
                    try:
                        await cart.add(buyer_id, variant_id, quantity)
                    except InsufficientStock:
                        pass
            try:
                placed = await (await self.use("place_checkout"))(
                    buyer_id, CheckoutRequest(address_id, {self.store_id: "instant"})
                )
            except InsufficientStock:
                event("checkout refused: short stock")
                return ""
            except Exception as error:  # an empty cart (every add refused) is a validation error
                assert "cart" in str(error), error
                return ""
            event("checkout placed")
            return placed.id

        placed = self.run(go())
        if placed:
            self.placed.append(placed)

    @rule(index=st.integers(0, 50))
    def pay(self, index: int) -> None:
        checkout = self._placed(index)

        async def go() -> None:
            found = await self._checkout(checkout) if checkout else None
            if found is None or found.invoice_id is None:
                return
            gateway = await self.use("payments")
            try:
                invoice = gateway.mark_paid(found.invoice_id)
            except PaymentRefused:
                return
            await (await self.use("apply_invoice"))(invoice)
            after = await self._checkout(checkout)
            if found.status.value == "pending_payment":
                event("checkout paid")
                assert after.status.value == "paid"
            else:
                # Cancelled, and paid before the worker expired the invoice: it stays cancelled (its
                # stock went back) and the payment is kept as a late one, to be refunded whole.
                event("late payment after a cancellation")
                assert after.status is found.status and after.payment_status.value == "paid"

        self.run(go())

    @rule(index=st.integers(0, 50))
    def cancel_checkout(self, index: int) -> None:
        checkout = self._placed(index)

        async def go() -> None:
            found = await self._checkout(checkout) if checkout else None
            if found is None:
                return
            before = found.status
            try:
                await (await self.use("cancel_checkout"))(found.buyer_id, checkout)
            except IllegalTransition:
                assert before.value != "pending_payment" or (await self._checkout(checkout)).status.value == "paid"
                return
            assert before.value == "pending_payment"

        self.run(go())

    @rule(seconds=st.sampled_from([1, 60, INVOICE_SECONDS - 1, INVOICE_SECONDS]))
    def time_passes_and_the_worker_expires(self, seconds: int) -> None:
        self.clock.at += timedelta(seconds=seconds)

        async def go() -> None:
            if await (await self.use("expire_checkouts"))():
                event("checkouts expired by the worker")
            for order in await self._orders():
                if order.status is OrderStatus.PENDING_PAYMENT:
                    checkout = await self._checkout(order.checkout_id)
                    assert not checkout.is_due(self.clock.now()), "a due checkout was left pending"

        self.run(go())

    @rule(index=st.integers(0, 50), action=st.sampled_from(["cancel", "confirm_received", "accept", "reject"]))
    def move_an_order(self, index: int, action: str) -> None:
        async def go() -> None:
            orders = await self._orders()
            if not orders:
                return
            order = orders[index % len(orders)]
            before = order.status
            try:
                if action in ("cancel", "confirm_received"):
                    await getattr(await self.use("buyer_orders"), action)(order.buyer_id, order.id)
                else:
                    await getattr(await self.use("store_orders"), action)(self.seller, self.store_id, order.id)
            except IllegalTransition:
                assert (await self._order(order.id)).status is before, "a refused move changed the order"
                return
            allowed = {
                "cancel": {OrderStatus.PAID},
                "confirm_received": {OrderStatus.DELIVERED},
                "accept": {OrderStatus.PAID},
                "reject": {OrderStatus.PAID},
            }[action]
            assert before in allowed, f"{action} was accepted from {before.value}"
            event(f"order moved: {action}")

        self.run(go())

    @invariant()
    def stock_is_conserved(self) -> None:
        async def go() -> None:
            snapshots = {
                s.variant_id: s.stock for s in await (await self.use("catalog_queries")).variants(self.variant_ids)
            }
            held = {variant_id: 0 for variant_id in self.variant_ids}
            for order in await self._orders():
                if order.status in RESERVED or order.status in SOLD:
                    for variant_id, quantity in order.quantities.items():
                        held[variant_id] += quantity
            for variant_id in self.variant_ids:
                assert snapshots[variant_id] >= 0
                assert snapshots[variant_id] + held[variant_id] == STOCK, (variant_id, snapshots[variant_id], held)

        self.run(go())

    @invariant()
    def orders_follow_their_checkout(self) -> None:
        async def go() -> None:
            for order in await self._orders():
                checkout = await self._checkout(order.checkout_id)
                assert (order.status is OrderStatus.PENDING_PAYMENT) == checkout.is_pending

        self.run(go())


TestCheckouts = Checkouts.TestCase
