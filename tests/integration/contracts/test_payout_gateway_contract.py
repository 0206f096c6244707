"""PayoutGateway contract: idempotent payouts, pending until the bank answers, found by our reference,
refused when Xendit would refuse them.

Run on the in-memory adapter and on the Xendit adapter over real HTTP against the Xendit sandbox served
on a local port (`marketplace sandbox xendit`). A `Bank` plays what happens outside our calls: the
payout succeeding or failing (the sandbox's control endpoints, memory's `settle`).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from marketplace.adapters.memory.payouts import MemoryPayoutGateway
from marketplace.adapters.system import Uuid7Ids
from marketplace.adapters.xendit.payouts import XenditPayoutGateway, xendit_client
from marketplace.application.errors import BackendUnavailable
from marketplace.application.ports.payouts import (
    BankAccount,
    PayoutGateway,
    PayoutRefused,
    PayoutStatus,
    ProviderPayout,
)
from marketplace.domain.shared.money import Money
from tests.integration.sandbox_server import SANDBOX_KEY, sandbox_xendit
from tests.integration.serving import free_port

BCA = BankAccount(channel_code="ID_BCA", account_number="1234567890", account_holder_name="Sari Batik")
DANA = BankAccount(channel_code="ID_DANA", account_number="081234567890", account_holder_name="Budi")


@dataclass
class Bank:
    gateway: PayoutGateway
    settle: Callable[[str, bool], Awaitable[None]]  # (payout id, succeeded)


@pytest.fixture(scope="module")
def xendit_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with sandbox_xendit(tmp_path_factory.mktemp("xendit-payouts")) as base:
        yield base


@pytest.fixture(params=["memory", "xendit-sandbox"])
async def bank(request: pytest.FixtureRequest) -> AsyncIterator[Bank]:
    if request.param == "memory":
        gateway = MemoryPayoutGateway(Uuid7Ids())

        async def settle(payout_id: str, succeeded: bool) -> None:
            gateway.settle(payout_id, succeeded)

        yield Bank(gateway, settle)
        return
    base = request.getfixturevalue("xendit_sandbox")
    async with xendit_client(base, SANDBOX_KEY) as client, httpx.AsyncClient(base_url=base) as control:

        async def settle_x(payout_id: str, succeeded: bool) -> None:
            answer = await control.post(f"/_sandbox/payouts/{payout_id}/{'succeed' if succeeded else 'fail'}")
            assert answer.status_code == 200, answer.text

        yield Bank(XenditPayoutGateway(client), settle_x)


def _key() -> str:
    return uuid.uuid4().hex


def _reference() -> str:
    return f"payout-{uuid.uuid4().hex[:12]}"


async def _pay(
    bank: Bank,
    reference_id: str,
    key: str,
    amount: int = 250_000,
    account: BankAccount = BCA,
    description: str = "Payout for week 47",
) -> ProviderPayout:
    return await bank.gateway.create_payout(
        reference_id=reference_id, amount=Money(amount), bank=account, description=description, idempotency_key=key
    )


async def test_a_payout_is_pending_and_the_same_key_gives_it_back(bank: Bank) -> None:
    reference, key = _reference(), _key()
    payout = await _pay(bank, reference, key)
    assert (payout.reference_id, payout.amount, payout.currency, payout.status, payout.failure_code) == (
        reference,
        250_000,
        "IDR",
        PayoutStatus.PENDING,
        None,
    )
    assert payout.id
    assert await _pay(bank, reference, key) == payout, "a retry with the key gets the payout made for it"
    assert (await _pay(bank, reference, _key())).id != payout.id, "another key: another payout"
    assert await bank.gateway.get_payout(payout.id) == payout
    with pytest.raises(PayoutRefused):  # the key is not reused for another request
        await _pay(bank, reference, key, amount=1)


async def test_a_payout_is_found_by_reference_the_newest_first(bank: Bank) -> None:
    reference = _reference()
    assert await bank.gateway.find_payout(reference) is None
    first = await _pay(bank, reference, _key())
    assert await bank.gateway.find_payout(reference) == first
    second = await _pay(bank, reference, _key(), amount=100_000, account=DANA)
    assert await bank.gateway.find_payout(reference) == second
    await _pay(bank, _reference(), _key())
    assert await bank.gateway.find_payout(reference) == second
    assert await bank.gateway.get_payout("disb-000000000000000000000000") is None


async def test_the_banks_answer_shows_through_get_and_find(bank: Bank) -> None:
    won, lost = await _pay(bank, _reference(), _key()), await _pay(bank, _reference(), _key())
    await bank.settle(won.id, True)
    await bank.settle(lost.id, False)
    succeeded = await bank.gateway.get_payout(won.id)
    failed = await bank.gateway.get_payout(lost.id)
    assert succeeded is not None and (succeeded.status, succeeded.failure_code) == (PayoutStatus.SUCCEEDED, None)
    assert failed is not None and (failed.status, failed.failure_code) == (PayoutStatus.FAILED, "TRANSFER_ERROR")
    assert await bank.gateway.find_payout(lost.reference_id) == failed
    assert succeeded.amount == won.amount and succeeded.reference_id == won.reference_id


@pytest.mark.parametrize(
    ("account", "amount"),
    [
        (BankAccount(channel_code="ID_NOWHERE", account_number="1234567890", account_holder_name="X"), 10_000),
        (BankAccount(channel_code="PH_GCASH", account_number="09171234567", account_holder_name="X"), 10_000),
        (BankAccount(channel_code="ID_BCA", account_number="12-345-678", account_holder_name="X"), 10_000),
        (BankAccount(channel_code="ID_BCA", account_number="", account_holder_name="X"), 10_000),
        (BCA, 0),
        (BCA, -10_000),
        (BCA, 250_000_001),
    ],
)
async def test_what_xendit_would_refuse_is_refused(bank: Bank, account: BankAccount, amount: int) -> None:
    reference, key = _reference(), _key()
    with pytest.raises(PayoutRefused):
        await _pay(bank, reference, key, amount=amount, account=account)
    assert await bank.gateway.find_payout(reference) is None
    assert (await _pay(bank, reference, key)).status is PayoutStatus.PENDING, "a refused request keeps no key"


# --- the Xendit adapter alone: what only a remote provider can do ---


@pytest.fixture
async def xendit(xendit_sandbox: str) -> AsyncIterator[tuple[XenditPayoutGateway, httpx.AsyncClient]]:
    async with (
        xendit_client(xendit_sandbox, SANDBOX_KEY) as client,
        httpx.AsyncClient(base_url=xendit_sandbox) as control,
    ):
        yield XenditPayoutGateway(client), control


async def test_xendit_pending_states_read_as_pending_and_a_cancelled_payout_as_failed(
    xendit: tuple[XenditPayoutGateway, httpx.AsyncClient],
) -> None:
    gateway, control = xendit
    sent = await gateway.create_payout(
        reference_id=_reference(), amount=Money(50_000), bank=BCA, description="", idempotency_key=_key()
    )
    assert (await control.post(f"/_sandbox/payouts/{sent.id}/request")).json()["status"] == "REQUESTED"
    requested = await gateway.get_payout(sent.id)
    assert requested is not None and requested.status is PayoutStatus.PENDING
    stopped = await gateway.create_payout(
        reference_id=_reference(), amount=Money(50_000), bank=BCA, description="", idempotency_key=_key()
    )
    async with xendit_client(str(control.base_url), SANDBOX_KEY) as raw:
        assert (await raw.post(f"/v2/payouts/{stopped.id}/cancel")).json()["status"] == "CANCELLED"
    cancelled = await gateway.get_payout(stopped.id)
    assert cancelled is not None and (cancelled.status, cancelled.failure_code) == (PayoutStatus.FAILED, "CANCELLED")
    await control.post(f"/_sandbox/payouts/{sent.id}/succeed")
    await control.post(f"/_sandbox/payouts/{sent.id}/reverse")
    reversed_ = await gateway.get_payout(sent.id)
    assert reversed_ is not None and (reversed_.status, reversed_.failure_code) == (PayoutStatus.FAILED, "REVERSED")


async def test_xendit_refused_credentials_are_backend_unavailable(xendit_sandbox: str) -> None:
    async with xendit_client(xendit_sandbox, "xnd_development_wrong_key") as client:
        gateway = XenditPayoutGateway(client)
        with pytest.raises(BackendUnavailable):
            await gateway.create_payout(
                reference_id=_reference(), amount=Money(10_000), bank=BCA, description="", idempotency_key=_key()
            )
        with pytest.raises(BackendUnavailable):
            await gateway.get_payout("disb-000000000000000000000000")
        with pytest.raises(BackendUnavailable):
            await gateway.find_payout("anything")


async def test_xendit_out_of_reach_is_backend_unavailable() -> None:
    async with xendit_client(f"http://127.0.0.1:{free_port()}", SANDBOX_KEY) as client:
        gateway = XenditPayoutGateway(client)
        with pytest.raises(BackendUnavailable):
            await gateway.create_payout(
                reference_id=_reference(), amount=Money(10_000), bank=BCA, description="", idempotency_key=_key()
            )
        with pytest.raises(BackendUnavailable):
            await gateway.find_payout("anything")


async def test_xendit_a_retried_create_after_a_5xx_makes_one_payout(xendit_sandbox: str) -> None:
    """The first attempt reaches Xendit but its answer is lost as a 502; the retry with the same
    Idempotency-key gets the payout already made."""
    sent: list[Any] = []
    upstream = httpx.AsyncHTTPTransport()

    class LosesTheFirstAnswer(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            answer = await upstream.handle_async_request(request)
            sent.append(request.headers.get("Idempotency-key"))
            if len(sent) == 1:
                await answer.aread()
                return httpx.Response(502, json={"error_code": "SERVER_ERROR", "message": "lost"})
            return answer

    reference = _reference()
    async with upstream, xendit_client(xendit_sandbox, SANDBOX_KEY, transport=LosesTheFirstAnswer()) as client:
        payout = await XenditPayoutGateway(client).create_payout(
            reference_id=reference, amount=Money(75_000), bank=BCA, description="", idempotency_key="lost-answer-1"
        )
    async with xendit_client(xendit_sandbox, SANDBOX_KEY) as client:
        listed = (await client.get("/v2/payouts", params={"reference_id": reference})).json()
    assert len(sent) == 2 and sent[0] == sent[1] == "lost-answer-1"
    assert [p["id"] for p in listed["data"]] == [payout.id]
