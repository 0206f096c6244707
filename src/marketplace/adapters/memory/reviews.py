"""In-memory repositories of reviews and rating summaries (staged like every memory table)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from marketplace.adapters.memory.repositories import _Repository
from marketplace.application.ports.reviews import ReviewPosition, ReviewSort
from marketplace.domain.reviews.review import Review
from marketplace.domain.reviews.summary import RatingChange, RatingSummary
from marketplace.domain.shared.errors import Conflict

RATINGS = "ratings"


@dataclass
class SummaryRow:
    id: str
    summary: RatingSummary
    version: int = 0


@dataclass
class LineMark:
    """An order line that has its review: the memory twin of the SQL unique constraint."""

    id: str
    version: int = 0


def _order_key(sort: ReviewSort, rating: int, created_at: datetime, review_id: str) -> tuple[object, ...]:
    """Grows along the list's order; newest first is descending time and id."""
    stamp = created_at.timestamp()
    inverted = tuple(-ord(ch) for ch in review_id)
    if sort is ReviewSort.HIGHEST:
        return (-rating, -stamp, inverted)
    if sort is ReviewSort.LOWEST:
        return (rating, -stamp, inverted)
    return (-stamp, inverted)


class MemoryReviewRepository(_Repository[Review]):
    table_name, versioned = "reviews", True

    async def add(self, review: Review) -> None:
        if any(r.line_id == review.line_id for r in self._table.rows()):
            raise Conflict("this order line has a review already")
        self._uow.remember_version("review_lines", review.line_id, -1)  # a racing add fails at commit
        self._uow.table("review_lines").put(review.line_id, LineMark(review.line_id))
        self._insert(review)

    async def get(self, review_id: str) -> Review | None:
        return self._get(review_id)

    async def save(self, review: Review) -> None:
        self._update(review)

    async def of_product(
        self, product_id: str, rating: int | None, sort: ReviewSort, after: ReviewPosition | None, limit: int
    ) -> list[Review]:
        found = [
            r
            for r in self._table.rows()
            if r.product_id == product_id and r.counts and (rating is None or r.rating == rating)
        ]
        ordered = sorted(found, key=lambda r: _order_key(sort, r.rating, r.created_at, r.id))
        if after is not None:
            start = _order_key(sort, *after)
            ordered = [r for r in ordered if _order_key(sort, r.rating, r.created_at, r.id) > start]
        return [self._present(r.id) for r in ordered[:limit]]


class MemoryRatingRepository(_Repository[SummaryRow]):
    table_name, versioned = RATINGS, True

    async def change(self, kind: str, subject_id: str, change: RatingChange) -> RatingSummary:
        key = f"{kind}:{subject_id}"
        row = self._get(key)
        if row is None:
            self._uow.remember_version(self.table_name, key, -1)
            row = SummaryRow(key, RatingSummary())
            updated = SummaryRow(key, row.summary.apply(change))
            self._table.put(key, updated)
            return updated.summary
        row.summary = row.summary.apply(change)
        self._update(row)
        return row.summary

    async def get(self, kind: str, subject_id: str) -> RatingSummary:
        row = self._table.get(f"{kind}:{subject_id}")
        return row.summary if row is not None else RatingSummary()

    async def get_many(self, kind: str, subject_ids: list[str]) -> dict[str, RatingSummary]:
        return {subject_id: await self.get(kind, subject_id) for subject_id in subject_ids}
