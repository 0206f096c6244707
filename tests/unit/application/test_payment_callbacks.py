"""Provider callbacks and reconciliation on the real use cases (in-memory adapters, a clock we move):
applied once whatever the repeats and their order, mismatches flagged, unknown ids kept, refunds
followed to their outcome, failed refunds tried again, late payments refunded, lost callbacks caught."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import pytest
from dependency_injector import providers

from marketplace.adapters.xendit.callbacks import invoice_report, refund_report
from marketplace.application.catalog.commands import CreateProductCommand, VariantInput
from marketplace.application.identity.addresses import AddressInput
from marketplace.application.identity.register_user import Register
from marketplace.application.ordering.place_checkout import CheckoutRequest
from marketplace.application.ports.payments import InvoiceStatus
from marketplace.application.ports.provider_reports import InvoiceReport
from marketplace.application.stores.open_store import OpenStoreCommand
from marketplace.entrypoints.container import Container, build_container, resolve
from marketplace.entrypoints.settings import Settings
from marketplace.entrypoints.worker import build_worker
from tests.credentials import PASSWORD


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 11, 25, 9, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


ADDRESS = AddressInput(
    recipient="Ayu",
    phone="081234567890",
    line1="Jl. Sudirman 1",
    city="Jakarta",
    postal_code="10110",
    lat=-6.2,
    lng=106.8,
)


class World:
    def __init__(self, container: Container, clock: Clock) -> None:
        self.container, self.clock = container, clock

    async def use(self, name: str) -> Any:
        return await resolve(getattr(self.container, name))

    async def checkout(self) -> Any:
        register = await self.use("register_user")
        seller = (await register(Register("seller@example.com", PASSWORD, "Seller"))).id
        store = await (await self.use("open_store"))(seller, OpenStoreCommand("Toko", "Shop", ADDRESS))
        product = await (await self.use("create_product"))(
            seller,
            store.id,
            CreateProductCommand("Batik", "Handmade", None, [VariantInput("B-1", "One", 100_000, 5, 300)]),
        )
        await (await self.use("publish_product"))(seller, product.id)
        self.seller, self.store_id, self.variant_id = seller, store.id, product.variants[0].id
        buyer = (await register(Register("buyer@example.com", PASSWORD, "Buyer"))).id
        address = await (await self.use("add_address"))(buyer, ADDRESS)
        await (await self.use("cart")).add(buyer, self.variant_id, 2)
        self.buyer = buyer
        return await (await self.use("place_checkout"))(buyer, CheckoutRequest(address.id, {store.id: "instant"}))

    def callback(self, view: Any, status: str, **changes: Any) -> InvoiceReport:
        """Xendit's invoice callback about this checkout, as its adapter reports it."""
        return invoice_report(
            {
                "id": view.payment.invoice_id,
                "external_id": view.id,
                "status": status,
                "amount": view.payment.amount.amount,
                "currency": "IDR",
                **changes,
            }
        )

    async def current(self, view: Any) -> Any:
        return await (await self.use("get_checkout"))(self.buyer, view.id)

    async def stock(self) -> int:
        return (await (await self.use("catalog_queries")).variants([self.variant_id]))[0].stock

    async def run_worker(self) -> None:
        worker = await build_worker(self.container)
        await worker.drain()


@pytest.fixture
async def world() -> Any:
    clock = Clock()
    container = build_container(Settings.in_memory())
    container.clock.override(providers.Object(clock))
    await container.init_resources()
    try:
        yield World(container, clock)
    finally:
        await container.shutdown_resources()


async def test_a_paid_callback_applies_once_and_a_late_expired_changes_nothing(world: World) -> None:
    view = await world.checkout()
    receive = await world.use("receive_callback")
    assert await receive.invoice(world.callback(view, "PAID")) == "paid"
    for _ in range(10):
        assert await receive.invoice(world.callback(view, "PAID")) == "unchanged"
    assert await receive.invoice(world.callback(view, "EXPIRED")) == "unchanged"
    now = await world.current(view)
    assert now.status == "paid" and [len(o.history) for o in now.orders] == [2]
    assert await world.stock() == 3


