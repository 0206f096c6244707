"""ReviewRepository and RatingRepository contract over memory, SQLite and PostgreSQL: one review per
order line, listing by newest / highest / lowest with a rating filter and paging, and summaries that
stay exact when many units of work change them at once (and feed the catalog's rating)."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from datetime import timedelta

import pytest

from marketplace.application.ports.reviews import ReviewPosition, ReviewSort
from marketplace.domain.catalog.product import Product
from marketplace.domain.reviews.review import Review
from marketplace.domain.reviews.summary import RatingChange
from marketplace.domain.shared.errors import ConcurrentUpdate, Conflict
from marketplace.domain.shared.ids import new_id
from tests.integration.contracts.conftest import (
    T0,
    Backend,
    a_checkout,
    a_product,
    a_store,
    a_user,
    an_order,
    fetch,
    seed,
)


async def _world(backend: Backend) -> tuple[Product, list[tuple[str, str, str, str]]]:
    """A product and five (order, line, buyer, store) it could be reviewed for."""
    seller = a_user()
    store = a_store(seller)
    product = a_product(store)
    await seed(backend, seller, store, product)
    lines = []
    for _ in range(5):
        buyer = a_user()
        order = an_order(buyer, store, new_id())
        await seed(backend, buyer, a_checkout(buyer, [order]), order)
        lines.append((order.id, order.lines[0].id, buyer.id, store.id))
    return product, lines


def _review(product: Product, line: tuple[str, str, str, str], rating: int, minutes: int) -> Review:
    order_id, line_id, buyer_id, store_id = line
    return Review.write(
        id=new_id(),
        product_id=product.id,
        store_id=store_id,
        order_id=order_id,
        line_id=line_id,
        author_id=buyer_id,
        rating=rating,
        body=f"{rating} bintang",
        media_ids=[],
        now=T0 + timedelta(minutes=minutes),
    )


async def test_a_review_round_trips_and_an_order_line_takes_one(backend: Backend) -> None:
    product, lines = await _world(backend)
    review = _review(product, lines[0], 4, 1)
    review.answer("seller", "Terima kasih!", T0 + timedelta(hours=1))
    async with backend.uow() as uow:
        await uow.reviews.add(review)
        await uow.commit()
    stored = await fetch(backend, lambda uow: uow.reviews.get(review.id))
    assert stored is not None and asdict(stored) == asdict(review)
    with pytest.raises(Conflict):
        async with backend.uow() as uow:
            await uow.reviews.add(_review(product, lines[0], 5, 2))
            await uow.commit()
    assert await fetch(backend, lambda uow: uow.reviews.get(new_id())) is None


async def test_saves_are_versioned(backend: Backend) -> None:
    product, lines = await _world(backend)
    review = _review(product, lines[0], 3, 1)
    async with backend.uow() as uow:
        await uow.reviews.add(review)
        await uow.commit()
    first = await fetch(backend, lambda uow: uow.reviews.get(review.id))
    second = await fetch(backend, lambda uow: uow.reviews.get(review.id))
    assert first is not None and second is not None
    first.hide(T0 + timedelta(hours=1))
    async with backend.uow() as uow:
        await uow.reviews.save(first)
        await uow.commit()
    second.answer("seller", "late", T0 + timedelta(hours=2))
    with pytest.raises(ConcurrentUpdate):
        async with backend.uow() as uow:
            await uow.reviews.save(second)
            await uow.commit()


async def test_reviews_list_by_newest_highest_lowest_with_a_filter_and_pages(backend: Backend) -> None:
    product, lines = await _world(backend)
    made = [
        _review(product, line, rating, minutes)
        for line, rating, minutes in zip(lines, (5, 3, 5, 1, 4), (1, 2, 3, 4, 5), strict=True)
    ]
    made[4].hide(T0 + timedelta(hours=1))  # hidden: never listed
    async with backend.uow() as uow:
        for review in made:
            await uow.reviews.add(review)
        await uow.commit()

    async def ids(
        sort: ReviewSort, rating: int | None = None, limit: int = 10, after: ReviewPosition | None = None
    ) -> list[str]:
        found = await fetch(backend, lambda uow: uow.reviews.of_product(product.id, rating, sort, after, limit))
        return [r.id for r in found]

    a, b, c, d, _hidden = (r.id for r in made)
    assert await ids(ReviewSort.NEWEST) == [d, c, b, a]
    assert await ids(ReviewSort.HIGHEST) == [c, a, b, d]
    assert await ids(ReviewSort.LOWEST) == [d, b, c, a]
    assert await ids(ReviewSort.NEWEST, rating=5) == [c, a]
    first = await fetch(backend, lambda uow: uow.reviews.of_product(product.id, None, ReviewSort.HIGHEST, None, 2))
    last = first[-1]
    assert await ids(ReviewSort.HIGHEST, after=(last.rating, last.created_at, last.id)) == [b, d]
    assert await ids(ReviewSort.NEWEST, rating=2) == []


async def test_summaries_change_by_deltas_and_feed_the_catalog(backend: Backend) -> None:
    product, _ = await _world(backend)
    async with backend.uow() as uow:
        for stars in (5, 4, 4):
            await uow.ratings.change("product", product.id, RatingChange(added=stars))
        await uow.ratings.change("product", product.id, RatingChange(added=2, removed=4))  # an edit
        await uow.ratings.change("product", product.id, RatingChange(removed=5))  # a hide
        await uow.ratings.change("store", product.store_id, RatingChange(added=3))
        await uow.commit()
    summary = await fetch(backend, lambda uow: uow.ratings.get("product", product.id))
    assert summary.distribution == {1: 0, 2: 1, 3: 0, 4: 1, 5: 0} and summary.average == 3.0
    many = await fetch(backend, lambda uow: uow.ratings.get_many("product", [product.id, "nothing"]))
    assert many[product.id] == summary and many["nothing"].count == 0 and many["nothing"].average is None
    record = await backend.queries.product(product.id)
    assert record is not None and (record.detail.rating.average, record.detail.rating.count) == (3.0, 2)


async def test_concurrent_changes_of_one_summary_lose_nothing(backend: Backend) -> None:
    product, _ = await _world(backend)
    stars = [1 + i % 5 for i in range(20)]

    async def one(rating: int) -> None:
        for _ in range(50):  # a lost optimistic race (the memory adapter) is run again
            try:
                async with backend.uow() as uow:
                    await uow.ratings.change("product", product.id, RatingChange(added=rating))
                    await uow.commit()
                return
            except ConcurrentUpdate:
                await asyncio.sleep(0)
        raise AssertionError("never committed")

    await asyncio.gather(*(one(rating) for rating in stars))
    summary = await fetch(backend, lambda uow: uow.ratings.get("product", product.id))
    assert summary.distribution == {1: 4, 2: 4, 3: 4, 4: 4, 5: 4} and summary.count == 20 and summary.average == 3.0
