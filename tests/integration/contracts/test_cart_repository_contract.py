"""CartRepository contract over memory, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.domain.cart.cart import Cart
from marketplace.domain.shared.errors import ConcurrentUpdate, Conflict
from tests.integration.contracts.conftest import T0, Backend, a_user, fetch, is_utc, seed


async def test_a_new_cart_is_created_and_its_lines_round_trip(backend: Backend) -> None:
    buyer = a_user()
    await seed(backend, buyer)
    assert await fetch(backend, lambda uow: uow.carts.get(buyer.id)) is None
    cart = Cart(buyer_id=buyer.id, updated_at=T0)
    cart.add("v-1", 2, available=5, now=T0)
    cart.add("v-2", 1, available=1, now=T0 + timedelta(seconds=1))
    async with backend.uow() as uow:
        await uow.carts.save(cart)
        await uow.commit()
    stored = await fetch(backend, lambda uow: uow.carts.get(buyer.id))
    assert stored is not None and stored.version == cart.version
    assert {v: (line.quantity, line.added_at) for v, line in stored.lines.items()} == {
        "v-1": (2, T0),
        "v-2": (1, T0 + timedelta(seconds=1)),
    }
    assert is_utc(stored.updated_at)


async def test_changes_replace_the_lines(backend: Backend) -> None:
    buyer = a_user()
    await seed(backend, buyer)
    cart = Cart(buyer_id=buyer.id, updated_at=T0)
    cart.add("v-1", 1, available=5, now=T0)
    async with backend.uow() as uow:
        await uow.carts.save(cart)
        await uow.commit()
    async with backend.uow() as uow:
        loaded = await uow.carts.get(buyer.id)
        assert loaded is not None
        loaded.remove("v-1", T0)
        loaded.add("v-3", 4, available=4, now=T0)
        await uow.carts.save(loaded)
        await uow.commit()
    stored = await fetch(backend, lambda uow: uow.carts.get(buyer.id))
    assert stored is not None and {v: line.quantity for v, line in stored.lines.items()} == {"v-3": 4}


async def test_two_writers_of_one_cart_do_not_both_win(backend: Backend) -> None:
    buyer = a_user()
    await seed(backend, buyer)
    cart = Cart(buyer_id=buyer.id, updated_at=T0)
    async with backend.uow() as uow:
        await uow.carts.save(cart)
        await uow.commit()
    async with backend.uow() as first, backend.uow() as second:
        mine, theirs = await first.carts.get(buyer.id), await second.carts.get(buyer.id)
        assert mine is not None and theirs is not None
        mine.add("v-1", 1, available=1, now=T0)
        await first.carts.save(mine)
        await first.commit()
        theirs.add("v-2", 1, available=1, now=T0)
        with pytest.raises((ConcurrentUpdate, Conflict)):
            await second.carts.save(theirs)
            await second.commit()
    stored = await fetch(backend, lambda uow: uow.carts.get(buyer.id))
    assert stored is not None and list(stored.lines) == ["v-1"]