async def test_a_mismatched_callback_is_flagged_and_an_unknown_one_is_kept(world: World) -> None:
    view = await world.checkout()
    receive = await world.use("receive_callback")
    assert (await receive.invoice(world.callback(view, "PAID", amount=1))).startswith("mismatch")
    assert (await receive.invoice(world.callback(view, "PAID", currency="USD"))).startswith("mismatch")
    assert (await receive.invoice(world.callback(view, "PAID", external_id="someone-else"))).startswith("mismatch")
    assert (await world.current(view)).status == "pending_payment"
    unknown = invoice_report(
        {"id": "f" * 24, "external_id": "nobody", "status": "PAID", "amount": 5, "currency": "IDR"}
    )
    assert await receive.invoice(unknown) == "no checkout has this invoice"
    async with (await world.use("uow"))() as uow:
        kept = await uow.callbacks.recent("xendit", "f" * 24, 10)
        flagged = await uow.checkouts.get(view.id)
    assert [c.matched for c in kept] == [False] and flagged.flag and "external_id" in flagged.flag


async def test_a_payment_short_of_the_amount_is_a_mismatch_only_when_the_invoice_says_paid(world: World) -> None:
    view = await world.checkout()
    receive = await world.use("receive_callback")
    short = view.payment.amount.amount - 1
    assert await receive.invoice(world.callback(view, "SETTLED", paid_amount=short)) == (
        f"mismatch: paid_amount {short} is less than {view.payment.amount.amount}"
    )
    assert (await world.current(view)).status == "pending_payment"
    assert await receive.invoice(world.callback(view, "EXPIRED", paid_amount=short)) == "expired"


async def test_a_report_from_any_provider_is_applied_alike_and_kept_under_its_name(world: World) -> None:
    """What a second payment provider's adapter would hand over: the use case reads nothing else."""
    view = await world.checkout()
    report = InvoiceReport(
        provider="another-provider",
        invoice_id=view.payment.invoice_id,
        status=InvoiceStatus.PAID,
        status_text="settlement",
        external_id=view.id,
        amount=view.payment.amount.amount,
        paid_amount=None,
        currency=None,
        invoice_url="",
        payload={"transaction_status": "settlement", "order_id": view.id},
    )
    assert await (await world.use("receive_callback")).invoice(report) == "paid"
    async with (await world.use("uow"))() as uow:
        kept = await uow.callbacks.recent("another-provider", view.payment.invoice_id, 10)
    assert [(c.status, c.matched, c.note, c.payload) for c in kept] == [("settlement", True, "paid", report.payload)]


async def test_an_expired_callback_releases_stock_and_a_late_payment_is_refunded_whole(world: World) -> None:
    view = await world.checkout()
    receive = await world.use("receive_callback")
    gateway = await world.use("payments")
    assert await receive.invoice(world.callback(view, "EXPIRED")) == "expired"
    assert await world.stock() == 5
    # The payer paid at the provider just as it expired on our side (the in-memory provider's record, forced).
    invoice_id = view.payment.invoice_id
    gateway._invoices[invoice_id] = msgspec.structs.replace(gateway._invoices[invoice_id], status=InvoiceStatus.PAID)
    assert await receive.invoice(world.callback(view, "PAID")) == "late-payment"
    await world.run_worker()
    now = await world.current(view)
    assert now.status == "expired" and await world.stock() == 5
    assert [(r.order_id, r.amount.amount, r.status) for r in now.payment.refunds] == [
        ("", view.payment.amount.amount, "pending")
    ]


