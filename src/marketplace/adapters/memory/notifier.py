"""A notifier that keeps what it was asked to push, for tests of the use cases in memory."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Pushed:
    user_id: str
    event: str
    payload: dict[str, Any]


class RecordingNotifier:
    def __init__(self) -> None:
        self.pushed: list[Pushed] = []

    async def notify(self, user_ids: Iterable[str], event: str, payload: dict[str, Any]) -> None:
        for user_id in dict.fromkeys(user_ids):
            self.pushed.append(Pushed(user_id, event, payload))

    def to(self, user_id: str, event: str | None = None) -> list[dict[str, Any]]:
        return [p.payload for p in self.pushed if p.user_id == user_id and (event is None or p.event == event)]
