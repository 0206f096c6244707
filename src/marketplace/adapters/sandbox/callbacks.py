"""Callbacks sent the way the providers send them: a JSON POST with a token header, delivered only on
a 2xx answer, retried on a schedule (Xendit: up to 6 times, docs/providers.md, "Xendit callbacks"). Every
attempt is kept so that tests and people can see what was sent and what the receiver answered. With a
StateFile's `keep`, deliveries outlive a restart, and `resume` sends again those still pending."""

from __future__ import annotations

import itertools
import logging
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import httpx
import msgspec

from marketplace.adapters.sandbox.state import Keep, forget
from marketplace.adapters.sandbox.timers import Timers

log = logging.getLogger("marketplace.sandbox.callbacks")
KEPT = 1000


@dataclass(frozen=True, slots=True)
class Attempt:
    at: str
    status_code: int | None
    error: str | None


@dataclass(slots=True)
class Delivery:
    id: str
    url: str
    topic: str  # what happened, e.g. "invoice.PAID", "refund.succeeded"
    subject_id: str
    payload: dict[str, Any]
    state: str = "pending"  # -> "delivered" | "failed" (no retry left)
    attempts: list[Attempt] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "topic": self.topic,
            "subject_id": self.subject_id,
            "state": self.state,
            "payload": self.payload,
            "attempts": [{"at": a.at, "status_code": a.status_code, "error": a.error} for a in self.attempts],
        }


class CallbackSender:
    def __init__(
        self,
        *,
        timers: Timers,
        headers: Mapping[str, str],
        retry_seconds: tuple[float, ...],
        clock: Callable[[], str],
        http: httpx.AsyncClient | None = None,
        keep: Keep = forget,
    ) -> None:
        """`http` lets an embedding app route callbacks in process; without it the sender opens its own client."""
        self._timers, self._retry_seconds, self._clock, self._keep = timers, retry_seconds, clock, keep
        self._headers = {"content-type": "application/json", **headers}
        self._given = http
        self._own: httpx.AsyncClient | None = None
        self._deliveries: deque[Delivery] = deque(maxlen=KEPT)
        self._numbers = itertools.count(1)

    def send(self, url: str, topic: str, subject_id: str, payload: dict[str, Any]) -> Delivery:
        delivery = Delivery(f"cb-{next(self._numbers)}", url, topic, subject_id, payload)
        self._deliveries.append(delivery)
        self._keep("callbacks", delivery.id, delivery)
        self._timers.later(0, partial(self._attempt, delivery))
        return delivery

    def deliveries(self) -> list[Delivery]:
        return list(self._deliveries)

    def everything(self) -> dict[str, Delivery]:
        return {delivery.id: delivery for delivery in self._deliveries}

    def restore(self, records: Iterable[msgspec.Raw]) -> None:
        """Takes back what `everything` gave to be kept; numbering goes on after the last one."""
        for raw in records:
            self._deliveries.append(msgspec.json.decode(raw, type=Delivery))
        if self._deliveries:
            self._numbers = itertools.count(max(int(d.id.removeprefix("cb-")) for d in self._deliveries) + 1)

    def resume(self) -> None:
        """Sends again, now, every delivery a stop left pending; its schedule goes on from there."""
        for delivery in self._deliveries:
            if delivery.state == "pending":
                self._timers.later(0, partial(self._attempt, delivery))

    async def _attempt(self, delivery: Delivery) -> None:
        status: int | None = None
        error: str | None = None
        try:
            answer = await self._client().post(
                delivery.url, content=msgspec.json.encode(delivery.payload), headers=self._headers
            )
            status = answer.status_code
        except httpx.HTTPError as failure:
            error = f"{type(failure).__name__}: {failure}"[:300]
        delivery.attempts.append(Attempt(self._clock(), status, error))
        self._settle(delivery, status)
        self._keep("callbacks", delivery.id, delivery)

    def _settle(self, delivery: Delivery, status: int | None) -> None:
        if status is not None and 200 <= status < 300:
            delivery.state = "delivered"
            return
        retry = len(delivery.attempts) - 1
        if retry < len(self._retry_seconds):
            self._timers.later(self._retry_seconds[retry], partial(self._attempt, delivery))
            return
        delivery.state = "failed"
        log.warning(
            "callback %s %s to %s failed %d times; giving up",
            delivery.topic,
            delivery.subject_id,
            delivery.url,
            len(delivery.attempts),
        )

    def _client(self) -> httpx.AsyncClient:
        if self._given is not None:
            return self._given
        if self._own is None:
            self._own = httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0))
        return self._own

    async def close(self) -> None:
        if self._own is not None:
            await self._own.aclose()
            self._own = None
