"""The worker's handler for orders that leave after payment: their total goes back to the buyer."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.ports.outbox import OutboxEntry
from marketplace.application.ports.payments import PaymentGateway, RefundStatus
from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.application.ports.system import Clock
from marketplace.domain.ordering.checkout import RefundRecord, RefundState
from marketplace.domain.shared.money import Money

REASONS = {"cancelled": "cancelled by the buyer", "rejected": "rejected by the store",
           "returned": "returned by the courier"}


@dataclass(frozen=True, slots=True)
class RefundOrder:
    """On `OrderStatusChanged` with `refund_due`: asks the provider for the refund, once per order
    (the provider's idempotency key names the order and the attempt), and records it on the checkout."""

    uow: UnitOfWorkFactory
    payments: PaymentGateway
    clock: Clock
    name: str = "refund-order"
    topics: tuple[str, ...] = ("OrderStatusChanged",)

    async def __call__(self, message: OutboxEntry) -> None:
        payload = message.payload
        if not payload.get("refund_due"):
            return
        order_id, checkout_id = payload["order_id"], payload["checkout_id"]
        async with self.uow() as uow:
            checkout = await uow.checkouts.get(checkout_id)
        if checkout is None or checkout.invoice_id is None:
            return
        if any(r.order_id == order_id and r.status is not RefundState.FAILED for r in checkout.refunds):
            return  # already asked for
        attempt = sum(1 for r in checkout.refunds if r.order_id == order_id)  # failed ones before this
        amount = Money(payload["amount"], payload["currency"])
        reason = REASONS.get(payload["status"], "order refunded")
        refund = await self.payments.create_refund(invoice_id=checkout.invoice_id, amount=amount, reason=reason,
                                                   idempotency_key=f"refund-{order_id}-{attempt}")
        async with self.uow() as uow:
            checkout = await uow.checkouts.get(checkout_id)
            if checkout is None:
                return
            checkout.record_refund(RefundRecord(
                id=refund.id, order_id=order_id, amount=Money(refund.amount, refund.currency),
                status=RefundState(refund.status.value if isinstance(refund.status, RefundStatus) else refund.status),
                reason=reason, created_at=self.clock.now(),
            ))
            await uow.checkouts.save(checkout)
            await uow.commit()
