"""The Review aggregate: the buyer's word on one order line, the store's one reply, an admin's hide."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from marketplace.domain.reviews.summary import RatingChange
from marketplace.domain.shared.errors import Conflict, IllegalTransition, InvalidValue
from marketplace.domain.shared.text import clean_text

MAX_BODY = 4000
MAX_REPLY = 2000
MAX_PHOTOS = 5


class ReviewStatus(str, enum.Enum):
    VISIBLE = "visible"
    HIDDEN = "hidden"


def check_rating(rating: object) -> int:
    if type(rating) is not int or not 1 <= rating <= 5:
        raise InvalidValue("rating", "must be a whole number of stars from 1 to 5")
    return rating


def check_photos(media_ids: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    photos = tuple(dict.fromkeys(media_ids))
    if len(photos) > MAX_PHOTOS:
        raise InvalidValue("media_ids", f"at most {MAX_PHOTOS} photos")
    return photos


@dataclass(frozen=True, slots=True)
class Reply:
    author_id: str
    body: str
    created_at: datetime


@dataclass(eq=False)
class Review:
    id: str
    product_id: str
    store_id: str
    order_id: str
    line_id: str
    author_id: str
    rating: int
    body: str
    media_ids: tuple[str, ...]
    created_at: datetime
    status: ReviewStatus = ReviewStatus.VISIBLE
    edited_at: datetime | None = None
    reply: Reply | None = None
    hidden_at: datetime | None = None
    version: int = 0

    @classmethod
    def write(
        cls,
        *,
        id: str,
        product_id: str,
        store_id: str,
        order_id: str,
        line_id: str,
        author_id: str,
        rating: int,
        body: str,
        media_ids: list[str],
        now: datetime,
    ) -> Review:
        return cls(
            id=id,
            product_id=product_id,
            store_id=store_id,
            order_id=order_id,
            line_id=line_id,
            author_id=author_id,
            rating=check_rating(rating),
            body=clean_text("body", body, min_length=0, max_length=MAX_BODY),
            media_ids=check_photos(media_ids),
            created_at=now,
        )

    @property
    def counts(self) -> bool:
        return self.status is ReviewStatus.VISIBLE

    @property
    def written(self) -> RatingChange:
        """What writing it did to the summaries."""
        return RatingChange(added=self.rating)

    def edit(
        self, *, rating: int | None, body: str | None, media_ids: list[str] | None, now: datetime, window: timedelta
    ) -> RatingChange:
        """The author's change, while the edit window is open; answers what it does to the summaries."""
        if now > self.created_at + window:
            raise IllegalTransition("the review can no longer be edited: its edit window has closed")
        before = self.rating
        if rating is not None:
            self.rating = check_rating(rating)
        if body is not None:
            self.body = clean_text("body", body, min_length=0, max_length=MAX_BODY)
        if media_ids is not None:
            self.media_ids = check_photos(media_ids)
        self.edited_at = now
        if not self.counts or before == self.rating:
            return RatingChange()
        return RatingChange(added=self.rating, removed=before)

    def answer(self, author_id: str, body: str, now: datetime) -> None:
        if self.reply is not None:
            raise Conflict("the store has replied to this review already")
        self.reply = Reply(author_id=author_id, body=clean_text("body", body, max_length=MAX_REPLY), created_at=now)

    def hide(self, now: datetime) -> RatingChange:
        """Hidden reviews leave the summaries; hiding again changes nothing."""
        if not self.counts:
            return RatingChange()
        self.status = ReviewStatus.HIDDEN
        self.hidden_at = now
        return RatingChange(removed=self.rating)
