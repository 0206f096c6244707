"""PaymentGateway contract: idempotent invoices that expire, refunds never above what was paid.

Run on the in-memory adapter and on the Xendit adapter over real HTTP against the Xendit sandbox
served on a local port (`marketplace sandbox xendit`). A `Payer` plays what happens outside our
calls: the payer paying, the provider settling a refund, time passing.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from marketplace.adapters.memory.payments import MemoryPaymentGateway
from marketplace.adapters.system import Uuid7Ids
from marketplace.adapters.xendit.payments import XenditPaymentGateway, xendit_client
from marketplace.application.ports.payments import InvoiceStatus, PaymentRefused, RefundStatus
from marketplace.domain.shared.money import Money
from tests.integration.sandbox_server import SANDBOX_KEY, sandbox_xendit


class FixedClock:
    def __init__(self) -> None:
        self.at = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


@dataclass
class Payer:
    gateway: Any
    pay: Any  # (invoice id) -> None, raises PaymentRefused when it cannot be paid
    settle: Any  # (refund id, succeeded) -> None
    pass_time: Any  # (seconds) -> None
    duration: int  # a short invoice lifetime this backend can wait out
    now: Any  # () -> datetime, the provider's time


@pytest.fixture(scope="module")
def xendit_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with sandbox_xendit(tmp_path_factory.mktemp("xendit"), refund_seconds=0) as base:
        yield base


@pytest.fixture(params=["memory", "xendit-sandbox"])
async def payer(request: pytest.FixtureRequest) -> AsyncIterator[Payer]:
    if request.param == "memory":
        clock = FixedClock()
        gateway = MemoryPaymentGateway(clock, Uuid7Ids())

        async def pay(invoice_id: str) -> None:
            gateway.mark_paid(invoice_id)

        async def settle(refund_id: str, succeeded: bool) -> None:
            gateway.settle_refund(refund_id, succeeded)

        async def pass_time(seconds: float) -> None:
            clock.at += timedelta(seconds=seconds)

        yield Payer(gateway, pay, settle, pass_time, 3600, clock.now)
        return
    base = request.getfixturevalue("xendit_sandbox")
    async with xendit_client(base, SANDBOX_KEY) as client, httpx.AsyncClient(base_url=base) as control:

        async def pay_x(invoice_id: str) -> None:
            answer = await control.post(f"/_sandbox/invoices/{invoice_id}/pay")
            if answer.status_code >= 400:
                raise PaymentRefused(answer.text)

        async def settle_x(refund_id: str, succeeded: bool) -> None:
            answer = await control.post(f"/_sandbox/refunds/{refund_id}/{'succeed' if succeeded else 'fail'}")
            assert answer.status_code < 400, answer.text

        async def sleep(seconds: float) -> None:
            await asyncio.sleep(seconds + 0.3)

        yield Payer(XenditPaymentGateway(client), pay_x, settle_x, sleep, 1, lambda: datetime.now(UTC))


async def _invoice(payer: Payer, key: str, amount: int = 417_500, duration: int | None = None) -> Any:
    return await payer.gateway.create_invoice(
        external_id="checkout-1",
        amount=Money(amount),
        description="Checkout",
        payer_email="buyer@example.com",
        duration_seconds=duration or 3600,
        idempotency_key=key,
    )


def _key() -> str:
    return uuid.uuid4().hex


async def test_an_invoice_is_pending_until_paid_and_the_same_key_gives_it_back(payer: Payer) -> None:
    key = _key()
    invoice = await _invoice(payer, key)
    assert (invoice.status, invoice.amount, invoice.currency, invoice.external_id) == (
        InvoiceStatus.PENDING,
        417_500,
        "IDR",
        "checkout-1",
    )
    assert abs(invoice.expires_at - payer.now() - timedelta(hours=1)) < timedelta(seconds=5) and invoice.invoice_url
    assert await _invoice(payer, key) == invoice
    assert (await _invoice(payer, _key())).id != invoice.id
    await payer.pay(invoice.id)
    assert (await payer.gateway.get_invoice(invoice.id)).status is InvoiceStatus.PAID


async def test_an_invoice_expires_by_time_or_on_request_and_then_cannot_be_paid(payer: Payer) -> None:
    timed = await _invoice(payer, _key(), duration=payer.duration)
    asked = await _invoice(payer, _key())
    assert (await payer.gateway.expire_invoice(asked.id)).status is InvoiceStatus.EXPIRED
    await payer.pass_time(payer.duration)
    assert (await payer.gateway.get_invoice(timed.id)).status is InvoiceStatus.EXPIRED
    with pytest.raises(PaymentRefused):
        await payer.pay(timed.id)
    with pytest.raises(PaymentRefused):
        await payer.pay(asked.id)
    with pytest.raises(PaymentRefused):
        await payer.gateway.expire_invoice(asked.id)
    assert await payer.gateway.get_invoice("0123456789abcdef01234567") is None


async def test_refunds_of_a_paid_invoice_never_exceed_what_was_paid(payer: Payer) -> None:
    invoice = await _invoice(payer, _key(), amount=300_000)
    with pytest.raises(PaymentRefused):
        await payer.gateway.create_refund(
            invoice_id=invoice.id, amount=Money(1), reason="early", idempotency_key=_key()
        )
    await payer.pay(invoice.id)
    key = _key()
    first = await payer.gateway.create_refund(
        invoice_id=invoice.id, amount=Money(200_000), reason="order cancelled", idempotency_key=key
    )
    assert first.status is RefundStatus.PENDING and first.amount == 200_000
    assert (
        await payer.gateway.create_refund(
            invoice_id=invoice.id, amount=Money(200_000), reason="order cancelled", idempotency_key=key
        )
        == first
    )
    with pytest.raises(PaymentRefused):
        await payer.gateway.create_refund(
            invoice_id=invoice.id, amount=Money(100_001), reason="too much", idempotency_key=_key()
        )
    await payer.settle(first.id, False)  # a failed refund gives its amount back to refund
    assert (await payer.gateway.get_refund(first.id)).status is RefundStatus.FAILED
    second = await payer.gateway.create_refund(
        invoice_id=invoice.id, amount=Money(300_000), reason="all", idempotency_key=_key()
    )
    await payer.settle(second.id, True)
    settled = await payer.gateway.get_refund(second.id)
    assert settled.status is RefundStatus.SUCCEEDED and settled.amount == 300_000


async def test_an_invoice_is_found_by_our_external_id_when_its_own_id_was_lost(payer: Payer) -> None:
    """A crash between making the invoice and recording its id: the checkout id finds it again."""
    checkout_id = f"checkout-{_key()}"
    assert await payer.gateway.find_invoice(checkout_id) is None
    made = await payer.gateway.create_invoice(
        external_id=checkout_id,
        amount=Money(125_000),
        description="Checkout",
        payer_email="buyer@example.com",
        duration_seconds=3600,
        idempotency_key=checkout_id,
    )
    found = await payer.gateway.find_invoice(checkout_id)
    assert found is not None and (found.id, found.status, found.amount) == (made.id, InvoiceStatus.PENDING, 125_000)
    await payer.pay(made.id)
    assert (await payer.gateway.find_invoice(checkout_id)).status is InvoiceStatus.PAID
    assert await payer.gateway.find_invoice(f"checkout-{_key()}") is None
