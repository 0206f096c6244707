"""CheckoutRepository contract over memory, SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

import pytest

from marketplace.domain.identity.user import User
from marketplace.domain.ordering.checkout import Checkout, CheckoutStatus, RefundRecord, RefundState
from marketplace.domain.shared.errors import ConcurrentUpdate, Conflict
from marketplace.domain.shared.ids import new_id
from marketplace.domain.shared.money import Money
from marketplace.domain.stores.store import Store
from tests.integration.contracts.conftest import T0, Backend, a_checkout, a_store, a_user, an_order, fetch, is_utc, seed


async def _placed(
    backend: Backend, *, at: timedelta = timedelta(0), minutes: int = 30, people: tuple[User, Store] | None = None
) -> Checkout:
    """A pending checkout of one order, stored with its order (and its buyer and store when new)."""
    buyer, store = people or (a_user(), None)
    if store is None:
        store = a_store(buyer)
        await seed(backend, buyer, store)
    order = an_order(buyer, store, new_id(), at=T0 + at)
    checkout = a_checkout(buyer, [order], at=T0 + at, minutes=minutes)
    await seed(backend, checkout, order)
    return checkout


async def test_a_checkout_comes_back_with_its_address_refunds_and_aware_times(backend: Backend) -> None:
    buyer = a_user()
    store = a_store(buyer)
    first, second = an_order(buyer, store, checkout_id := new_id()), an_order(buyer, store, checkout_id)
    checkout = a_checkout(buyer, [first, second])
    checkout.attach_invoice("inv-1", "https://pay.example/inv-1")
    checkout.pay(T0 + timedelta(minutes=3))
    checkout.record_refund(
        RefundRecord(
            id="rf-1",
            order_id=second.id,
            amount=Money(50_000),
            status=RefundState.PENDING,
            reason="rejected by the store",
            created_at=T0 + timedelta(hours=1, microseconds=7),
        )
    )
    checkout.record_refund(
        RefundRecord(
            id="rf-2",
            order_id=first.id,
            amount=Money(1_000),
            status=RefundState.FAILED,
            reason="returned",
            created_at=T0,
        )
    )
    await seed(backend, buyer, store, first, second, checkout)
    stored = await fetch(backend, lambda uow: uow.checkouts.get(checkout.id))
    assert stored is not None
    assert asdict(stored) == asdict(checkout)
    assert stored.order_ids == [first.id, second.id] and stored.address.point is not None
    assert is_utc(stored.created_at) and is_utc(stored.settled_at) and is_utc(stored.refunds[0].created_at)
    assert await fetch(backend, lambda uow: uow.checkouts.get(new_id())) is None


async def test_a_checkout_is_found_by_its_invoice(backend: Backend) -> None:
    checkout = await _placed(backend)
    async with backend.uow() as uow:
        loaded = await uow.checkouts.get(checkout.id)
        assert loaded is not None
        loaded.attach_invoice("inv-42", "https://pay.example/inv-42")
        await uow.checkouts.save(loaded)
        await uow.commit()
    found = await fetch(backend, lambda uow: uow.checkouts.get_by_invoice("inv-42"))
    assert found is not None and (found.id, found.invoice_url) == (checkout.id, "https://pay.example/inv-42")
    assert await fetch(backend, lambda uow: uow.checkouts.get_by_invoice("inv-0")) is None


async def test_two_checkouts_cannot_share_an_invoice(backend: Backend) -> None:
    buyer = a_user()
    store = a_store(buyer)
    await seed(backend, buyer, store)
    first, second = await _placed(backend, people=(buyer, store)), await _placed(backend, people=(buyer, store))
    for checkout in (first, second):
        checkout.attach_invoice("inv-same", "https://pay.example/inv-same")
    async with backend.uow() as uow:
        await uow.checkouts.save(first)
        await uow.commit()
    with pytest.raises(Conflict):
        async with backend.uow() as uow:
            await uow.checkouts.save(second)
            await uow.commit()


async def test_saving_moves_the_version_on_and_a_stale_save_fails(backend: Backend) -> None:
    checkout = await _placed(backend)
    async with backend.uow() as first, backend.uow() as second:
        mine, theirs = await first.checkouts.get(checkout.id), await second.checkouts.get(checkout.id)
        assert mine is not None and theirs is not None
        mine.pay(T0 + timedelta(minutes=1))
        await first.checkouts.save(mine)
        assert mine.version == 1
        await first.commit()
        theirs.expire(T0 + timedelta(minutes=31))
        with pytest.raises((ConcurrentUpdate, Conflict)):
            await second.checkouts.save(theirs)
            await second.commit()
    stored = await fetch(backend, lambda uow: uow.checkouts.get(checkout.id))
    assert stored is not None and (stored.status, stored.version) == (CheckoutStatus.PAID, 1)


async def test_due_names_pending_checkouts_whose_time_has_come_soonest_first(backend: Backend) -> None:
    buyer = a_user()
    store = a_store(buyer)
    await seed(backend, buyer, store)
    late = await _placed(backend, minutes=20, people=(buyer, store))
    early = await _placed(backend, minutes=10, people=(buyer, store))
    paid = await _placed(backend, minutes=5, people=(buyer, store))
    later = await _placed(backend, minutes=60, people=(buyer, store))
    paid.pay(T0 + timedelta(minutes=1))
    async with backend.uow() as uow:
        await uow.checkouts.save(paid)
        await uow.commit()
    now = T0 + timedelta(minutes=20)
    assert await fetch(backend, lambda uow: uow.checkouts.due(now, 10)) == [early.id, late.id]
    assert await fetch(backend, lambda uow: uow.checkouts.due(now, 1)) == [early.id]
    assert later.id in await fetch(backend, lambda uow: uow.checkouts.due(T0 + timedelta(hours=1), 10))


async def test_without_invoice_names_old_pending_checkouts_that_never_got_one(backend: Backend) -> None:
    buyer = a_user()
    store = a_store(buyer)
    await seed(backend, buyer, store)
    orphan = await _placed(backend, people=(buyer, store))
    invoiced = await _placed(backend, people=(buyer, store))
    young = await _placed(backend, at=timedelta(minutes=10), people=(buyer, store))
    cancelled = await _placed(backend, people=(buyer, store))
    invoiced.attach_invoice("inv-7", "https://pay.example/inv-7")
    cancelled.cancel(T0 + timedelta(minutes=1))
    async with backend.uow() as uow:
        await uow.checkouts.save(invoiced)
        await uow.checkouts.save(cancelled)
        await uow.commit()
    found = await fetch(backend, lambda uow: uow.checkouts.without_invoice(T0 + timedelta(minutes=5), 10))
    assert found == [orphan.id]
    assert young.id in await fetch(backend, lambda uow: uow.checkouts.without_invoice(T0 + timedelta(hours=1), 10))


async def test_a_checkout_is_found_by_its_buyers_idempotency_key_which_no_other_may_hold(backend: Backend) -> None:
    buyer, other = a_user(), a_user()
    store = a_store(buyer)
    await seed(backend, buyer, other, store)
    mine = await _placed(backend, people=(buyer, store))
    mine.idempotency_key = "key-1"
    async with backend.uow() as uow:
        await uow.checkouts.save(mine)
        await uow.commit()
    found = await fetch(backend, lambda uow: uow.checkouts.get_by_key(buyer.id, "key-1"))
    assert found is not None and found.id == mine.id and found.idempotency_key == "key-1"
    assert await fetch(backend, lambda uow: uow.checkouts.get_by_key(other.id, "key-1")) is None
    theirs = await _placed(backend, people=(other, store))
    theirs.idempotency_key = "key-1"  # another buyer's own key of the same text
    second = await _placed(backend, people=(buyer, store))
    second.idempotency_key = "key-1"
    async with backend.uow() as uow:
        await uow.checkouts.save(theirs)
        await uow.commit()
    with pytest.raises(Conflict):
        async with backend.uow() as uow:
            await uow.checkouts.save(second)
            await uow.commit()


async def test_a_voided_checkout_lets_its_key_go_and_is_named_until_the_provider_is_asked(backend: Backend) -> None:
    buyer = a_user()
    store = a_store(buyer)
    await seed(backend, buyer, store)
    voided, invoiced = await _placed(backend, people=(buyer, store)), await _placed(backend, people=(buyer, store))
    pending = await _placed(backend, people=(buyer, store))
    voided.idempotency_key = "key-v"
    voided.void(T0 + timedelta(minutes=1))
    invoiced.attach_invoice("inv-9", "https://pay.example/inv-9")
    invoiced.expire(T0 + timedelta(minutes=40))
    async with backend.uow() as uow:
        await uow.checkouts.save(voided)
        await uow.checkouts.save(invoiced)
        await uow.commit()
    stored = await fetch(backend, lambda uow: uow.checkouts.get(voided.id))
    assert stored is not None and stored.voided and stored.idempotency_key is None
    assert (stored.status, stored.payment_status.value) == (CheckoutStatus.CANCELLED, "expired")
    assert await fetch(backend, lambda uow: uow.checkouts.get_by_key(buyer.id, "key-v")) is None
    assert await fetch(backend, lambda uow: uow.checkouts.ended_unchecked(10)) == [voided.id]
    stored.checked_at = T0 + timedelta(minutes=2)
    async with backend.uow() as uow:
        await uow.checkouts.save(stored)
        await uow.commit()
    assert await fetch(backend, lambda uow: uow.checkouts.ended_unchecked(10)) == []
    assert pending.id not in await fetch(backend, lambda uow: uow.checkouts.ended_unchecked(10))
