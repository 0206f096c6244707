"""The ShippingGateway port on GoSend's GoKilat v10 API (httpx).

Facts from docs/providers.md, "GoSend": `Client-ID` and `Pass-Key` headers; prices at
`GET /gokilat/v10/calculate/price`, keyed by method; bookings at `POST /gokilat/v10/booking`, read back
by order number or by our `storeOrderId`, cancelled with `PUT /gokilat/v10/booking/cancel`; errors as
`{"errors": [...]}` and/or an `Error-Message` header. GoSend has no idempotency key, so `storeOrderId`
is ours: a booking is looked up by it before it is made, and again after a 409 (a duplicate), so that
a retry after a timeout or a 5xx never books a second courier. Reads and cancelling are safe to repeat.

A status this adapter does not know (GoSend may add one) is logged as an error and raised as
`BackendUnavailable`: the booking is neither reported in a state it is not in nor dropped, a poller
simply tries again later (an intermediate status passes by itself), and the log says what to add.
A call, tries included, ends within DEADLINE_SECONDS (against a courier that hangs, four tries of a
10 s read timeout once took ~40 s).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
import msgspec

from marketplace.adapters.deadlines import within
from marketplace.adapters.gosend.wire import (
    PAYMENT_TYPE,
    booking_body,
    booking_of,
    lat_long,
    made_of,
    options_of,
    problem,
)
from marketplace.application.errors import BackendUnavailable
from marketplace.application.ports.shipping import (
    MAX_WEIGHT_GRAMS,
    Booking,
    BookingRequest,
    ShippingMethod,
    ShippingOption,
    ShippingRefused,
)
from marketplace.domain.shared.address import GeoPoint
from marketplace.domain.shipping.status import BookingStatus

log = logging.getLogger("marketplace.shipping.gosend")
T = TypeVar("T")

PRICE = "/gokilat/v10/calculate/price"
BOOKING = "/gokilat/v10/booking"
RETRIES = 3
# One try waits at most 3 s to connect and 8 s between bytes of the answer; a whole call (a booking's
# look-ups included), tries and pauses included, at most 15 s (below the worker's 20 s per handler).
TIMEOUT = httpx.Timeout(8.0, connect=3.0)
DEADLINE_SECONDS = 15.0


class _Unsure(Exception):
    """No answer to rely on (a timeout, a lost connection, a 429 or a 5xx): another try may do."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.wait = wait


