"""Provider callbacks about invoices and refunds: checked against our records, applied once, kept.

Each arrives as a report its provider's adapter made of the payload (application/ports/provider_reports.py).

Callbacks come again and out of order (docs/providers.md, "Xendit callbacks"): each one is applied only if it moves
something forward (a pending checkout to paid or expired, a pending refund to its outcome), so
any number of repeats, or a late EXPIRED after PAID, change nothing more. An amount, currency or
external id that does not match our checkout is flagged for a person instead of marking it paid.
Every callback is recorded as received, matched or not.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from marketplace.application.ordering.checkouts import apply_invoice
from marketplace.application.ports.checkpoints import NO_CHECKPOINTS, Checkpoints
from marketplace.application.ports.payments import InvoiceStatus
from marketplace.application.ports.persistence import ProviderCallback, UnitOfWork, UnitOfWorkFactory
from marketplace.application.ports.provider_reports import InvoiceReport, RefundReport
from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.domain.ordering.checkout import Checkout, RefundRecord, RefundState
from marketplace.domain.shared.ids import is_id
from marketplace.domain.shared.money import Money


def order_of_reference(reference: str) -> str | None:
    """Our refunds' reference ids are `refund-<order id>-<attempt>`."""
    if reference.startswith("refund-"):
        order_id = reference[len("refund-") :].rsplit("-", 1)[0]
        return order_id if is_id(order_id) else None
    return None


@dataclass(frozen=True, slots=True)
class ReceiveCallback:
    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    checkpoints: Checkpoints = NO_CHECKPOINTS

    async def invoice(self, report: InvoiceReport) -> str:
        """An invoice callback, as its provider's adapter reported it."""
        invoice_id, status_text, status = report.invoice_id, report.status_text, report.status
        async with self.uow() as uow:
            checkout = await uow.checkouts.get_by_invoice(invoice_id)
            if checkout is None and report.external_id is not None and is_id(report.external_id):
                checkout = await uow.checkouts.get(report.external_id)
            if checkout is None or status is None:
                note = "no checkout has this invoice" if checkout is None else f"unknown status {status_text[:40]}"
                return await self._keep(uow, "invoice", invoice_id, status_text, False, note, report)
            mismatch = self._mismatch(checkout, report)
            if mismatch:
                checkout.raise_flag(f"invoice callback {status_text}: {mismatch}", self.clock.now())
                await uow.checkouts.save(checkout)
                return await self._keep(uow, "invoice", invoice_id, status_text, True, f"mismatch: {mismatch}", report)
            # Found by our external id: a crash lost the invoice's id before it was recorded. Record it
            # now, so that the payment can be refunded if the checkout has ended meanwhile.
            outcome = await apply_invoice(uow, checkout, invoice_id, report.invoice_url, status, self.clock.now())
            answer = await self._keep(uow, "invoice", invoice_id, status_text, True, outcome, report)
        await self.checkpoints.reached("callback.applied")
        return answer

    async def refund(self, report: RefundReport) -> str:
        """A refund's outcome, as its provider's adapter reported it."""
        refund_id, state = report.refund_id, report.state
        async with self.uow() as uow:
            invoice_id = report.invoice_id
            checkout = await uow.checkouts.get_by_invoice(invoice_id) if invoice_id is not None else None
            if checkout is None or state is None:
                note = "no checkout has this refund's invoice" if checkout is None else "unknown refund status"
                return await self._keep(uow, "refund", refund_id, report.status_text[:40], False, note, report)
            known = next((r for r in checkout.refunds if r.id == refund_id), None)
            if known is None:
                # The outcome came before our record of the request (or the record was lost): our
                # reference id names the order, so the refund can be recorded from the callback.
                order_id = order_of_reference(report.reference)
                amount = report.amount
                if order_id is None or amount is None or amount <= 0:
                    return await self._keep(uow, "refund", refund_id, state.value, False, "unknown refund", report)
                known = RefundRecord(
                    id=refund_id,
                    order_id=order_id,
                    amount=Money(amount, report.currency or checkout.amount.currency),
                    status=RefundState.PENDING,
                    reason=report.reason or "refund",
                    created_at=self.clock.now(),
                )
            if known.status is not RefundState.PENDING or state is RefundState.PENDING:
                return await self._keep(
                    uow, "refund", refund_id, state.value, True, f"ignored: already {known.status.value}", report
                )
            checkout.record_refund(replace(known, status=state))
            await uow.checkouts.save(checkout)
            return await self._keep(uow, "refund", refund_id, state.value, True, state.value, report)

    @staticmethod
    def _mismatch(checkout: Checkout, report: InvoiceReport) -> str | None:
        if checkout.invoice_id is not None and checkout.invoice_id != report.invoice_id:
            return f"invoice {report.invoice_id} is not this checkout's ({checkout.invoice_id})"
        if report.external_id != checkout.id:
            return f"external_id {str(report.external_id)[:64]!r} is not {checkout.id}"
        amount = checkout.amount.amount
        if report.amount != amount:
            return f"amount {report.amount!r} is not {amount}"
        paid = report.paid_amount
        if paid is not None and report.status is InvoiceStatus.PAID and paid < amount:
            return f"paid_amount {paid} is less than {amount}"
        currency = checkout.amount.currency if report.currency is None else report.currency
        if currency != checkout.amount.currency:
            return f"currency {currency[:8]!r} is not {checkout.amount.currency}"
        return None

    async def _keep(
        self,
        uow: UnitOfWork,
        kind: str,
        reference: str,
        status: str,
        matched: bool,
        note: str,
        report: InvoiceReport | RefundReport,
    ) -> str:
        await uow.callbacks.add(
            ProviderCallback(
                id=self.ids.new_id(),
                provider=report.provider,
                kind=kind,
                reference=reference[:100],
                status=status[:40],
                matched=matched,
                note=note[:500],
                payload=dict(report.payload),
                received_at=self.clock.now(),
            )
        )
        await uow.commit()
        return note
