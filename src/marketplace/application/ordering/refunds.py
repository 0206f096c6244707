"""The worker's refunds: orders that leave after payment, failed refunds tried again, late payments.

The provider is asked with an idempotency key naming the order and the attempt, so a redelivered
message never refunds twice; a failed refund stays listed as failed and a new attempt is made, up
to MAX_ATTEMPTS, after which a person has to look (the checkout is flagged).
"""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.ordering.checkouts import adopt_invoice
from marketplace.application.ports.payments import PaymentGateway
from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.application.ports.system import Clock
from marketplace.application.worker.subscriptions import Received, Subscriptions
from marketplace.domain.ordering.checkout import LatePaymentReceived, RefundRecord, RefundRecorded, RefundState
from marketplace.domain.ordering.order import OrderStatusChanged
from marketplace.domain.shared.money import Money

REASONS = {
    "cancelled": "cancelled by the buyer",
    "rejected": "rejected by the store",
    "returned": "returned by the courier",
}
MAX_ATTEMPTS = 5
LATE = "late"  # the key part naming a whole late payment instead of an order


@dataclass(frozen=True, slots=True)
class RefundOrder:
    uow: UnitOfWorkFactory
    payments: PaymentGateway
    clock: Clock
    name: str = "refund-order"

    def subscribe(self, bus: Subscriptions) -> None:
        bus.subscribe(OrderStatusChanged, self.name, self.order_left)
        bus.subscribe(RefundRecorded, self.name, self.refund_recorded)
        bus.subscribe(LatePaymentReceived, self.name, self.late_payment)

    async def order_left(self, received: Received[OrderStatusChanged]) -> None:
        """An order that leaves after payment (cancelled, rejected, returned) is refunded."""
        event = received.event
        if event.refund_due:
            reason = REASONS.get(event.status, "order refunded")
            await self._refund(event.checkout_id, event.order_id, Money(event.amount, event.currency), reason)

    async def refund_recorded(self, received: Received[RefundRecorded]) -> None:
        """A refund the provider failed is tried again."""
        event = received.event
        if event.status == RefundState.FAILED.value:
            reason = "refund tried again after a failure"
            await self._refund(event.checkout_id, event.order_id, Money(event.amount, "IDR"), reason)

    async def late_payment(self, received: Received[LatePaymentReceived]) -> None:
        event = received.event
        reason = "paid after the checkout had ended"
        await self._refund(event.checkout_id, "", Money(event.amount, event.currency), reason)

    async def _refund(self, checkout_id: str, order_id: str, amount: Money, reason: str) -> None:
        async with self.uow() as uow:
            checkout = await uow.checkouts.get(checkout_id)
        if checkout is None:
            return
        invoice_id = checkout.invoice_id or await self._find_invoice(checkout_id)
        if checkout.refund_for(order_id) is not None:
            return  # asked for already (pending) or done
        attempt = sum(1 for r in checkout.refunds if r.order_id == order_id)  # the failed ones before this
        if attempt >= MAX_ATTEMPTS:
            async with self.uow() as uow:
                checkout = await uow.checkouts.get(checkout_id)
                if checkout is not None:
                    checkout.raise_flag(f"refund of order {order_id or LATE} failed {attempt} times", self.clock.now())
                    await uow.checkouts.save(checkout)
                    await uow.commit()
            return
        refund = await self.payments.create_refund(
            invoice_id=invoice_id,
            amount=amount,
            reason=reason,
            idempotency_key=f"refund-{order_id or LATE + '-' + checkout_id}-{attempt}",
        )
        async with self.uow() as uow:
            checkout = await uow.checkouts.get(checkout_id)
            if checkout is None:
                return
            known = next((r for r in checkout.refunds if r.id == refund.id), None)
            if known is None:  # a callback may have recorded it first
                checkout.record_refund(
                    RefundRecord(
                        id=refund.id,
                        order_id=order_id,
                        amount=Money(refund.amount, refund.currency),
                        status=RefundState(refund.status.value),
                        reason=reason,
                        created_at=self.clock.now(),
                    )
                )
                await uow.checkouts.save(checkout)
                await uow.commit()

    async def _find_invoice(self, checkout_id: str) -> str:
        """The invoice paid for a checkout whose invoice id was never recorded (a crash between the
        provider making it and us saving it), looked up by the checkout's id and recorded. Raises, so
        the message is tried again and parked for a person, rather than dropping money owed."""
        invoice = await self.payments.find_invoice(checkout_id)
        if invoice is None:
            raise LookupError(f"the provider holds no invoice for checkout {checkout_id}: a refund is owed")
        async with self.uow() as uow:
            checkout = await uow.checkouts.get(checkout_id)
            if checkout is not None and adopt_invoice(checkout, invoice.id, invoice.invoice_url, self.clock.now()):
                await uow.checkouts.save(checkout)
                await uow.commit()
        return invoice.id
