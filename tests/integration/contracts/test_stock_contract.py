"""StockRepository contract over memory, SQLite and PostgreSQL: all or nothing, never oversold."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from marketplace.domain.catalog.product import Product
from marketplace.domain.shared.errors import ConcurrentUpdate, Conflict, InsufficientStock, InvalidValue
from marketplace.domain.shared.ids import new_id
from tests.integration.contracts.conftest import T0, Backend, a_product, a_store, a_user, fetch, seed


async def _product(backend: Backend, *stocks: int) -> Product:
    """A product whose variants hold `stocks`, stored."""
    owner = a_user()
    store = a_store(owner)
    product = a_product(store, prices=tuple(100_000 for _ in stocks))
    for variant, stock in zip(product.variants, stocks, strict=True):
        variant.stock = stock
    await seed(backend, owner, store, product)
    return product


async def _stock(backend: Backend, product: Product) -> list[int]:
    stored = await fetch(backend, lambda uow: uow.products.get(product.id))
    assert stored is not None
    return [v.stock for v in stored.variants]


async def test_reserving_takes_every_quantity_and_releasing_puts_it_back(backend: Backend) -> None:
    product = await _product(backend, 5, 3)
    a, b = (v.id for v in product.variants)
    async with backend.uow() as uow:
        await uow.stock.reserve({a: 2, b: 3})
        await uow.commit()
    assert await _stock(backend, product) == [3, 0]
    async with backend.uow() as uow:
        await uow.stock.release({b: 1, new_id(): 4})  # a variant deleted meanwhile is skipped
        await uow.commit()
    assert await _stock(backend, product) == [3, 1]


async def test_a_short_reservation_names_each_short_variant_and_takes_nothing(backend: Backend) -> None:
    product = await _product(backend, 5, 1, 2)
    a, b, c = (v.id for v in product.variants)
    gone = new_id()
    async with backend.uow() as uow:
        with pytest.raises(InsufficientStock) as raised:
            await uow.stock.reserve({a: 2, b: 3, c: 2, gone: 1})
        await uow.commit()  # what the failed call took is back even when the caller commits anyway
    assert sorted(raised.value.variants, key=lambda v: str(v["variant_id"])) == sorted(
        [{"variant_id": b, "requested": 3, "available": 1}, {"variant_id": gone, "requested": 1, "available": 0}],
        key=lambda v: str(v["variant_id"]),
    )
    assert await _stock(backend, product) == [5, 1, 2]


async def test_a_unit_of_work_sees_what_it_already_reserved(backend: Backend) -> None:
    product = await _product(backend, 3)
    (a,) = (v.id for v in product.variants)
    async with backend.uow() as uow:
        await uow.stock.reserve({a: 2})
        with pytest.raises(InsufficientStock) as raised:
            await uow.stock.reserve({a: 2})
        assert raised.value.variants == [{"variant_id": a, "requested": 2, "available": 1}]
        await uow.commit()
    assert await _stock(backend, product) == [1]


async def test_a_reservation_not_committed_takes_nothing(backend: Backend) -> None:
    product = await _product(backend, 4)
    async with backend.uow() as uow:
        await uow.stock.reserve({product.variants[0].id: 4})
    assert await _stock(backend, product) == [4]


async def test_quantities_must_be_positive(backend: Backend) -> None:
    product = await _product(backend, 4)
    async with backend.uow() as uow:
        for quantities in ({product.variants[0].id: 0}, {product.variants[0].id: -2}):
            with pytest.raises(InvalidValue):
                await uow.stock.reserve(quantities)
            with pytest.raises(InvalidValue):
                await uow.stock.release(quantities)


async def test_concurrent_reservations_never_take_more_than_the_stock(backend: Backend) -> None:
    product = await _product(backend, 10)
    variant_id = product.variants[0].id

    async def buy() -> bool:
        try:
            async with backend.uow() as uow:
                await uow.stock.reserve({variant_id: 1})
                await asyncio.sleep(0)  # let the others reserve before this one commits
                await uow.commit()
                return True
        except InsufficientStock:
            return False

    outcomes = await asyncio.wait_for(asyncio.gather(*(buy() for _ in range(30))), timeout=60)
    assert outcomes.count(True) == 10
    assert await _stock(backend, product) == [0]


async def test_a_product_saved_from_an_older_read_never_puts_reserved_stock_back(backend: Backend) -> None:
    product = await _product(backend, 5)
    async with backend.uow() as editor:
        loaded = await editor.products.get(product.id)
        assert loaded is not None
        async with backend.uow() as buyer:
            await buyer.stock.reserve({product.variants[0].id: 2})
            await buyer.commit()
        loaded.retitle("Kemeja batik tulis", T0 + timedelta(hours=1))
        try:  # either refused as stale, or written without touching the stock
            await editor.products.save(loaded)
            await editor.commit()
        except (ConcurrentUpdate, Conflict):
            pass
    assert await _stock(backend, product) == [3]


async def test_reservations_of_the_same_variants_in_any_order_do_not_deadlock(backend: Backend) -> None:
    product = await _product(backend, 10, 10)
    a, b = (v.id for v in product.variants)

    async def buy(n: int) -> bool:
        quantities = {a: 1, b: 1} if n % 2 else {b: 1, a: 1}
        try:
            async with backend.uow() as uow:
                await uow.stock.reserve(quantities)
                await asyncio.sleep(0.005)  # hold the rows while the others try theirs
                await uow.commit()
                return True
        except InsufficientStock:
            return False

    outcomes = await asyncio.wait_for(asyncio.gather(*(buy(n) for n in range(16))), timeout=60)
    assert outcomes.count(True) == 10
    assert await _stock(backend, product) == [0, 0]
