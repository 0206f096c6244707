"""Rate limiting shared by every process (in process, or Redis): fixed windows, and back-off after failures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol


class RateLimiter(Protocol):
    async def hit(self, key: str, limit: int, window_seconds: int) -> int:
        """Count one hit; return 0 when allowed, else the seconds until the window reopens."""
        ...


@dataclass(frozen=True, slots=True)
class BackOffPolicy:
    """`free` failures in a row cost nothing; from then on each failure blocks the next try for
    `base_seconds`, doubling with every further failure up to `cap_seconds` (a wait, never a
    lock-out). A streak is forgotten `forget_seconds` after its last failure."""

    free: int
    base_seconds: int
    cap_seconds: int
    forget_seconds: int

    def __post_init__(self) -> None:
        if not (self.free >= 0 and 1 <= self.base_seconds <= self.cap_seconds <= self.forget_seconds):
            raise ValueError("a back-off needs free >= 0 and 1 <= base <= cap <= forget seconds")

    def delay(self, failures: int) -> int:
        """Seconds the next try waits after `failures` failures in a row."""
        if failures <= self.free:
            return 0
        return min(self.cap_seconds, self.base_seconds << min(failures - self.free - 1, 32))


class BackOff(Protocol):
    """Exponential back-off after consecutive failures, per key."""

    async def attempt(self, rules: Mapping[str, BackOffPolicy]) -> int:
        """One try under every key at once, atomically. When no key is backing off, the try counts as a
        failure under each (until `forgive`) and 0 is returned; else nothing is counted and the seconds
        until every key allows a try are returned. Counting before the outcome is known keeps a burst of
        simultaneous tries from all passing as "free"."""
        ...

    async def forgive(self, keys: Sequence[str]) -> None:
        """Forgets the failures counted under the keys: the try succeeded."""
        ...
