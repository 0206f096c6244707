"""The worker's sweep: checkouts expire at their time whatever the provider says or does not say."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from marketplace.application.errors import BackendUnavailable
from marketplace.application.ordering.checkouts import ApplyInvoice, settle
from marketplace.application.ports.payments import InvoiceStatus, PaymentGateway, PaymentRefused
from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.application.ports.system import Clock
from marketplace.domain.shared.errors import ConcurrentUpdate

log = logging.getLogger("marketplace.worker")
BATCH = 100
# A checkout still without an invoice after this was abandoned between its two steps (a crash).
ORPHAN_AFTER = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class ExpireCheckouts:
    uow: UnitOfWorkFactory
    payments: PaymentGateway
    apply: ApplyInvoice
    clock: Clock

    async def __call__(self) -> int:
        """Expires every pending checkout whose time has come (or that never got its invoice);
        answers how many. A checkout the provider reports paid is marked paid instead."""
        now = self.clock.now()
        async with self.uow() as uow:
            due = await uow.checkouts.due(now, BATCH)
            orphans = await uow.checkouts.without_invoice(now - ORPHAN_AFTER, BATCH)
        done = 0
        for checkout_id in dict.fromkeys([*due, *orphans]):
            try:
                done += await self._expire(checkout_id)
            except ConcurrentUpdate:
                continue  # another worker or a payment moved it meanwhile: it is not pending any more
        return done

    async def _expire(self, checkout_id: str) -> int:
        async with self.uow() as uow:
            checkout = await uow.checkouts.get(checkout_id)
        if checkout is None or not checkout.is_pending:
            return 0
        if checkout.invoice_id is not None:
            try:
                invoice = await self.payments.get_invoice(checkout.invoice_id)
                if invoice is not None and invoice.status is InvoiceStatus.PAID:
                    await self.apply(invoice)
                    return 0
                if invoice is not None and invoice.status is InvoiceStatus.PENDING:
                    await self.payments.expire_invoice(checkout.invoice_id)
            except PaymentRefused:
                invoice = await self.payments.get_invoice(checkout.invoice_id)  # paid at the last moment?
                if invoice is not None and invoice.status is InvoiceStatus.PAID:
                    await self.apply(invoice)
                    return 0
            except BackendUnavailable as error:
                # Expire here anyway: the time is ours. A payment arriving later is refunded.
                log.warning("could not expire invoice %s at the provider: %s", checkout.invoice_id, error)
        async with self.uow() as uow:
            checkout = await uow.checkouts.get(checkout_id)
            if checkout is None or not checkout.is_pending:
                return 0
            await settle(uow, checkout, "expire", self.clock.now())
            await uow.commit()
        return 1
