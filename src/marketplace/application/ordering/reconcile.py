"""The worker's reconciliation: asks the provider about payments and refunds whose callbacks are
overdue, so a lost callback cannot leave a paid order unpaid or a refund pending for ever."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import timedelta

from marketplace.application.errors import BackendUnavailable
from marketplace.application.ordering.checkouts import apply_status
from marketplace.application.ports.payments import PaymentGateway, PaymentRefused
from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.application.ports.system import Clock
from marketplace.domain.ordering.checkout import RefundState
from marketplace.domain.shared.errors import ConcurrentUpdate

log = logging.getLogger("marketplace.worker")
BATCH = 50
OVERDUE = timedelta(minutes=1)  # a callback usually arrives within seconds of the change


@dataclass(frozen=True, slots=True)
class ReconcilePayments:
    uow: UnitOfWorkFactory
    payments: PaymentGateway
    clock: Clock

    async def __call__(self) -> int:
        """Answers how many checkouts it changed."""
        now = self.clock.now()
        async with self.uow() as uow:
            pending = await uow.checkouts.unsettled(now - OVERDUE, BATCH)
            refunding = await uow.checkouts.with_pending_refunds(BATCH)
        changed = 0
        for checkout_id in dict.fromkeys([*pending, *refunding]):
            try:
                changed += await self._reconcile(checkout_id)
            except (BackendUnavailable, PaymentRefused) as error:
                log.warning("reconciliation of checkout %s skipped: %s", checkout_id, error)
            except ConcurrentUpdate:
                continue  # a callback moved it meanwhile
        return changed

    async def _reconcile(self, checkout_id: str) -> int:
        async with self.uow() as uow:
            checkout = await uow.checkouts.get(checkout_id)
        if checkout is None or checkout.invoice_id is None:
            return 0
        invoice = await self.payments.get_invoice(checkout.invoice_id) if checkout.is_pending else None
        refunds = {
            r.id: await self.payments.get_refund(r.id) for r in checkout.refunds if r.status is RefundState.PENDING
        }
        async with self.uow() as uow:
            checkout = await uow.checkouts.get(checkout_id)
            if checkout is None:
                return 0
            outcome = "unchanged"
            if invoice is not None:
                outcome = await apply_status(uow, checkout, invoice.status, self.clock.now())
            for known in list(checkout.refunds):
                found = refunds.get(known.id)
                if found is not None and known.status is RefundState.PENDING and found.status.value != "pending":
                    checkout.record_refund(replace(known, status=RefundState(found.status.value)))
                    outcome = "refund settled"
            checkout.checked_at = self.clock.now()
            await uow.checkouts.save(checkout)
            await uow.commit()
        return 0 if outcome == "unchanged" else 1
