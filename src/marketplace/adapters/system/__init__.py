"""The real clock and identifier generator."""

from __future__ import annotations

from datetime import UTC, datetime

from marketplace.domain.shared.ids import new_id


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class Uuid7Ids:
    def new_id(self) -> str:
        return new_id()
