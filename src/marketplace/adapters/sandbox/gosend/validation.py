"""Checks on what clients send, each failure a message in GoSend's `errors` list (docs/providers.md, "GoSend
booking", "GoSend errors").

Which booking fields GoSend requires is not known; the sandbox requires what it cannot work without
(the two points, `storeOrderId`, `shipment_method`, `paymentType`) and checks the types of the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec

from marketplace.adapters.sandbox.gosend.errors import bad_request
from marketplace.adapters.sandbox.gosend.pricing import TARIFFS, parse_point
from marketplace.domain.shared.address import GeoPoint

MAX_STORE_ORDER_ID = 100
MAX_TEXT = 1000
STOP_TEXTS = ("Name", "Note", "ContactName", "ContactPhone", "Address")


@dataclass(frozen=True, slots=True)
class Stop:
    point: GeoPoint
    lat_long: str
    texts: dict[str, str | None]  # "Name", "Note", "ContactName", "ContactPhone", "Address" as given

    def text(self, name: str) -> str | None:
        return self.texts.get(name)


@dataclass(frozen=True, slots=True)
class BookingFields:
    payment_type: int
    collection_location: str | None
    method: str
    origin: Stop
    destination: Stop
    item: str | None
    store_order_id: str
    insurance: dict[str, Any] | None


def json_object(body: bytes, *, empty_allowed: bool = False) -> dict[str, Any]:
    if empty_allowed and not body.strip():
        return {}
    try:
        value = msgspec.json.decode(body)
    except msgspec.DecodeError:
        raise bad_request("the body must be a JSON object") from None
    if not isinstance(value, dict):
        raise bad_request("the body must be a JSON object")
    return value


def payment_type(value: Any) -> int | None:
    """GoSend's `paymentType` (3: corporate account, 0: cash): a whole number from 0, in JSON or a query."""
    if isinstance(value, str):
        text = value.strip()
        return int(text) if text.isdigit() and len(text) < 10 else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def validate_booking(body: dict[str, Any]) -> BookingFields:
    errors: list[str] = []
    raw = body.get("paymentType")
    kind = None if isinstance(raw, str) else payment_type(raw)  # a JSON number, as every integration sends
    if kind is None:
        errors.append("paymentType must be an integer (3: corporate account)")
    collection = body.get("collection_location")
    if collection is not None and not isinstance(collection, str):
        errors.append("collection_location must be a string")
    method = body.get("shipment_method")
    if method not in TARIFFS:
        errors.append(f"shipment_method must be one of {', '.join(TARIFFS)}")
    routes = body.get("routes")
    if not isinstance(routes, list) or len(routes) != 1 or not isinstance(routes[0], dict):
        errors.append("routes must hold exactly one route object")
        raise bad_request(*errors)
    route: dict[str, Any] = routes[0]
    origin, destination = _stop(route, "origin", errors), _stop(route, "destination", errors)
    store_order_id = route.get("storeOrderId")
    if not isinstance(store_order_id, str) or not store_order_id.strip() or len(store_order_id) > MAX_STORE_ORDER_ID:
        errors.append(f"storeOrderId must be a non-empty string of at most {MAX_STORE_ORDER_ID} characters")
    item = _text(route, "item", errors)
    insurance = route.get("insuranceDetails")
    if insurance is not None and not isinstance(insurance, dict):
        errors.append("insuranceDetails must be an object")
    if errors or origin is None or destination is None or kind is None:
        raise bad_request(*errors)
    return BookingFields(
        payment_type=kind,
        collection_location=collection,
        method=str(method),
        origin=origin,
        destination=destination,
        item=item,
        store_order_id=str(store_order_id),
        insurance=insurance,
    )


def _stop(route: dict[str, Any], end: str, errors: list[str]) -> Stop | None:
    texts = {name: _text(route, f"{end}{name}", errors) for name in STOP_TEXTS}
    lat_long = route.get(f"{end}LatLong")
    point = parse_point(lat_long) if isinstance(lat_long, str) else None
    if point is None:
        errors.append(f'{end}LatLong must be "lat,long" in decimal degrees, e.g. "-6.1754,106.8272"')
        return None
    return Stop(point, str(lat_long), texts)


def _text(route: dict[str, Any], name: str, errors: list[str]) -> str | None:
    value = route.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        errors.append(f"{name} must be a string of at most {MAX_TEXT} characters")
        return None
    return value
