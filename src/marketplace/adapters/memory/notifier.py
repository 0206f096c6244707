"""A notifier that keeps what it was asked to push, for tests of the use cases in memory; it can be told
to be unavailable, as the Redis fan-out is while Redis is down."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from marketplace.application.errors import BackendUnavailable


@dataclass(frozen=True, slots=True)
class Pushed:
    user_id: str
    event: str
    payload: dict[str, Any]


class RecordingNotifier:
    def __init__(self) -> None:
        self.pushed: list[Pushed] = []
        self.unavailable = False

    async def notify(self, user_ids: Iterable[str], event: str, payload: dict[str, Any]) -> None:
        if self.unavailable:
            raise BackendUnavailable("the recording notifier was told to be unavailable")
        for user_id in dict.fromkeys(user_ids):
            self.pushed.append(Pushed(user_id, event, payload))

    def to(self, user_id: str, event: str | None = None) -> list[dict[str, Any]]:
        return [p.payload for p in self.pushed if p.user_id == user_id and (event is None or p.event == event)]
