"""The worker's sweeps: checkouts expire at their time whatever the provider says or does not say, and
no invoice the provider holds stays unknown to us.

A checkout may lack its invoice's id after a crash between the provider making the invoice and us
recording it, or after a timeout that hid a success. The invoice's external id is the checkout's
id, so the provider is asked by that: a found invoice is recorded (and expired there, or its
payment applied, or refunded when the checkout had ended); when the provider holds none, a pending
checkout is voided (nobody was ever shown an invoice for it) and an ended one is marked looked up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from marketplace.application.errors import BackendUnavailable
from marketplace.application.ordering.checkouts import ApplyInvoice, apply_invoice, settle, void_checkout
from marketplace.application.ports.payments import Invoice, InvoiceStatus, PaymentGateway, PaymentRefused
from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.application.ports.system import Clock
from marketplace.domain.ordering.checkout import Checkout
from marketplace.domain.shared.errors import ConcurrentUpdate

log = logging.getLogger("marketplace.worker")
BATCH = 100
# A checkout still without an invoice after this was abandoned between its two steps (a crash): the
# request that placed it has given up by now (the provider adapter's calls are bounded well below it).
ORPHAN_AFTER = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class ExpireCheckouts:
    uow: UnitOfWorkFactory
    payments: PaymentGateway
    apply: ApplyInvoice
    clock: Clock
    orphan_after: timedelta = ORPHAN_AFTER

    async def __call__(self) -> int:
        """Expires (or voids) every pending checkout whose time has come or that never got its invoice;
        answers how many. A checkout the provider reports paid is marked paid instead."""
        now = self.clock.now()
        async with self.uow() as uow:
            due = await uow.checkouts.due(now, BATCH)
            orphans = await uow.checkouts.without_invoice(now - self.orphan_after, BATCH)
        done = 0
        for checkout_id in dict.fromkeys([*due, *orphans]):
            try:
                done += await self._expire(checkout_id)
            except ConcurrentUpdate:
                continue  # another worker or a payment moved it meanwhile: it is not pending any more
        return done

    async def look_up_ended(self) -> int:
        """Asks the provider about checkouts that ended without a recorded invoice; answers how many it
        settled. A pending invoice is expired there; a paid one is a late payment, refunded whole."""
        async with self.uow() as uow:
            ended = await uow.checkouts.ended_unchecked(BATCH)
        looked = 0
        for checkout_id in ended:
            try:
                looked += await self._look_up(checkout_id)
            except ConcurrentUpdate:
                continue
            except BackendUnavailable as error:
                log.warning("could not look up the invoice of checkout %s: %s", checkout_id, error)
                break  # the provider is down: the next round asks again
        return looked

    async def _expire(self, checkout_id: str) -> int:
        async with self.uow() as uow:
            checkout = await uow.checkouts.get(checkout_id)
        if checkout is None or not checkout.is_pending:
            return 0
        try:
            invoice = await self._invoice_of(checkout)
        except BackendUnavailable as error:
            if not checkout.is_due(self.clock.now()):
                return 0  # an orphan: whether the provider holds its invoice is asked again next round
            # The time is ours: expire it anyway. The provider is asked later (look_up_ended), and a
            # payment that arrives meanwhile finds the checkout by its id and is refunded.
            log.warning("could not reach the provider about checkout %s: %s", checkout.id, error)
            invoice = None
        else:
            if invoice is not None and invoice.status is InvoiceStatus.PAID:
                await self.apply(invoice)
                return 0
            if invoice is None and checkout.invoice_id is None:
                return await self._void(checkout_id)
        return await self._settle_expired(checkout_id, invoice)

    async def _invoice_of(self, checkout: Checkout) -> Invoice | None:
        """The checkout's invoice as the provider has it now, expired there if it was still payable."""
        invoice = (
            await self.payments.get_invoice(checkout.invoice_id)
            if checkout.invoice_id is not None
            else await self.payments.find_invoice(checkout.id)
        )
        if invoice is None or invoice.status is not InvoiceStatus.PENDING:
            return invoice
        try:
            return await self.payments.expire_invoice(invoice.id)
        except PaymentRefused:
            return await self.payments.get_invoice(invoice.id)  # paid at the last moment?
        except BackendUnavailable as error:
            log.warning("could not expire invoice %s at the provider: %s", invoice.id, error)
            return invoice

    async def _void(self, checkout_id: str) -> int:
        """The provider holds no invoice for it: the buyer was never shown one. Nothing stays."""
        async with self.uow() as uow:
            checkout = await uow.checkouts.get(checkout_id)
            if checkout is None or not checkout.is_pending or checkout.invoice_id is not None:
                return 0
            checkout.checked_at = self.clock.now()  # the provider was asked: it holds none
            await void_checkout(uow, checkout, self.clock.now())
            await uow.commit()
        return 1

    async def _settle_expired(self, checkout_id: str, invoice: Invoice | None) -> int:
        async with self.uow() as uow:
            checkout = await uow.checkouts.get(checkout_id)
            if checkout is None or not checkout.is_pending:
                return 0
            now = self.clock.now()
            if invoice is not None and checkout.invoice_id is None:
                await apply_invoice(uow, checkout, invoice.id, invoice.invoice_url, InvoiceStatus.EXPIRED, now)
            else:
                await settle(uow, checkout, "expire", now)
            await uow.commit()
        return 1

    async def _look_up(self, checkout_id: str) -> int:
        async with self.uow() as uow:
            checkout = await uow.checkouts.get(checkout_id)
        if checkout is None or checkout.is_pending or checkout.invoice_id is not None or checkout.checked_at:
            return 0
        invoice = await self._invoice_of(checkout)
        async with self.uow() as uow:
            checkout = await uow.checkouts.get(checkout_id)
            if checkout is None or checkout.invoice_id is not None:
                return 0
            now = self.clock.now()
            if invoice is None:
                checkout.checked_at = now
                await uow.checkouts.save(checkout)
            else:
                await apply_invoice(uow, checkout, invoice.id, invoice.invoice_url, invoice.status, now)
            await uow.commit()
        return 1
