"""Reviews and rating summaries: the summary kept by deltas is always the summary of the visible
reviews, whatever is written, edited and hidden, in any order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.reviews.review import Review, ReviewStatus
from marketplace.domain.reviews.summary import RatingChange, RatingSummary
from marketplace.domain.shared.errors import Conflict, IllegalTransition, InvalidValue

T0 = datetime(2026, 11, 26, 9, tzinfo=UTC)
WEEK = timedelta(days=7)


def a_review(rating: int = 4, n: int = 0) -> Review:
    return Review.write(
        id=f"r{n}",
        product_id="p1",
        store_id="s1",
        order_id=f"o{n}",
        line_id=f"l{n}",
        author_id=f"b{n}",
        rating=rating,
        body="  Bagus  ",
        media_ids=["m1", "m1"],
        now=T0,
    )


def test_writing_checks_the_stars_the_text_and_the_photos() -> None:
    review = a_review()
    assert review.body == "Bagus" and review.media_ids == ("m1",) and review.status is ReviewStatus.VISIBLE
    for rating in (0, 6, 3.5, True, "5"):
        with pytest.raises(InvalidValue):
            a_review(rating)  # type: ignore[arg-type]
    with pytest.raises(InvalidValue):
        Review.write(
            id="r",
            product_id="p",
            store_id="s",
            order_id="o",
            line_id="l",
            author_id="b",
            rating=5,
            body="x" * 4001,
            media_ids=[],
            now=T0,
        )
    with pytest.raises(InvalidValue):
        Review.write(
            id="r",
            product_id="p",
            store_id="s",
            order_id="o",
            line_id="l",
            author_id="b",
            rating=5,
            body="",
            media_ids=[f"m{i}" for i in range(6)],
            now=T0,
        )


def test_edits_close_with_their_window_and_move_the_stars() -> None:
    review = a_review(4)
    change = review.edit(rating=2, body=None, media_ids=None, now=T0 + timedelta(days=1), window=WEEK)
    assert change == RatingChange(added=2, removed=4) and review.edited_at == T0 + timedelta(days=1)
    assert review.edit(rating=None, body="Lumayan", media_ids=None, now=T0, window=WEEK).is_empty
    with pytest.raises(IllegalTransition):
        review.edit(rating=5, body=None, media_ids=None, now=T0 + WEEK + timedelta(seconds=1), window=WEEK)
    assert review.rating == 2


def test_one_reply_and_hiding_leaves_the_summary_once() -> None:
    review = a_review(5)
    review.answer("owner", "Terima kasih", T0)
    with pytest.raises(Conflict):
        review.answer("owner", "again", T0)
    assert review.hide(T0) == RatingChange(removed=5)
    assert review.hide(T0).is_empty and review.status is ReviewStatus.HIDDEN
    assert review.edit(rating=1, body=None, media_ids=None, now=T0, window=WEEK).is_empty  # hidden: counts for nothing


def test_averages_round_to_two_decimals_and_none_when_empty() -> None:
    assert RatingSummary().average is None and RatingSummary().centi == -1
    summary = RatingSummary().apply(RatingChange(added=5)).apply(RatingChange(added=4)).apply(RatingChange(added=4))
    assert summary.average == 4.33 and summary.centi == 433 and summary.count == 3 and summary.total == 13


OPS = st.lists(st.tuples(st.sampled_from(["write", "edit", "hide"]), st.integers(0, 9), st.integers(1, 5)), max_size=60)


@given(OPS)
def test_the_summary_kept_by_deltas_is_the_summary_of_the_visible_reviews(ops: list[tuple[str, int, int]]) -> None:
    reviews: dict[int, Review] = {}
    kept = RatingSummary()
    for op, n, stars in ops:
        if op == "write" and n not in reviews:
            reviews[n] = a_review(stars, n)
            kept = kept.apply(reviews[n].written)
        elif op == "edit" and n in reviews:
            kept = kept.apply(reviews[n].edit(rating=stars, body=None, media_ids=None, now=T0, window=WEEK))
        elif op == "hide" and n in reviews:
            kept = kept.apply(reviews[n].hide(T0))
    visible = [r.rating for r in reviews.values() if r.counts]
    assert kept.distribution == {s: visible.count(s) for s in range(1, 6)}
    assert kept.count == len(visible)
    assert kept.average == (round(sum(visible) / len(visible), 2) if visible else None)
