"""SQL repositories of reviews and rating summaries.

A summary row holds one counter per number of stars and is only ever changed by adding to its
counters (`UPDATE ... SET stars_4 = stars_4 + 1`), in the transaction that writes the review: on
PostgreSQL concurrent reviews of one product queue on the row's lock and each adds its own stars,
so the summary stays exact. The same transaction copies the new average and count to the product
or store row, which the catalog shows and sorts by.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, insert, or_, select, update

from marketplace.adapters.sql.base import SqlRepository, insert_new
from marketplace.adapters.sql.mappers import Row, time_from_json, time_to_json
from marketplace.adapters.sql.tables import products, rating_summaries, reviews, stores
from marketplace.application.ports.reviews import ReviewPosition, ReviewSort
from marketplace.domain.reviews.review import Reply, Review, ReviewStatus
from marketplace.domain.reviews.summary import STARS, RatingChange, RatingSummary
from marketplace.domain.shared.errors import Conflict

SUBJECTS = {"product": products, "store": stores}
TAKEN = {"reviews.line_id": lambda error: Conflict("this order line has a review already")}


def review_to_row(review: Review) -> dict[str, Any]:
    reply = review.reply
    return {
        "id": review.id,
        "product_id": review.product_id,
        "store_id": review.store_id,
        "order_id": review.order_id,
        "line_id": review.line_id,
        "author_id": review.author_id,
        "rating": review.rating,
        "body": review.body,
        "media_ids": list(review.media_ids),
        "status": review.status.value,
        "created_at": review.created_at,
        "edited_at": review.edited_at,
        "hidden_at": review.hidden_at,
        "version": review.version,
        "reply": None
        if reply is None
        else {"author_id": reply.author_id, "body": reply.body, "created_at": time_to_json(reply.created_at)},
    }


def review_to_domain(row: Row) -> Review:
    reply = row["reply"]
    return Review(
        id=row["id"],
        product_id=row["product_id"],
        store_id=row["store_id"],
        order_id=row["order_id"],
        line_id=row["line_id"],
        author_id=row["author_id"],
        rating=row["rating"],
        body=row["body"],
        media_ids=tuple(row["media_ids"]),
        created_at=row["created_at"],
        status=ReviewStatus(row["status"]),
        edited_at=row["edited_at"],
        hidden_at=row["hidden_at"],
        version=row["version"],
        reply=None
        if reply is None
        else Reply(author_id=reply["author_id"], body=reply["body"], created_at=time_from_json(reply["created_at"])),
    )


def _counter(stars: int) -> str:
    return f"stars_{stars}"


def summary_of(row: Row | None) -> RatingSummary:
    if row is None:
        return RatingSummary()
    return RatingSummary({stars: row[_counter(stars)] for stars in STARS})


class SqlReviewRepository(SqlRepository):
    async def add(self, review: Review) -> None:
        await self._write(insert(reviews), review_to_row(review), duplicates=TAKEN)
        self._session.touch(review)

    async def get(self, review_id: str) -> Review | None:
        row = await self._one(select(reviews).where(reviews.c.id == review_id))
        return review_to_domain(row) if row else None

    async def save(self, review: Review) -> None:
        await self._update_versioned(reviews, review, review_to_row(review))

    async def of_product(
        self, product_id: str, rating: int | None, sort: ReviewSort, after: ReviewPosition | None, limit: int
    ) -> list[Review]:
        c = reviews.c
        statement = select(reviews).where(c.product_id == product_id, c.status == ReviewStatus.VISIBLE.value)
        if rating is not None:
            statement = statement.where(c.rating == rating)
        newest = (c.created_at.desc(), c.id.desc())
        if after is not None:
            stars, at, review_id = after
            later = or_(c.created_at < at, and_(c.created_at == at, c.id < review_id))
            if sort is ReviewSort.NEWEST:
                statement = statement.where(later)
            elif sort is ReviewSort.HIGHEST:
                statement = statement.where(or_(c.rating < stars, and_(c.rating == stars, later)))
            else:
                statement = statement.where(or_(c.rating > stars, and_(c.rating == stars, later)))
        if sort is ReviewSort.HIGHEST:
            statement = statement.order_by(c.rating.desc(), *newest)
        elif sort is ReviewSort.LOWEST:
            statement = statement.order_by(c.rating.asc(), *newest)
        else:
            statement = statement.order_by(*newest)
        return [review_to_domain(row) for row in await self._all(statement.limit(limit))]


class SqlRatingRepository(SqlRepository):
    def __init__(self, session: Any, dialect: str) -> None:
        super().__init__(session)
        self._dialect = dialect

    async def change(self, kind: str, subject_id: str, change: RatingChange) -> RatingSummary:
        subject = SUBJECTS[kind]
        key = and_(rating_summaries.c.kind == kind, rating_summaries.c.subject_id == subject_id)
        await self._write(
            insert_new(rating_summaries, self._dialect).values(
                kind=kind, subject_id=subject_id, **{_counter(stars): 0 for stars in STARS}
            )
        )
        delta = change.counts()
        moved = {_counter(s): rating_summaries.c[_counter(s)] + delta[s] for s in STARS if delta[s]}
        if moved:
            result = await self._write(
                update(rating_summaries)
                .where(key)
                .values(**moved)
                .returning(*[rating_summaries.c[_counter(s)] for s in STARS])
            )
            summary = summary_of(result.mappings().one())
        else:
            summary = summary_of(await self._one(select(rating_summaries).where(key)))
        await self._write(
            update(subject)
            .where(subject.c.id == subject_id)
            .values(rating_centi=summary.centi, rating_count=summary.count)
        )
        return summary

    async def get(self, kind: str, subject_id: str) -> RatingSummary:
        return (await self.get_many(kind, [subject_id]))[subject_id]

    async def get_many(self, kind: str, subject_ids: list[str]) -> dict[str, RatingSummary]:
        found: dict[str, RatingSummary] = dict.fromkeys(subject_ids, RatingSummary())
        if subject_ids:
            rows = await self._all(
                select(rating_summaries).where(
                    rating_summaries.c.kind == kind, rating_summaries.c.subject_id.in_(subject_ids)
                )
            )
            found.update({row["subject_id"]: summary_of(row) for row in rows})
        return found
