"""Provider callbacks about invoices and refunds: checked against our records, applied once, kept.

Callbacks come again and out of order (docs/providers.md, "Xendit callbacks"): each one is applied only if it moves
something forward (a pending checkout to paid or expired, a pending refund to its outcome), so
any number of repeats, or a late EXPIRED after PAID, change nothing more. An amount, currency or
external id that does not match our checkout is flagged for a person instead of marking it paid.
Every callback is recorded as received, matched or not.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from marketplace.application.ordering.checkouts import apply_invoice
from marketplace.application.ports.checkpoints import NO_CHECKPOINTS, Checkpoints
from marketplace.application.ports.payments import InvoiceStatus
from marketplace.application.ports.persistence import ProviderCallback, UnitOfWork, UnitOfWorkFactory
from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.domain.ordering.checkout import Checkout, RefundRecord, RefundState
from marketplace.domain.shared.errors import InvalidValue
from marketplace.domain.shared.ids import is_id
from marketplace.domain.shared.money import Money

INVOICE_STATUSES = {
    "PAID": InvoiceStatus.PAID,
    "SETTLED": InvoiceStatus.PAID,
    "EXPIRED": InvoiceStatus.EXPIRED,
    "PENDING": InvoiceStatus.PENDING,
}
REFUND_STATES = {"SUCCEEDED": RefundState.SUCCEEDED, "FAILED": RefundState.FAILED, "PENDING": RefundState.PENDING}
REFUND_EVENTS = {"refund.succeeded": RefundState.SUCCEEDED, "refund.failed": RefundState.FAILED}


def _text(payload: dict[str, Any], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value or len(value) > 200:
        raise InvalidValue(name, "is missing or not a string")
    return value


def _amount(payload: dict[str, Any], name: str) -> int | None:
    value = payload.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


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

    async def invoice(self, payload: dict[str, Any]) -> str:
        """A flat invoice callback (`id`, `external_id`, `status`, `amount`, `currency`, ...)."""
        invoice_id, status_text = _text(payload, "id"), _text(payload, "status").upper()
        status = INVOICE_STATUSES.get(status_text)
        async with self.uow() as uow:
            checkout = await uow.checkouts.get_by_invoice(invoice_id)
            external_id = payload.get("external_id")
            if checkout is None and isinstance(external_id, str) and is_id(external_id):
                checkout = await uow.checkouts.get(external_id)
            if checkout is None or status is None:
                note = "no checkout has this invoice" if checkout is None else f"unknown status {status_text[:40]}"
                return await self._keep(uow, "invoice", invoice_id, status_text, False, note, payload)
            mismatch = self._mismatch(checkout, invoice_id, payload)
            if mismatch:
                checkout.raise_flag(f"invoice callback {status_text}: {mismatch}", self.clock.now())
                await uow.checkouts.save(checkout)
                return await self._keep(uow, "invoice", invoice_id, status_text, True, f"mismatch: {mismatch}", payload)
            # Found by our external id: a crash lost the invoice's id before it was recorded. Record it
            # now, so that the payment can be refunded if the checkout has ended meanwhile.
            invoice_url = payload.get("invoice_url")
            outcome = await apply_invoice(
                uow, checkout, invoice_id, invoice_url if isinstance(invoice_url, str) else "", status, self.clock.now()
            )
            answer = await self._keep(uow, "invoice", invoice_id, status_text, True, outcome, payload)
        await self.checkpoints.reached("callback.applied")
        return answer

    async def refund(self, payload: dict[str, Any]) -> str:
        """A refund event: `{event, data: {id, invoice_id, status, amount, currency, reference_id}}`."""
        event, data = payload.get("event"), payload.get("data")
        if not isinstance(data, dict):
            raise InvalidValue("data", "is missing")
        refund_id = _text(data, "id")
        state = REFUND_EVENTS.get(str(event)) or REFUND_STATES.get(str(data.get("status", "")).upper())
        async with self.uow() as uow:
            invoice_id = data.get("invoice_id")
            checkout = await uow.checkouts.get_by_invoice(invoice_id) if isinstance(invoice_id, str) else None
            if checkout is None or state is None:
                note = "no checkout has this refund's invoice" if checkout is None else "unknown refund status"
                return await self._keep(uow, "refund", refund_id, str(event)[:40], False, note, payload)
            known = next((r for r in checkout.refunds if r.id == refund_id), None)
            if known is None:
                # The outcome came before our record of the request (or the record was lost): our
                # reference id names the order, so the refund can be recorded from the callback.
                order_id = order_of_reference(str(data.get("reference_id", "")))
                amount = _amount(data, "amount")
                if order_id is None or amount is None or amount <= 0:
                    return await self._keep(uow, "refund", refund_id, state.value, False, "unknown refund", payload)
                known = RefundRecord(
                    id=refund_id,
                    order_id=order_id,
                    amount=Money(amount, str(data.get("currency") or checkout.amount.currency)),
                    status=RefundState.PENDING,
                    reason=str(data.get("reason") or "refund"),
                    created_at=self.clock.now(),
                )
            if known.status is not RefundState.PENDING or state is RefundState.PENDING:
                return await self._keep(
                    uow, "refund", refund_id, state.value, True, f"ignored: already {known.status.value}", payload
                )
            checkout.record_refund(replace(known, status=state))
            await uow.checkouts.save(checkout)
            return await self._keep(uow, "refund", refund_id, state.value, True, state.value, payload)

    @staticmethod
    def _mismatch(checkout: Checkout, invoice_id: str, payload: dict[str, Any]) -> str | None:
        if checkout.invoice_id is not None and checkout.invoice_id != invoice_id:
            return f"invoice {invoice_id} is not this checkout's ({checkout.invoice_id})"
        if payload.get("external_id") != checkout.id:
            return f"external_id {str(payload.get('external_id'))[:64]!r} is not {checkout.id}"
        amount = _amount(payload, "amount")
        if amount != checkout.amount.amount:
            return f"amount {payload.get('amount')!r} is not {checkout.amount.amount}"
        paid = _amount(payload, "paid_amount")
        if paid is not None and str(payload.get("status", "")).upper() in ("PAID", "SETTLED") and paid < amount:
            return f"paid_amount {paid} is less than {amount}"
        currency = payload.get("currency", checkout.amount.currency)
        if currency != checkout.amount.currency:
            return f"currency {str(currency)[:8]!r} is not {checkout.amount.currency}"
        return None

    async def _keep(
        self, uow: UnitOfWork, kind: str, reference: str, status: str, matched: bool, note: str, payload: dict[str, Any]
    ) -> str:
        await uow.callbacks.add(
            ProviderCallback(
                id=self.ids.new_id(),
                provider="xendit",
                kind=kind,
                reference=reference[:100],
                status=status[:40],
                matched=matched,
                note=note[:500],
                payload=payload,
                received_at=self.clock.now(),
            )
        )
        await uow.commit()
        return note
