"""PayoutRepository contract over memory, SQLite and PostgreSQL: payouts by id, by the provider's id, by
the requester's Idempotency-Key (one payout per key and owner), and the open ones by age."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

import pytest

from marketplace.domain.settlement.payout import Destination, Payout, PayoutState
from marketplace.domain.shared.errors import ConcurrentUpdate, Conflict
from marketplace.domain.shared.ids import new_id
from marketplace.domain.shared.money import Money
from tests.integration.contracts.conftest import T0, Backend, fetch

BANK = Destination("ID_BCA", "1234567890", "Sari Dewi")


def _payout(owner_id: str, *, key: str | None = None, at: timedelta = timedelta(0), kind: str = "store") -> Payout:
    payout = Payout.request(
        id=new_id(),
        owner_kind=kind,
        owner_id=owner_id,
        amount=Money(50_000),
        destination=BANK,
        minimum=10_000,
        now=T0 + at,
        idempotency_key=key,
    )
    payout.pull_events()
    return payout


async def _add(backend: Backend, *payouts: Payout) -> None:
    async with backend.uow() as uow:
        for payout in payouts:
            await uow.payouts.add(payout)
        await uow.commit()


async def test_a_payout_comes_back_whole_and_is_found_by_the_providers_id(backend: Backend) -> None:
    payout = _payout(new_id(), key="withdraw-1")
    await _add(backend, payout)
    stored = await fetch(backend, lambda uow: uow.payouts.get(payout.id))
    assert stored is not None and asdict(stored) == asdict(payout)
    stored.sent("disb-77")
    stored.settle(True, None, T0 + timedelta(minutes=5))
    async with backend.uow() as uow:
        await uow.payouts.save(stored)
        await uow.commit()
    found = await fetch(backend, lambda uow: uow.payouts.get_by_provider("disb-77"))
    assert found is not None and (found.id, found.status, found.version) == (payout.id, PayoutState.SUCCEEDED, 1)
    assert await fetch(backend, lambda uow: uow.payouts.get(new_id())) is None


async def test_a_payout_is_found_by_its_owners_key_and_no_second_one_may_take_it(backend: Backend) -> None:
    store_id = new_id()
    first = _payout(store_id, key="key-1")
    await _add(
        backend,
        first,
        _payout(store_id),
        _payout(store_id),
        _payout(new_id(), key="key-1"),
        _payout(store_id, key="key-1", kind="affiliate"),
    )
    found = await fetch(backend, lambda uow: uow.payouts.get_by_key("store", store_id, "key-1"))
    assert found is not None and found.id == first.id
    assert await fetch(backend, lambda uow: uow.payouts.get_by_key("store", store_id, "key-2")) is None
    with pytest.raises(Conflict):
        await _add(backend, _payout(store_id, key="key-1"))


async def test_open_payouts_are_named_oldest_first_and_a_stale_save_fails(backend: Backend) -> None:
    owner = new_id()
    old, newer, young = (_payout(owner, at=timedelta(minutes=m)) for m in (0, 1, 30))
    await _add(backend, old, newer, young)
    async with backend.uow() as first, backend.uow() as second:
        mine, theirs = await first.payouts.get(newer.id), await second.payouts.get(newer.id)
        assert mine is not None and theirs is not None
        mine.settle(False, "INVALID_DESTINATION", T0 + timedelta(minutes=2))
        await first.payouts.save(mine)
        await first.commit()
        theirs.settle(True, None, T0 + timedelta(minutes=3))
        with pytest.raises((ConcurrentUpdate, Conflict)):
            await second.payouts.save(theirs)
            await second.commit()
    open_ids = await fetch(backend, lambda uow: uow.payouts.open_before(T0 + timedelta(minutes=10), 100))
    assert [i for i in open_ids if i in (old.id, newer.id, young.id)] == [old.id]
