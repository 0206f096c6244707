"""Where reviews and rating summaries are kept (repositories of the unit of work)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Protocol

from marketplace.domain.reviews.review import Review
from marketplace.domain.reviews.summary import RatingChange, RatingSummary


class ReviewSort(str, enum.Enum):
    NEWEST = "newest"
    HIGHEST = "highest"
    LOWEST = "lowest"


# Where a page of reviews ended: (rating, created_at, id) of its last review.
ReviewPosition = tuple[int, datetime, str]


class ReviewRepository(Protocol):
    async def add(self, review: Review) -> None:
        """Conflict when the order line has a review already."""
        ...

    async def get(self, review_id: str) -> Review | None: ...

    async def save(self, review: Review) -> None:
        """Raises ConcurrentUpdate when the stored version moved on."""
        ...

    async def of_product(
        self, product_id: str, rating: int | None, sort: ReviewSort, after: ReviewPosition | None, limit: int
    ) -> list[Review]:
        """The product's visible reviews (only those of `rating` stars when given): newest first, or by
        rating (highest or lowest first, then newest), strictly after `after` in that order."""
        ...


class RatingRepository(Protocol):
    """Summaries per subject (`product` or `store`), changed by deltas, never overwritten: concurrent
    reviews of one product each add their stars and none is lost. A change also updates the rating
    the catalog shows and sorts by."""

    async def change(self, kind: str, subject_id: str, change: RatingChange) -> RatingSummary: ...

    async def get(self, kind: str, subject_id: str) -> RatingSummary: ...

    async def get_many(self, kind: str, subject_ids: list[str]) -> dict[str, RatingSummary]:
        """Every id asked for is in the answer (an empty summary when it has no reviews)."""
        ...