async def test_refund_outcomes_arrive_by_callback_and_a_failed_one_is_tried_again(world: World) -> None:
    view = await world.checkout()
    receive = await world.use("receive_callback")
    gateway = await world.use("payments")
    gateway.mark_paid(view.payment.invoice_id)
    await receive.invoice(world.callback(view, "PAID"))
    order = view.orders[0]
    await (await world.use("buyer_orders")).cancel(world.buyer, order.id)
    await world.run_worker()
    first = (await world.current(view)).payment.refunds
    assert [(r.status, r.amount.amount) for r in first] == [("pending", order.total.amount)]

    gateway.settle_refund(first[0].id, succeeded=False)
    event = {
        "event": "refund.failed",
        "data": {
            "id": first[0].id,
            "invoice_id": view.payment.invoice_id,
            "status": "FAILED",
            "amount": order.total.amount,
        },
    }
    assert await receive.refund(refund_report(event)) == "failed"
    assert await receive.refund(refund_report(event)) == "ignored: already failed"
    await world.run_worker()
    refunds = (await world.current(view)).payment.refunds
    assert [r.status for r in refunds] == ["failed", "pending"], "the failed one stays visible, a new one is asked"

    second = refunds[1]
    gateway.settle_refund(second.id)
    succeeded = {
        "event": "refund.succeeded",
        "data": {
            "id": second.id,
            "invoice_id": view.payment.invoice_id,
            "status": "SUCCEEDED",
            "amount": order.total.amount,
        },
    }
    assert await receive.refund(refund_report(succeeded)) == "succeeded"
    assert await receive.refund(refund_report({**succeeded, "event": "refund.failed"})) == "ignored: already succeeded"
    assert [r.status for r in (await world.current(view)).payment.refunds] == ["failed", "succeeded"]
    assert await receive.refund(
        refund_report({"event": "refund.succeeded", "data": {"id": "rfd-x", "invoice_id": "nope"}})
    ) == ("no checkout has this refund's invoice")


async def test_reconciliation_catches_a_lost_paid_callback_and_a_lost_refund_outcome(world: World) -> None:
    view = await world.checkout()
    gateway = await world.use("payments")
    gateway.mark_paid(view.payment.invoice_id)  # the provider's callback never arrives
    reconcile = await world.use("reconcile_payments")
    assert await reconcile() == 0, "not overdue yet"
    world.clock.at += timedelta(minutes=2)
    assert await reconcile() == 1
    assert (await world.current(view)).status == "paid"

    await (await world.use("buyer_orders")).cancel(world.buyer, view.orders[0].id)
    await world.run_worker()
    refund = (await world.current(view)).payment.refunds[0]
    gateway.settle_refund(refund.id)  # settled, and again no callback
    assert await reconcile() == 1
    assert [r.status for r in (await world.current(view)).payment.refunds] == ["succeeded"]


async def test_a_cancelled_checkout_stays_cancelled_whatever_the_invoice_does(world: World) -> None:
    view = await world.checkout()
    gateway, receive = await world.use("payments"), await world.use("receive_callback")
    cancelled = await (await world.use("cancel_checkout"))(world.buyer, view.id)
    assert cancelled.status == "cancelled" and await world.stock() == 5
    # The provider's EXPIRED for the invoice (sent once the worker expires it) changes nothing.
    await world.run_worker()
    assert (await gateway.get_invoice(view.payment.invoice_id)).status is InvoiceStatus.EXPIRED
    assert await receive.invoice(world.callback(view, "EXPIRED")) == "unchanged"
    await world.run_worker()  # the handler ran already: a redelivery is harmless
    now = await world.current(view)
    assert now.status == "cancelled" and {o.status for o in now.orders} == {"cancelled"}
    assert now.payment.refunds == []


async def test_a_payment_that_beats_the_invoice_expiry_is_refunded_whole(world: World) -> None:
    view = await world.checkout()
    gateway = await world.use("payments")
    await (await world.use("cancel_checkout"))(world.buyer, view.id)
    gateway.mark_paid(view.payment.invoice_id)  # paid before the worker got to expire it
    await world.run_worker()
    now = await world.current(view)
    assert now.status == "cancelled" and await world.stock() == 5
    assert [(r.order_id, r.amount.amount) for r in now.payment.refunds] == [("", view.payment.amount.amount)]
