"""The buyer's checkout: see it, cancel it before paying; and the payment's outcome applied to it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from marketplace.application.errors import NotFound
from marketplace.application.ordering.moves import move_order
from marketplace.application.ordering.views import CheckoutView, checkout_view
from marketplace.application.ports.payments import Invoice, InvoiceStatus, PaymentGateway, PaymentRefused
from marketplace.application.ports.persistence import UnitOfWork, UnitOfWorkFactory
from marketplace.application.ports.system import Clock
from marketplace.application.worker.subscriptions import Received, Subscriptions
from marketplace.domain.ordering.checkout import Checkout, CheckoutSettled
from marketplace.domain.ordering.policy import OrderAction
from marketplace.domain.shared.errors import IllegalTransition
from marketplace.domain.shared.ids import is_id

log = logging.getLogger("marketplace.payments")


async def buyers_checkout(uow: UnitOfWork, user_id: str, checkout_id: str) -> Checkout:
    checkout = await uow.checkouts.get(checkout_id) if is_id(checkout_id) else None
    if checkout is None or checkout.buyer_id != user_id or checkout.voided:
        raise NotFound("checkout", checkout_id[:64])
    return checkout


def adopt_invoice(checkout: Checkout, invoice_id: str, invoice_url: str, now: datetime) -> bool:
    """An invoice found by the checkout's id (its own id was never recorded) becomes the checkout's; an
    ended checkout has then been looked up at the provider. True when the checkout changed (save it)."""
    if checkout.invoice_id is not None:
        return False
    checkout.attach_invoice(invoice_id, invoice_url)
    if not checkout.is_pending:
        checkout.checked_at = now
    return True


async def apply_invoice(
    uow: UnitOfWork, checkout: Checkout, invoice_id: str, invoice_url: str, status: InvoiceStatus, now: datetime
) -> str:
    """`apply_status` for an invoice that may not be recorded on its checkout yet."""
    adopted = adopt_invoice(checkout, invoice_id, invoice_url, now)
    outcome = await apply_status(uow, checkout, status, now)
    if adopted and outcome == "unchanged":
        await uow.checkouts.save(checkout)
    return outcome


async def void_checkout(uow: UnitOfWork, checkout: Checkout, now: datetime) -> None:
    """A pending checkout without an invoice, and its orders, cancelled silently and hidden; stock back."""
    checkout.void(now)
    for order in await uow.orders.of_checkout(checkout.id):
        await uow.stock.release(order.void(now))
        await uow.orders.save(order)
    await uow.checkouts.save(checkout)


async def settle(uow: UnitOfWork, checkout: Checkout, outcome: str, now: datetime) -> None:
    """Moves a pending checkout and all its orders to paid, expired or cancelled; stock back unless paid."""
    getattr(checkout, outcome)(now)
    for order in await uow.orders.of_checkout(checkout.id):
        await move_order(uow, order, OrderAction(outcome), now)
        await uow.orders.save(order)
    await uow.checkouts.save(checkout)


@dataclass(frozen=True, slots=True)
class GetCheckout:
    uow: UnitOfWorkFactory

    async def __call__(self, user_id: str, checkout_id: str) -> CheckoutView:
        async with self.uow() as uow:
            checkout = await buyers_checkout(uow, user_id, checkout_id)
            return checkout_view(checkout, await uow.orders.of_checkout(checkout.id))


async def apply_status(uow: UnitOfWork, checkout: Checkout, status: InvoiceStatus, now: datetime) -> str:
    """The invoice's status applied to its checkout, once: what happened, in a word."""
    if checkout.is_pending and status is InvoiceStatus.PAID:
        await settle(uow, checkout, "pay", now)
        return "paid"
    if checkout.is_pending and status is InvoiceStatus.EXPIRED:
        await settle(uow, checkout, "expire", now)
        return "expired"
    if status is InvoiceStatus.PAID and checkout.receive_late_payment(now):
        # Paid after we expired or cancelled it: the stock went back, so the money goes back too.
        log.warning(
            "invoice %s was paid but checkout %s is %s: refunding it",
            checkout.invoice_id,
            checkout.id,
            checkout.status.value,
        )
        await uow.checkouts.save(checkout)
        return "late-payment"
    return "unchanged"


