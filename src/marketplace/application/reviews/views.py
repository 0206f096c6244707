"""Reviews and rating summaries as docs/api.md shows them."""

from __future__ import annotations

from datetime import datetime

import msgspec

from marketplace.application.catalog.views import MediaView
from marketplace.application.media.links import media_view
from marketplace.domain.reviews.review import Review
from marketplace.domain.reviews.summary import STARS, RatingSummary


class SummaryView(msgspec.Struct, frozen=True):
    average: float | None
    count: int
    distribution: dict[str, int]

    @classmethod
    def of(cls, summary: RatingSummary) -> SummaryView:
        return cls(
            average=summary.average,
            count=summary.count,
            distribution={str(stars): summary.distribution.get(stars, 0) for stars in STARS},
        )


class AuthorView(msgspec.Struct, frozen=True):
    id: str
    name: str


class ReplyView(msgspec.Struct, frozen=True):
    body: str
    created_at: datetime


class ReviewView(msgspec.Struct, frozen=True):
    id: str
    product_id: str
    store_id: str
    order_id: str
    line_id: str
    author: AuthorView
    rating: int
    body: str
    media: list[MediaView]
    status: str
    created_at: datetime
    edited_at: datetime | None
    reply: ReplyView | None


class ReviewPage(msgspec.Struct, frozen=True):
    summary: SummaryView
    items: list[ReviewView]
    next_cursor: str | None


def review_view(review: Review, author_name: str, base_url: str) -> ReviewView:
    reply = review.reply
    return ReviewView(
        id=review.id,
        product_id=review.product_id,
        store_id=review.store_id,
        order_id=review.order_id,
        line_id=review.line_id,
        author=AuthorView(id=review.author_id, name=author_name),
        rating=review.rating,
        body=review.body,
        media=[media_view(base_url, m) for m in review.media_ids],
        status=review.status.value,
        created_at=review.created_at,
        edited_at=review.edited_at,
        reply=ReplyView(body=reply.body, created_at=reply.created_at) if reply else None,
    )
