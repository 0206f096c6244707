"""Writing, editing, replying to, hiding and listing reviews.

A review and the summaries it changes are written in one transaction; summaries change only by
deltas (see the RatingRepository port), so concurrent reviews leave them exact. A unit of work that
loses an optimistic race (two reviews of one product on the memory adapter, a reply racing a hide)
is simply run again. Every change that moves a summary invalidates the catalog cache, so the
product's rating and `sort=rating` reflect it at once.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from marketplace.application.catalog.cache import CatalogCache
from marketplace.application.errors import Forbidden, NotFound
from marketplace.application.identity.actors import require_admin, viewer_of
from marketplace.application.media.attachments import attach_media
from marketplace.application.ports.catalog_queries import CatalogQueries
from marketplace.application.ports.persistence import UnitOfWork, UnitOfWorkFactory
from marketplace.application.ports.reviews import ReviewPosition, ReviewSort
from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.application.reviews.views import ReviewPage, ReviewView, SummaryView, review_view
from marketplace.application.shared.cursor import check_limit, decode_cursor, encode_cursor
from marketplace.domain.media.kinds import Purpose
from marketplace.domain.ordering.status import OrderStatus
from marketplace.domain.reviews.review import Review, check_rating
from marketplace.domain.reviews.summary import RatingChange
from marketplace.domain.shared.errors import ConcurrentUpdate, IllegalTransition, InvalidValue
from marketplace.domain.shared.ids import is_id

KIND = "reviews"
ATTEMPTS = 20
T = TypeVar("T")
REVIEW_PHOTOS = frozenset({Purpose.REVIEW_PHOTO})


@dataclass(frozen=True, slots=True)
class ReviewEdit:
    rating: int | None = None
    body: str | None = None
    media_ids: list[str] | None = None


@dataclass(frozen=True, slots=True)
class Reviews:
    uow: UnitOfWorkFactory
    queries: CatalogQueries
    cache: CatalogCache
    clock: Clock
    ids: IdGenerator
    base_url: str = ""
    edit_window: timedelta = timedelta(days=7)

    async def write(
        self, user_id: str, order_id: str, line_id: str, rating: int, body: str, media_ids: list[str]
    ) -> ReviewView:
        """Only the buyer of a completed order reviews its lines, each once; 404 for anyone else."""
        check_rating(rating)

        async def work(uow: UnitOfWork) -> ReviewView:
            order = await uow.orders.get(order_id) if is_id(order_id) else None
            if order is None or order.buyer_id != user_id or order.voided:
                raise NotFound("order", order_id[:64])
            line = next((line for line in order.lines if line.id == line_id), None)
            if line is None:
                raise NotFound("order line", line_id[:64])
            if order.status is not OrderStatus.COMPLETED:
                raise IllegalTransition(f"the order is {order.status.value}: it can be reviewed once completed")
            review = Review.write(
                id=self.ids.new_id(),
                product_id=line.product_id,
                store_id=order.store_id,
                order_id=order.id,
                line_id=line.id,
                author_id=user_id,
                rating=rating,
                body=body,
                media_ids=media_ids,
                now=self.clock.now(),
            )
            await self._attach(uow, user_id, review)
            await uow.reviews.add(review)
            await self._summaries(uow, review, review.written)
            await uow.commit()
            return await self._view(uow, review)

        view = await _again_on_conflict(self.uow, work)
        await self.cache.invalidate()
        return view

    async def edit(self, user_id: str, review_id: str, changes: ReviewEdit) -> ReviewView:
        async def work(uow: UnitOfWork) -> ReviewView:
            review = await self._review(uow, review_id)
            if review.author_id != user_id:
                raise NotFound("review", review_id[:64])
            change = review.edit(
                rating=changes.rating,
                body=changes.body,
                media_ids=changes.media_ids,
                now=self.clock.now(),
                window=self.edit_window,
            )
            await self._attach(uow, user_id, review)
            await uow.reviews.save(review)
            await self._summaries(uow, review, change)
            await uow.commit()
            return await self._view(uow, review)

        view = await _again_on_conflict(self.uow, work)
        await self.cache.invalidate()
        return view

    async def reply(self, user_id: str, review_id: str, body: str) -> ReviewView:
        """The store's owner answers, once (409 for a second)."""

        async def work(uow: UnitOfWork) -> ReviewView:
            review = await self._review(uow, review_id)
            store = await uow.stores.get(review.store_id)
            if store is None or not store.is_owned_by(user_id):
                raise Forbidden("only the store's owner may reply to its reviews")
            review.answer(user_id, body, self.clock.now())
            await uow.reviews.save(review)
            await uow.commit()
            return await self._view(uow, review)

        return await _again_on_conflict(self.uow, work)

    async def hide(self, admin_id: str, review_id: str) -> ReviewView:
        """An admin hides a review: it leaves the list and the summaries (hiding twice changes nothing)."""

        async def work(uow: UnitOfWork) -> ReviewView:
            await require_admin(uow, admin_id)
            review = await self._review(uow, review_id, hidden_too=True)
            change = review.hide(self.clock.now())
            await uow.reviews.save(review)
            await self._summaries(uow, review, change)
            await uow.commit()
            return await self._view(uow, review)

        view = await _again_on_conflict(self.uow, work)
        await self.cache.invalidate()
        return view

    async def of_product(
        self, viewer_id: str | None, product_ref: str, rating: int | None, sort: str, limit: int, cursor: str | None
    ) -> ReviewPage:
        try:
            order = ReviewSort(sort)
        except ValueError:
            raise InvalidValue("sort", "must be newest, highest or lowest") from None
        if rating is not None:
            check_rating(rating)
        after = _position(cursor, order, rating)
        product_id = await self._visible_product(viewer_id, product_ref)
        async with self.uow() as uow:
            found = await uow.reviews.of_product(product_id, rating, order, after, check_limit(limit) + 1)
            summary = await uow.ratings.get("product", product_id)
            page = found[:limit]
            authors = await uow.users.names([review.author_id for review in page])  # one read for the page
        views = [review_view(review, authors.get(review.author_id, ""), self.base_url) for review in page]
        more = None
        if len(found) > limit:
            last = page[-1]
            more = encode_cursor(
                {
                    "k": KIND,
                    "s": order.value,
                    "r": rating,
                    "stars": last.rating,
                    "at": last.created_at.isoformat(),
                    "id": last.id,
                }
            )
        return ReviewPage(summary=SummaryView.of(summary), items=views, next_cursor=more)

    async def _visible_product(self, viewer_id: str | None, ref: str) -> str:
        record = await self.queries.product(ref) if len(ref) <= 100 else None
        if record is None:
            raise NotFound("product", ref[:100])
        if not record.public:
            async with self.uow() as uow:
                viewer = await viewer_of(uow, viewer_id)
            if not (viewer.is_admin or viewer.user_id == record.owner_id):
                raise NotFound("product", ref[:100])
        return record.detail.id

    @staticmethod
    async def _review(uow: UnitOfWork, review_id: str, hidden_too: bool = False) -> Review:
        review = await uow.reviews.get(review_id) if is_id(review_id) else None
        if review is None or not (review.counts or hidden_too):
            raise NotFound("review", review_id[:64])
        return review

    @staticmethod
    async def _summaries(uow: UnitOfWork, review: Review, change: RatingChange) -> None:
        if not change.is_empty:
            await uow.ratings.change("product", review.product_id, change)
            await uow.ratings.change("store", review.store_id, change)

    @staticmethod
    async def _attach(uow: UnitOfWork, user_id: str, review: Review) -> None:
        """Photos must be the author's finished `review_photo` uploads; they show with the review."""
        await attach_media(uow, user_id, review.media_ids, target=f"review:{review.id}", purposes=REVIEW_PHOTOS)

    async def _view(self, uow: UnitOfWork, review: Review) -> ReviewView:
        author = await uow.users.get(review.author_id)
        return review_view(review, author.name if author else "", self.base_url)


def _position(cursor: str | None, sort: ReviewSort, rating: int | None) -> ReviewPosition | None:
    position = decode_cursor(cursor, kind=KIND)
    if position is None:
        return None
    try:
        stars, at, review_id = int(position["stars"]), datetime.fromisoformat(position["at"]), str(position["id"])
    except (KeyError, TypeError, ValueError):
        raise InvalidValue("cursor", "is not a cursor this list made") from None
    if position.get("s") != sort.value or position.get("r") != rating or at.tzinfo is None or not is_id(review_id):
        raise InvalidValue("cursor", "belongs to another sort or filter")
    return stars, at, review_id


async def _again_on_conflict(uow_factory: UnitOfWorkFactory, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
    """Runs `work` in a fresh unit of work until it commits without losing a race (bounded)."""
    for attempt in range(ATTEMPTS):
        try:
            async with uow_factory() as uow:
                return await work(uow)
        except ConcurrentUpdate:
            if attempt == ATTEMPTS - 1:
                raise
            await asyncio.sleep(random.uniform(0, 0.005 * (attempt + 1)))
    raise AssertionError("unreachable")
