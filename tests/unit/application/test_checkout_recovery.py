"""A checkout interrupted at any step is finished by a retry with its Idempotency-Key, or settled by the
worker without one; no invoice the provider holds stays unknown, and a payment of one is kept by a
paid order or refunded for real. Run on the real use cases with in-memory adapters and a clock we move.

The interruption is a `Checkpoints` that raises at the named step: nothing after it in the request
runs, as when the process dies there (the served crash tests kill a real process the same way).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import pytest
from dependency_injector import providers

from marketplace.adapters.xendit.callbacks import invoice_report
from marketplace.application.catalog.commands import CreateProductCommand, VariantInput
from marketplace.application.errors import BackendUnavailable
from marketplace.application.identity.addresses import AddressInput
from marketplace.application.identity.register_user import Register
from marketplace.application.ordering.place_checkout import CheckoutRequest
from marketplace.application.ports.payments import InvoiceStatus
from marketplace.application.stores.open_store import OpenStoreCommand
from marketplace.domain.shared.errors import DomainError
from marketplace.entrypoints.container import build_container, resolve
from marketplace.entrypoints.settings import Settings
from marketplace.entrypoints.worker import build_worker

PASSWORD = "a-long-unguessable-test-passphrase"
ADDRESS = AddressInput(
    recipient="Ayu",
    phone="081234567890",
    line1="Jl. Sudirman 1",
    city="Jakarta",
    postal_code="10110",
    lat=-6.2,
    lng=106.8,
)


class Died(BaseException):
    """The process stopped here: no handler of ours runs after it."""


class DieAt:
    def __init__(self) -> None:
        self.step: str | None = None

    async def reached(self, step: str) -> None:
        if step == self.step:
            self.step = None
            raise Died(step)


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 12, 2, 9, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


class World:
    def __init__(self, container: Any, clock: Clock, die: DieAt) -> None:
        self.container, self.clock, self.die = container, clock, die

    async def use(self, name: str) -> Any:
        return await resolve(getattr(self.container, name))

    async def set_up(self) -> None:
        register = await self.use("register_user")
        seller = (await register(Register("seller@example.com", PASSWORD, "Seller"))).id
        store = await (await self.use("open_store"))(seller, OpenStoreCommand("Toko", "Shop", ADDRESS))
        product = await (await self.use("create_product"))(
            seller,
            store.id,
            CreateProductCommand("Batik", "Handmade", None, [VariantInput("B-1", "One", 100_000, 5, 300)]),
        )
        await (await self.use("publish_product"))(seller, product.id)
        self.store_id, self.variant_id = store.id, product.variants[0].id
        self.buyer = (await register(Register("buyer@example.com", PASSWORD, "Buyer"))).id
        self.address = (await (await self.use("add_address"))(self.buyer, ADDRESS)).id
        await (await self.use("cart")).add(self.buyer, self.variant_id, 2)

    async def place(self, key: str, die_at: str | None = None) -> Any:
        self.die.step = die_at
        request = CheckoutRequest(self.address, {self.store_id: "instant"}, idempotency_key=key)
        return await (await self.use("place_checkout"))(self.buyer, request)

    async def stock(self) -> int:
        return (await (await self.use("catalog_queries")).variants([self.variant_id]))[0].stock

    async def cart_lines(self) -> int:
        async with (await self.use("uow"))() as uow:
            cart = await uow.carts.get(self.buyer)
            return len(cart.lines) if cart else 0

    async def checkouts(self) -> list[Any]:
        async with (await self.use("uow"))() as uow:
            orders = await uow.orders.of_buyer(self.buyer, None, None, 100)
            every = [await uow.checkouts.get(o.checkout_id) for o in orders]
        return every

    async def only_checkout(self) -> Any:
        """The one checkout this buyer ever placed, listed or not."""
        async with (await self.use("uow"))() as uow:
            found = await uow.checkouts.get_by_key(self.buyer, "k-1")
            if found is None:
                ids = await uow.checkouts.ended_unchecked(10) + await uow.checkouts.without_invoice(self.clock.at, 10)
                found = await uow.checkouts.get(ids[0])
        return found

    async def worker(self) -> None:
        await (await build_worker(self.container)).drain()
        expire = await self.use("expire_checkouts")
        await expire()
        await expire.look_up_ended()
        await (await build_worker(self.container)).drain()


@pytest.fixture
async def world() -> Any:
    clock, die = Clock(), DieAt()
    container = build_container(Settings.in_memory())
    container.clock.override(providers.Object(clock))
    container.checkpoints.override(providers.Object(die))
    await container.init_resources()
    try:
        built = World(container, clock, die)
        await built.set_up()
        yield built
    finally:
        await container.shutdown_resources()


@pytest.mark.parametrize("step", ["checkout.reserved", "checkout.invoiced", "checkout.recorded"])
async def test_a_retry_with_the_key_finishes_the_checkout_the_first_attempt_left(world: World, step: str) -> None:
    with pytest.raises(Died):
        await world.place("k-1", die_at=step)
    view = await world.place("k-1")
    assert view.status == "pending_payment" and view.payment.invoice_id and view.payment.invoice_url
    again = await world.place("k-1")
    assert (again.id, again.payment.invoice_id) == (view.id, view.payment.invoice_id)
    assert await world.stock() == 3, "reserved once"
    assert await world.cart_lines() == 0, "the bought lines left the cart"
    found = await (await world.use("payments")).find_invoice(view.id)
    assert found.id == view.payment.invoice_id, "the provider made one invoice, the one recorded"
    assert [c.id for c in await world.checkouts()] == [view.id]


async def test_a_checkout_left_before_its_invoice_is_voided_by_the_worker_and_its_key_let_go(world: World) -> None:
    with pytest.raises(Died):
        await world.place("k-1", die_at="checkout.reserved")
    world.clock.at += timedelta(minutes=3)
    await world.worker()
    assert await world.stock() == 5 and await world.checkouts() == []
    view = await world.place("k-1")  # the key now places a new checkout: the first one kept nothing
    assert view.status == "pending_payment" and await world.stock() == 3


async def test_an_invoice_whose_id_was_never_recorded_is_expired_at_the_provider(world: World) -> None:
    with pytest.raises(Died):
        await world.place("k-1", die_at="checkout.invoiced")
    world.clock.at += timedelta(minutes=3)
    await world.worker()
    checkout = await world.only_checkout()
    assert checkout.status.value == "expired" and checkout.invoice_id is not None
    invoice = await (await world.use("payments")).get_invoice(checkout.invoice_id)
    assert invoice.status is InvoiceStatus.EXPIRED, "nobody can pay it any more"
    assert await world.stock() == 5


async def test_a_payment_of_an_orphaned_invoice_is_refunded_for_real(world: World) -> None:
    """Finding 9: the checkout ended without knowing its invoice, and the buyer paid that invoice."""
    with pytest.raises(Died):
        await world.place("k-1", die_at="checkout.invoiced")
    gateway = await world.use("payments")
    invoice = await gateway.find_invoice((await world.only_checkout()).id)
    gateway.find_invoice = gateway.expire_invoice = _unreachable  # the provider is down when the sweep asks
    world.clock.at += timedelta(days=2)  # past its expiry: ended here, whatever the provider says
    await (await world.use("expire_checkouts"))()
    ended = await world.only_checkout()
    assert ended.status.value == "expired" and ended.invoice_id is None and await world.stock() == 5
    del gateway.find_invoice, gateway.expire_invoice
    # The payer had paid it at the provider in its last moment (the in-memory provider's record, forced).
    gateway._invoices[invoice.id] = msgspec.structs.replace(invoice, status=InvoiceStatus.PAID)
    await world.worker()
    checkout = await world.only_checkout()
    assert checkout.invoice_id == invoice.id and checkout.payment_status.value == "paid" and checkout.flag
    assert [(r.order_id, r.amount.amount) for r in checkout.refunds] == [("", invoice.amount)]
    assert gateway._refunds[checkout.refunds[0].id].invoice_id == invoice.id, "asked of the provider"


async def test_a_timeout_that_hid_a_made_invoice_voids_the_checkout_and_the_worker_expires_the_invoice(
    world: World,
) -> None:
    gateway = await world.use("payments")
    create = gateway.create_invoice

    async def made_but_lost(**kwargs: Any) -> Any:
        await create(**kwargs)
        raise BackendUnavailable("the payment provider did not answer in time")

    gateway.create_invoice = made_but_lost
    with pytest.raises(DomainError):
        await world.place("k-1")
    del gateway.create_invoice
    assert await world.checkouts() == [] and await world.stock() == 5 and await world.cart_lines() == 1
    await world.worker()
    async with (await world.use("uow"))() as uow:
        assert await uow.checkouts.ended_unchecked(10) == []
    voided = [c for c in gateway._invoices.values()]
    assert [i.status for i in voided] == [InvoiceStatus.EXPIRED], "found by our id and expired there"


async def _unreachable(_: str) -> Any:
    raise BackendUnavailable("the payment provider could not be reached")


async def test_money_owed_back_and_never_asked_of_the_provider_is_a_disagreement_not_on_its_way(world: World) -> None:
    view = await world.place("k-1")
    gateway, receive = await world.use("payments"), await world.use("receive_callback")
    gateway.mark_paid(view.payment.invoice_id)
    await receive.invoice(
        invoice_report(
            {
                "id": view.payment.invoice_id,
                "external_id": view.id,
                "status": "PAID",
                "amount": view.payment.amount.amount,
                "currency": "IDR",
            }
        )
    )
    await (await world.use("buyer_orders")).cancel(world.buyer, view.orders[0].id)
    reconcile = await world.use("reconcile_ledger")
    owed = await reconcile()
    assert owed.unrequested == view.orders[0].total.amount and not owed.agrees
    await world.worker()  # the refund is asked of the provider
    asked = await reconcile()
    assert (asked.unrequested, asked.refunds_requested, asked.agrees) == (0, view.orders[0].total.amount, True)
