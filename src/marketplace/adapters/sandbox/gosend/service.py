"""What the sandbox does: takes bookings, moves them (by the control endpoint, a cancel, or the courier's
own pace), and sends GoSend's webhook for every status change, the first `confirmed` included. With a state
directory its bookings and webhooks are kept on disk (StateFile) and `resume` picks them up after a restart."""

from __future__ import annotations

import itertools
import logging
import time
from functools import partial

import msgspec

from marketplace.adapters.sandbox.callbacks import CallbackSender, Delivery
from marketplace.adapters.sandbox.gosend import moves
from marketplace.adapters.sandbox.gosend.config import GoSendSandboxConfig
from marketplace.adapters.sandbox.gosend.errors import GoSendError
from marketplace.adapters.sandbox.gosend.pricing import TARIFFS
from marketplace.adapters.sandbox.gosend.records import BookingRecord, Change, order_number, stamp, utc_now
from marketplace.adapters.sandbox.gosend.validation import BookingFields
from marketplace.adapters.sandbox.state import Records, StateFile
from marketplace.adapters.sandbox.timers import Timers
from marketplace.domain.shipping.status import CANCELLABLE, FINAL, BookingStatus

log = logging.getLogger("marketplace.sandbox.gosend")


def first_id() -> int:
    """Where this instance's booking ids start: the time in milliseconds, so a restarted sandbox (whose
    bookings live in memory, without a state directory) never hands out a number already recorded."""
    return int(time.time() * 1000)


PARTNER_CANCEL = "Cancelled by partner"
SANDBOX_CANCEL = "Cancelled by GoSend (sandbox control)"


class GoSendSandboxService:
    def __init__(self, config: GoSendSandboxConfig) -> None:
        self.config = config
        self.timers = Timers()
        self.state = StateFile(config.state_dir, "gosend")
        self.callbacks = CallbackSender(
            timers=self.timers,
            headers={config.webhook_header: config.webhook_token},
            retry_seconds=config.callback_retry_seconds,
            http=config.http,
            clock=lambda: stamp(utc_now()) or "",
            keep=self.state.put,
        )
        self._by_order_no: dict[str, BookingRecord] = {}
        self._by_store_order_id: dict[str, BookingRecord] = {}
        self._restore(self.state.load())
        after = max((b.id + 1 for b in self._by_order_no.values()), default=0)  # numbers never come twice
        self._ids = itertools.count(max(config.first_id or first_id(), after))
        self.state.start(lambda: {"bookings": self._by_order_no, "callbacks": self.callbacks.everything()})

    def resume(self) -> None:
        """After a restart, on the event loop: couriers on the move move on, pending webhooks are sent."""
        if self.config.pace_seconds > 0:
            for booking in self._by_order_no.values():
                if booking.status not in FINAL:
                    self.timers.later(self.config.pace_seconds, partial(self._pace, booking.order_no))
        self.callbacks.resume()

    def book(self, fields: BookingFields) -> BookingRecord:
        """A new `confirmed` booking and its webhook. 409 for a storeOrderId already booked (GoSend's answer to
        that is not known; the adapter then looks the booking up by storeOrderId), 400 for a route the
        method does not serve."""
        if fields.store_order_id in self._by_store_order_id:
            earlier = self._by_store_order_id[fields.store_order_id]
            raise GoSendError(409, f"storeOrderId {fields.store_order_id} already exists (booking {earlier.order_no})")
        tariff = TARIFFS[fields.method]
        distance = fields.origin.point.distance_km(fields.destination.point)
        if not tariff.serves(distance):
            raise GoSendError(
                400,
                f"{fields.method} is not serviceable for this route: {distance:.2f} km is over "
                f"its {tariff.reach_km:g} km reach",
            )
        booking_id = next(self._ids)
        now = utc_now()
        booking = BookingRecord(
            id=booking_id,
            fields=fields,
            distance_km=distance,
            price=tariff.price(distance),
            tracking_url=self.config.tracking_url(order_number(booking_id)),
            created=now,
        )
        self._by_order_no[booking.order_no] = booking
        self._by_store_order_id[fields.store_order_id] = booking
        change = Change(BookingStatus.CONFIRMED, now)
        booking.history.append(change)
        self.state.put("bookings", booking.order_no, booking)
        self._notify(booking, change)
        if self.config.pace_seconds > 0:
            self.timers.later(self.config.pace_seconds, partial(self._pace, booking.order_no))
        return booking

    def booking(self, order_no: str) -> BookingRecord:
        found = self._by_order_no.get(order_no)
        if found is None:
            raise GoSendError(404, f"booking {order_no} not found")
        return found

    def booking_by_store_order_id(self, store_order_id: str) -> BookingRecord:
        found = self._by_store_order_id.get(store_order_id)
        if found is None:
            raise GoSendError(404, f"no booking has storeOrderId {store_order_id}")
        return found

    def bookings(self) -> list[BookingRecord]:
        return list(self._by_order_no.values())

    def cancel(self, order_no: str) -> BookingRecord:
        """The partner's cancel. GoSend's answer for a booking past cancelling is not known (no real error
        code was found): the sandbox answers 400 with an `errors` message saying it can no longer be cancelled."""
        booking = self.booking(order_no)
        if booking.status not in CANCELLABLE:
            raise GoSendError(400, f"booking {order_no} can no longer be cancelled: it is {booking.status.value}")
        self._move(booking, BookingStatus.CANCELLED, PARTNER_CANCEL)
        return booking

    def advance(self, order_no: str, target: BookingStatus | None = None) -> BookingRecord:
        """The control endpoint: the next happy-path status, or `target` when the rules allow it (409 if not)."""
        booking = self.booking(order_no)
        if target is None:
            target = moves.next_status(booking)
        else:
            moves.check(booking, target)
        self._move(booking, target, SANDBOX_CANCEL)
        return booking

    def resend(self, delivery_id: str) -> Delivery:
        """The same webhook again (same `event_id`), as a new delivery."""
        for delivery in self.callbacks.deliveries():
            if delivery.id == delivery_id:
                return self.callbacks.send(delivery.url, delivery.topic, delivery.subject_id, delivery.payload)
        raise GoSendError(404, f"webhook delivery {delivery_id} not found")

    async def shutdown(self) -> None:
        await self.timers.close()
        await self.callbacks.close()
        self.state.close()

    def _restore(self, records: Records) -> None:
        for raw in records.get("bookings", {}).values():
            booking = msgspec.json.decode(raw, type=BookingRecord)
            self._by_order_no[booking.order_no] = self._by_store_order_id[booking.fields.store_order_id] = booking
        self.callbacks.restore(records.get("callbacks", {}).values())

    def _move(self, booking: BookingRecord, target: BookingStatus, reason: str) -> None:
        change = moves.apply(booking, target, utc_now(), reason)
        self.state.put("bookings", booking.order_no, booking)
        self._notify(booking, change)

    async def _pace(self, order_no: str) -> None:
        """The courier's own step; it stops once the booking is final."""
        booking = self.booking(order_no)
        if booking.status in FINAL:
            return
        self._move(booking, moves.next_status(booking), SANDBOX_CANCEL)
        if booking.status not in FINAL:
            self.timers.later(self.config.pace_seconds, partial(self._pace, order_no))

    def _notify(self, booking: BookingRecord, change: Change) -> None:
        url = self.config.webhook_url
        if url is None:
            log.info("booking %s is %s; no callback URL is configured", booking.order_no, change.status.value)
            return
        self.callbacks.send(
            url, f"booking.{change.status.value}", booking.order_no, booking.webhook(change, self.config.client_id)
        )
