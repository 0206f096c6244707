"""GoSend's GoKilat v10 JSON as this adapter writes and reads it (docs/providers.md, "GoSend"):
booking bodies, price and status answers, refusals."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import msgspec

from marketplace.application.errors import BackendUnavailable
from marketplace.application.ports.shipping import (
    Booking,
    BookingRequest,
    ShippingMethod,
    ShippingOption,
    ShippingRefused,
    Stop,
)
from marketplace.domain.shared.address import GeoPoint
from marketplace.domain.shipping.status import BookingStatus

log = logging.getLogger("marketplace.shipping.gosend")
PAYMENT_TYPE = 3  # the corporate (partner) account every integration uses
METHOD_NAMES = {ShippingMethod.INSTANT: "Instant", ShippingMethod.SAME_DAY: "SameDay"}  # in the order offered
METHODS = {"instant": ShippingMethod.INSTANT, "sameday": ShippingMethod.SAME_DAY}  # bookingType, normalised


def lat_long(point: GeoPoint) -> str:
    """GoSend's `"lat,long"` in plain decimals (a float's repr is exact but may use an exponent)."""
    return ",".join(text if "e" not in (text := repr(v)) else f"{v:.10f}" for v in (point.lat, point.lng))


def booking_body(request: BookingRequest) -> dict[str, Any]:
    route = {
        **_stop("origin", request.origin),
        **_stop("destination", request.destination),
        "item": request.item,
        "storeOrderId": request.store_order_id,
        # strings, as in every integration's example
        "insuranceDetails": {
            "applied": "false",
            "fee": "0",
            "product_description": request.item,
            "product_price": str(request.value),
        },
    }
    return {
        "paymentType": PAYMENT_TYPE,
        "collection_location": "pickup",
        "shipment_method": METHOD_NAMES[request.method],
        "routes": [route],
    }


def _stop(end: str, stop: Stop) -> dict[str, str]:
    return {
        f"{end}Name": stop.name,
        f"{end}Note": stop.note,
        f"{end}ContactName": stop.name,
        f"{end}ContactPhone": stop.phone,
        f"{end}LatLong": lat_long(stop.point),
        f"{end}Address": stop.address,
    }


def options_of(body: dict[str, Any]) -> list[ShippingOption]:
    options = []
    for method, name in METHOD_NAMES.items():  # others ("InstantCar") are not offered here
        entry = body.get(name)
        if isinstance(entry, dict) and entry.get("serviceable") is True and entry.get("active") is True:
            options.append(
                ShippingOption(
                    method=method,
                    price=int(entry["price"]["total_price"]),
                    currency="IDR",
                    eta=str(entry.get("shipment_method_description") or ""),
                )
            )
    return options


def made_of(body: dict[str, Any], request: BookingRequest) -> Booking:
    if not body.get("orderNo") and body.get("errorMessage"):
        raise ShippingRefused(str(body["errorMessage"]))
    return Booking(
        booking_id=str(body["orderNo"]),
        store_order_id=request.store_order_id,
        method=request.method,
        status=BookingStatus.CONFIRMED,
    )


def booking_of(body: dict[str, Any], method: ShippingMethod | None) -> Booking:
    """A status answer (docs/providers.md, "GoSend booking status"); `method` stands in when its
    `bookingType` is not one of ours."""
    raw = str(body["status"])
    try:
        status = BookingStatus(raw.strip().lower().replace(" ", "_").replace("-", "_"))
    except ValueError:
        log.error("GoSend reported booking %s in a status this backend does not know: %r", body.get("orderNo"), raw)
        raise BackendUnavailable(f"the courier reported a status this backend does not know ({raw[:40]})") from None
    kind = METHODS.get("".join(c for c in str(body.get("bookingType", "")).lower() if c.isalpha()), method)
    if kind is None:
        raise KeyError(f"bookingType {body.get('bookingType')!r}")
    price = body.get("totalPrice")
    return Booking(
        booking_id=str(body["orderNo"]),
        store_order_id=str(body.get("storeOrderId") or ""),
        method=kind,
        status=status,
        price=None if price is None or price == "" else int(float(price)),
        driver_name=_text(body.get("driverName")),
        driver_phone=_text(body.get("driverPhone")),
        tracking_url=_text(body.get("liveTrackingUrl")),
    )


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def problem(answer: httpx.Response) -> str:
    """GoSend's reason for a refusal: the `errors` list, else the `Error-Message` header, else `errorMessage`."""
    try:
        body = msgspec.json.decode(answer.content) if answer.content else None
    except msgspec.DecodeError:
        body = None
    body = body if isinstance(body, dict) else {}
    errors = body.get("errors")
    errors = errors if isinstance(errors, list) else [errors] if errors else []
    messages = [str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors if e]
    if not messages and answer.headers.get("Error-Message"):
        messages = [answer.headers["Error-Message"]]
    if not messages and body.get("errorMessage"):
        messages = [str(body["errorMessage"])]
    return "; ".join(messages) or f"the courier refused the request ({answer.status_code})"
