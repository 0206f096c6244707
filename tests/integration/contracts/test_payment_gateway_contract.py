"""PaymentGateway contract: idempotent invoices that expire, refunds never above what was paid.

Only the in-memory adapter exists yet; the Xendit adapter (against its sandbox) joins this suite
with the payments issue. The in-memory adapter's `mark_paid` / `settle_refund` play the payer.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from marketplace.adapters.memory.payments import MemoryPaymentGateway
from marketplace.adapters.system import Uuid7Ids
from marketplace.application.ports.payments import InvoiceStatus, PaymentRefused, RefundStatus
from marketplace.domain.shared.money import Money


class FixedClock:
    def __init__(self) -> None:
        self.at = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


@pytest.fixture(params=["memory"])
def setup(request: pytest.FixtureRequest) -> tuple[Any, FixedClock]:
    clock = FixedClock()
    return MemoryPaymentGateway(clock, Uuid7Ids()), clock


async def _invoice(gateway: Any, key: str = "k-1", amount: int = 417_500) -> Any:
    return await gateway.create_invoice(external_id="checkout-1", amount=Money(amount), description="Checkout",
                                        payer_email="buyer@example.com", duration_seconds=3600, idempotency_key=key)


async def test_an_invoice_is_pending_until_paid_and_the_same_key_gives_it_back(setup: Any) -> None:
    gateway, clock = setup
    invoice = await _invoice(gateway)
    assert (invoice.status, invoice.amount, invoice.currency, invoice.external_id) == (
        InvoiceStatus.PENDING, 417_500, "IDR", "checkout-1")
    assert invoice.expires_at == clock.at + timedelta(hours=1) and invoice.invoice_url
    assert await _invoice(gateway) == invoice
    assert (await _invoice(gateway, key="k-2")).id != invoice.id
    gateway.mark_paid(invoice.id)
    assert (await gateway.get_invoice(invoice.id)).status is InvoiceStatus.PAID


async def test_an_invoice_expires_by_time_or_on_request_and_then_cannot_be_paid(setup: Any) -> None:
    gateway, clock = setup
    timed, asked = await _invoice(gateway, "a"), await _invoice(gateway, "b")
    assert (await gateway.expire_invoice(asked.id)).status is InvoiceStatus.EXPIRED
    clock.at += timedelta(hours=1)
    assert (await gateway.get_invoice(timed.id)).status is InvoiceStatus.EXPIRED
    with pytest.raises(PaymentRefused):
        gateway.mark_paid(timed.id)
    with pytest.raises(PaymentRefused):
        gateway.mark_paid(asked.id)
    with pytest.raises(PaymentRefused):
        await gateway.expire_invoice(asked.id)
    assert await gateway.get_invoice("no-such-invoice") is None


async def test_refunds_of_a_paid_invoice_never_exceed_what_was_paid(setup: Any) -> None:
    gateway, _ = setup
    invoice = await _invoice(gateway, amount=300_000)
    with pytest.raises(PaymentRefused):
        await gateway.create_refund(invoice_id=invoice.id, amount=Money(1), reason="early", idempotency_key="r-0")
    gateway.mark_paid(invoice.id)
    first = await gateway.create_refund(invoice_id=invoice.id, amount=Money(200_000), reason="order cancelled",
                                        idempotency_key="r-1")
    assert first.status is RefundStatus.PENDING
    assert await gateway.create_refund(invoice_id=invoice.id, amount=Money(200_000), reason="order cancelled",
                                       idempotency_key="r-1") == first
    with pytest.raises(PaymentRefused):
        await gateway.create_refund(invoice_id=invoice.id, amount=Money(100_001), reason="too much", idempotency_key="r-2")
    gateway.settle_refund(first.id, succeeded=False)  # a failed refund gives its amount back to refund
    second = await gateway.create_refund(invoice_id=invoice.id, amount=Money(300_000), reason="all", idempotency_key="r-3")
    assert gateway.settle_refund(second.id).status is RefundStatus.SUCCEEDED
    assert (await gateway.get_refund(second.id)).amount == 300_000