class GoSendShippingGateway:
    def __init__(self, client: httpx.AsyncClient, *, deadline_seconds: float = DEADLINE_SECONDS) -> None:
        """`client` carries the base URL, the credentials and the timeouts (see `gosend_client`)."""
        self._client = client
        self._deadline = deadline_seconds

    async def quote(self, origin: GeoPoint, destination: GeoPoint, weight_grams: int) -> list[ShippingOption]:
        if not 0 < weight_grams <= MAX_WEIGHT_GRAMS:
            return []
        params = {"origin": lat_long(origin), "destination": lat_long(destination), "paymentType": PAYMENT_TYPE}
        answer = await self._call("GET", PRICE, params=params)
        return _read(options_of, _json(answer))

    async def book(self, request: BookingRequest) -> Booking:
        return await within(self._deadline, "courier", self._book(request))

    async def _book(self, request: BookingRequest) -> Booking:
        mine = f"{BOOKING}/storeOrderId/{quote(request.store_order_id, safe='')}"
        last = _Unsure("did not answer")
        for attempt in range(RETRIES + 1):
            if attempt:
                await asyncio.sleep(_pause(attempt - 1, last))
            try:
                # Looked up first: an earlier call (or an earlier try of this one) may have booked it.
                if (found := await self._find(mine, request.method)) is not None:
                    return found
                made = await self._once("POST", BOOKING, allow=(409,), json=booking_body(request))
                if made.status_code != 409:
                    return _read(made_of, _json(made), request)
                if (found := await self._find(mine, request.method)) is not None:
                    return found
                last = _Unsure("answered 409 for a store order id it does not show")
            except _Unsure as unsure:
                last = unsure
        raise BackendUnavailable(f"the courier {last}; try again later")

    async def booking(self, booking_id: str) -> Booking | None:
        answer = await self._call("GET", f"{BOOKING}/orderno/{quote(booking_id, safe='')}", allow=(404,))
        return None if answer.status_code == 404 else _read(booking_of, _json(answer), None)

    async def cancel(self, booking_id: str) -> Booking:
        return await within(self._deadline, "courier", self._cancel(booking_id))

    async def _cancel(self, booking_id: str) -> Booking:
        try:
            answer = await self._call("PUT", f"{BOOKING}/cancel", allow=(404,), json={"orderNo": booking_id})
        except ShippingRefused:
            # Cancelling twice (or again after a lost answer) is not an error: it is cancelled.
            current = await self.booking(booking_id)
            if current is not None and current.status is BookingStatus.CANCELLED:
                return current
            raise
        if answer.status_code == 404:
            raise ShippingRefused("unknown booking")
        current = await self.booking(booking_id)
        if current is None:
            raise BackendUnavailable("the courier cancelled a booking it then did not show")
        return current

    async def _find(self, path: str, method: ShippingMethod) -> Booking | None:
        answer = await self._once("GET", path, allow=(404,))
        return None if answer.status_code == 404 else _read(booking_of, _json(answer), method)

    async def _call(self, method: str, path: str, *, allow: tuple[int, ...] = (), **kwargs: Any) -> httpx.Response:
        return await within(self._deadline, "courier", self._tries(method, path, allow=allow, **kwargs))

    async def _tries(self, method: str, path: str, *, allow: tuple[int, ...] = (), **kwargs: Any) -> httpx.Response:
        """One request that is safe to repeat, retried while there is no answer to rely on."""
        for attempt in range(RETRIES + 1):
            try:
                return await self._once(method, path, allow=allow, **kwargs)
            except _Unsure as unsure:
                if attempt == RETRIES:
                    raise BackendUnavailable(f"the courier {unsure}; try again later") from unsure
                await asyncio.sleep(_pause(attempt, unsure))
        raise AssertionError("unreachable")

    async def _once(self, method: str, path: str, *, allow: tuple[int, ...] = (), **kwargs: Any) -> httpx.Response:
        """The answer when it is a 2xx or in `allow`; `_Unsure` when there is none to rely on;
        `ShippingRefused` for GoSend's refusal (a 4xx) with its message."""
        try:
            answer = await self._client.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            raise _Unsure(f"could not be reached ({type(error).__name__})") from error
        status = answer.status_code
        if status < 300 or status in allow:
            return answer
        if status == 429 or status >= 500:
            raise _Unsure(f"answered {status}", _retry_after(answer))
        message = problem(answer)
        if status in (401, 403):
            # Our credentials are wrong or suspended: nothing a seller can change; say so loudly.
            log.error("GoSend refused our credentials (%s): %s", status, message)
            raise BackendUnavailable("the courier is not available (credentials refused)")
        raise ShippingRefused(message)


def _json(answer: httpx.Response) -> dict[str, Any]:
    try:
        body = msgspec.json.decode(answer.content)
    except msgspec.DecodeError:
        body = None
    if not isinstance(body, dict):
        log.error(
            "GoSend answered %s %s with a body that is not a JSON object",
            answer.request.method,
            answer.request.url.path,
        )
        raise BackendUnavailable("the courier gave an answer this backend cannot read")
    return body


def _read(parse: Callable[..., T], body: dict[str, Any], *args: Any) -> T:
    """`parse(body, *args)`, with a body missing what it needs taken as the courier failing."""
    try:
        return parse(body, *args)
    except (KeyError, TypeError, ValueError) as error:
        log.error("GoSend answered with a body this backend cannot read: %r (%s)", body, error)
        raise BackendUnavailable("the courier gave an answer this backend cannot read") from error


def _retry_after(answer: httpx.Response) -> float | None:
    if answer.status_code != 429:
        return None
    try:
        return min(5.0, float(answer.headers.get("Retry-After", "1")))
    except ValueError:
        return 1.0


def _pause(attempt: int, unsure: _Unsure) -> float:
    return unsure.wait if unsure.wait is not None else random.uniform(0.5, 1.0) * 0.2 * 2**attempt


def gosend_client(
    base_url: str, client_id: str, pass_key: str, *, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=base_url.rstrip("/"),
        transport=transport,
        timeout=TIMEOUT,
        headers={
            "Client-ID": client_id,
            "Pass-Key": pass_key,
            "Accept": "application/json",
            "Content-Type": "application/json",
        },
    )
