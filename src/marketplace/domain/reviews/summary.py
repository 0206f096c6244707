"""A rating summary: how many reviews gave each number of stars. Kept as counts, so adding and
removing reviews in any order gives exactly the summary of the reviews that count."""

from __future__ import annotations

from dataclasses import dataclass, field

STARS = (1, 2, 3, 4, 5)


@dataclass(frozen=True, slots=True)
class RatingChange:
    """Stars that start counting (`added`) and stop counting (`removed`): a new visible review adds,
    a hidden one removes, an edit does both."""

    added: int | None = None
    removed: int | None = None

    @property
    def is_empty(self) -> bool:
        return self.added == self.removed

    def counts(self) -> dict[int, int]:
        delta = dict.fromkeys(STARS, 0)
        if self.is_empty:
            return delta
        if self.added is not None:
            delta[self.added] += 1
        if self.removed is not None:
            delta[self.removed] -= 1
        return delta


@dataclass(frozen=True, slots=True)
class RatingSummary:
    distribution: dict[int, int] = field(default_factory=lambda: dict.fromkeys(STARS, 0))

    @property
    def count(self) -> int:
        return sum(self.distribution.values())

    @property
    def total(self) -> int:
        return sum(stars * n for stars, n in self.distribution.items())

    @property
    def average(self) -> float | None:
        """Rounded to 2 decimals; None when nothing counts."""
        return round(self.total / self.count, 2) if self.count else None

    @property
    def centi(self) -> int:
        """The average in hundredths, -1 when unrated (so unrated sorts last)."""
        return round(self.total * 100 / self.count) if self.count else -1

    def apply(self, change: RatingChange) -> RatingSummary:
        delta = change.counts()
        return RatingSummary({stars: self.distribution.get(stars, 0) + delta[stars] for stars in STARS})
