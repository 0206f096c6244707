"""Back-off after failures, counted in this process only (the embedded default is one process)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from marketplace.application.ports.rate_limit import BackOffPolicy

MAX_KEYS = 50_000


@dataclass
class _Streak:
    failures: int
    until: float  # no try before this
    forget_at: float  # the streak is forgotten then: `forget_seconds` after its last failure


class InProcessBackOff:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._streaks: dict[str, _Streak] = {}
        self._clock = clock

    async def attempt(self, rules: Mapping[str, BackOffPolicy]) -> int:
        # No await in here: the check and the counting cannot interleave with another try.
        now = self._clock()
        streaks = {key: self._current(key, now) for key in rules}
        wait = max((s.until - now for s in streaks.values() if s is not None), default=0.0)
        if wait > 0:
            return max(1, math.ceil(wait))
        if len(self._streaks) > MAX_KEYS:
            self._streaks = {k: s for k, s in self._streaks.items() if s.forget_at > now}
        for key, policy in rules.items():
            streak = streaks[key]
            failures = (streak.failures if streak is not None else 0) + 1
            self._streaks[key] = _Streak(failures, now + policy.delay(failures), now + policy.forget_seconds)
        return 0

    async def forgive(self, keys: Sequence[str]) -> None:
        for key in keys:
            self._streaks.pop(key, None)

    def _current(self, key: str, now: float) -> _Streak | None:
        streak = self._streaks.get(key)
        return streak if streak is not None and streak.forget_at > now else None
