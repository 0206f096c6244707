"""A provider that takes the connection and never answers: each call of the Xendit and GoSend adapters gives
up at its deadline with BackendUnavailable, however many tries were left, instead of waiting out every
try's read timeout (4 x 10 s before); the worker's limit for a handler lies above that deadline."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from marketplace.adapters.gosend.shipping import DEADLINE_SECONDS as GOSEND_DEADLINE
from marketplace.adapters.gosend.shipping import GoSendShippingGateway, gosend_client
from marketplace.adapters.xendit.payments import DEADLINE_SECONDS as XENDIT_DEADLINE
from marketplace.adapters.xendit.payments import XenditPaymentGateway, xendit_client
from marketplace.adapters.xendit.payouts import XenditPayoutGateway
from marketplace.application.errors import BackendUnavailable
from marketplace.application.ports.payouts import BankAccount
from marketplace.application.ports.shipping import BookingRequest, ShippingMethod, Stop
from marketplace.application.worker.dispatcher import OutboxDispatcher
from marketplace.domain.shared.address import GeoPoint
from marketplace.domain.shared.money import Money
from tests.integration.silent_server import silent_server

DEADLINE = 0.3  # the tests' own, far below the clients' read timeout
PATIENCE = 5.0  # well above DEADLINE and well below one read timeout: only the deadline can end a call in time
MONAS, BLOK_M = GeoPoint(-6.1754, 106.8272), GeoPoint(-6.2444, 106.7991)


@pytest.fixture
async def hanging() -> AsyncIterator[str]:
    """The URL of a server that reads requests and never answers."""
    async with silent_server() as port:
        yield f"http://127.0.0.1:{port}"


async def _gives_up(call: Callable[[], Awaitable[Any]]) -> None:
    with pytest.raises(BackendUnavailable, match="did not answer"):
        async with asyncio.timeout(PATIENCE):
            await call()


async def test_xendit_payment_calls_give_up_at_their_deadline(hanging: str) -> None:
    async with xendit_client(hanging, "xnd_development_whatever") as client:
        gateway = XenditPaymentGateway(client, deadline_seconds=DEADLINE)
        await _gives_up(lambda: gateway.get_invoice("inv-1"))
        await _gives_up(
            lambda: gateway.create_refund(
                invoice_id="inv-1", amount=Money(10_000), reason="cancelled", idempotency_key=uuid.uuid4().hex
            )
        )


async def test_xendit_payout_calls_give_up_at_their_deadline(hanging: str) -> None:
    bank = BankAccount(channel_code="ID_BCA", account_number="1234567890", account_holder_name="Sari Batik")
    async with xendit_client(hanging, "xnd_development_whatever") as client:
        gateway = XenditPayoutGateway(client, deadline_seconds=DEADLINE)
        await _gives_up(
            lambda: gateway.create_payout(
                reference_id="payout-1",
                amount=Money(50_000),
                bank=bank,
                description="",
                idempotency_key=uuid.uuid4().hex,
            )
        )
        await _gives_up(lambda: gateway.find_payout("payout-1"))


async def test_gosend_calls_and_bookings_give_up_at_their_deadline(hanging: str) -> None:
    request = BookingRequest(
        store_order_id=f"shipment-{uuid.uuid4().hex}",
        method=ShippingMethod.INSTANT,
        origin=Stop(name="Toko", phone="6281234567890", address="Jl. Medan Merdeka 1", point=MONAS),
        destination=Stop(name="Ayu", phone="6281298765432", address="Jl. Melawai 2", point=BLOK_M),
        item="Kopi",
        value=50_000,
    )
    async with gosend_client(hanging, "marketplace-engine", "key") as client:
        gateway = GoSendShippingGateway(client, deadline_seconds=DEADLINE)
        await _gives_up(lambda: gateway.quote(MONAS, BLOK_M, 1_000))
        await _gives_up(lambda: gateway.book(request))


def test_a_provider_call_gives_up_before_the_worker_gives_up_on_its_handler() -> None:
    limit = OutboxDispatcher.__dataclass_fields__["handler_seconds"].default
    assert XENDIT_DEADLINE < limit and GOSEND_DEADLINE < limit  # type: ignore[operator]
