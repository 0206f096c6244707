"""The worker's refunds: orders that leave after payment, failed refunds tried again, late payments.

The provider is asked with an idempotency key naming the order and the attempt, so a redelivered
message never refunds twice; a failed refund stays listed as failed and a new attempt is made, up
to MAX_ATTEMPTS, after which a person has to look (the checkout is flagged).
"""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.ordering.checkouts import adopt_invoice
from marketplace.application.ports.outbox import OutboxEntry
from marketplace.application.ports.payments import PaymentGateway
from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.application.ports.system import Clock
from marketplace.domain.ordering.checkout import RefundRecord, RefundState
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
    topics: tuple[str, ...] = ("OrderStatusChanged", "RefundRecorded", "LatePaymentReceived")

    async def __call__(self, message: OutboxEntry) -> None:
        payload = message.payload
        if message.topic == "OrderStatusChanged":
            if not payload.get("refund_due"):
                return
            reason = REASONS.get(payload["status"], "order refunded")
            await self._refund(
                payload["checkout_id"], payload["order_id"], Money(payload["amount"], payload["currency"]), reason
            )
        elif message.topic == "RefundRecorded":
            if payload["status"] == RefundState.FAILED.value:
                await self._refund(
                    payload["checkout_id"],
                    payload["order_id"],
                    Money(payload["amount"], "IDR"),
                    "refund tried again after a failure",
                )
        elif message.topic == "LatePaymentReceived":
            await self._refund(
                payload["checkout_id"],
                "",
                Money(payload["amount"], payload["currency"]),
                "paid after the checkout had ended",
            )

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