@dataclass(frozen=True, slots=True)
class ApplyInvoice:
    """A payment event (a poll, the worker's check) applied once: paid or expired."""

    uow: UnitOfWorkFactory
    clock: Clock

    async def __call__(self, invoice: Invoice) -> Checkout | None:
        """The checkout it moved or found; None when no checkout has this invoice."""
        async with self.uow() as uow:
            checkout = await uow.checkouts.get_by_invoice(invoice.id)
            if checkout is None and is_id(invoice.external_id):
                checkout = await uow.checkouts.get(invoice.external_id)
            if checkout is None:
                return None
            await apply_invoice(uow, checkout, invoice.id, invoice.invoice_url, invoice.status, self.clock.now())
            await uow.commit()
            return checkout


@dataclass(frozen=True, slots=True)
class SyncPayment:
    """Asks the provider where a checkout's invoice stands and applies it."""

    uow: UnitOfWorkFactory
    payments: PaymentGateway
    apply: ApplyInvoice

    async def __call__(self, checkout_id: str) -> Checkout | None:
        async with self.uow() as uow:
            checkout = await uow.checkouts.get(checkout_id)
        if checkout is None or checkout.invoice_id is None:
            return checkout
        invoice = await self.payments.get_invoice(checkout.invoice_id)
        return checkout if invoice is None else await self.apply(invoice)


@dataclass(frozen=True, slots=True)
class CancelCheckout:
    """The buyer gives up before paying: the checkout and its orders are cancelled and the stock goes
    back at once; the invoice is expired at the provider by the worker (`ExpireCancelledInvoice`).

    Cancelling here first, rather than after asking the provider, keeps the buyer's intention whatever
    the provider's callbacks do meanwhile: expiring the invoice makes Xendit send EXPIRED, which
    would otherwise race this change and could turn a cancellation into an expiry. A payment made in
    the moment before the invoice is expired is a late payment and is refunded whole.
    """

    uow: UnitOfWorkFactory
    clock: Clock

    async def __call__(self, user_id: str, checkout_id: str) -> CheckoutView:
        async with self.uow() as uow:
            checkout = await buyers_checkout(uow, user_id, checkout_id)
            if not checkout.is_pending:
                raise IllegalTransition(f"a checkout that is {checkout.status.value} cannot be cancelled")
            await settle(uow, checkout, "cancel", self.clock.now())
            await uow.commit()
            return checkout_view(checkout, await uow.orders.of_checkout(checkout.id))


@dataclass(frozen=True, slots=True)
class ExpireCancelledInvoice:
    """Outbox handler: a cancelled checkout's invoice is expired at the provider, so it can no longer be
    paid. Repeats are harmless (an invoice no longer pending is left as it is); a payment that won the
    race is applied, which refunds it as a late payment."""

    uow: UnitOfWorkFactory
    payments: PaymentGateway
    apply: ApplyInvoice
    name: str = "expire-cancelled-invoice"

    def subscribe(self, bus: Subscriptions) -> None:
        bus.subscribe(CheckoutSettled, self.name, self)

    async def __call__(self, received: Received[CheckoutSettled]) -> None:
        if received.event.status != "cancelled":
            return
        async with self.uow() as uow:
            checkout = await uow.checkouts.get(received.event.checkout_id)
        if checkout is None or checkout.invoice_id is None:
            return
        try:
            await self.payments.expire_invoice(checkout.invoice_id)
        except PaymentRefused:  # no longer pending: paid meanwhile, or expired already
            invoice = await self.payments.get_invoice(checkout.invoice_id)
            if invoice is not None and invoice.status is InvoiceStatus.PAID:
                await self.apply(invoice)
