"""GoSend's price estimate (docs/providers.md, "GoSend price estimate") from one tariff table, the same
one the in-memory courier uses: the distance is the great-circle (haversine) distance in km, the price a
base fee plus a fee per started km, and a method serves only up to its reach.

| method  | serves up to | total_price              | shipment_method_description |
|---------|--------------|--------------------------|-----------------------------|
| Instant | 40 km        | 10000 + 2500 * ceil(km)  | 1-2 hours                   |
| SameDay | 100 km       | 8000 + 1500 * ceil(km)   | 6-8 hours                   |

An unserviceable method is still listed, with `serviceable` and `active` false and every price 0 (how
GoSend prices a route it will not serve is not known; 0 keeps anyone from showing a price for it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from marketplace.domain.shared.address import GeoPoint


@dataclass(frozen=True, slots=True)
class Tariff:
    method: str  # GoSend's `shipment_method`
    reach_km: float  # serviceable when the distance is at most this
    base: int  # IDR
    per_km: int  # IDR per started km
    eta: str  # `shipment_method_description`

    def serves(self, distance_km: float) -> bool:
        return distance_km <= self.reach_km

    def price(self, distance_km: float) -> int:
        return self.base + self.per_km * math.ceil(distance_km)


TARIFFS: dict[str, Tariff] = {
    "Instant": Tariff("Instant", 40.0, 10_000, 2_500, "1-2 hours"),
    "SameDay": Tariff("SameDay", 100.0, 8_000, 1_500, "6-8 hours"),
}


def parse_point(text: str | None) -> GeoPoint | None:
    """`"-6.1754,106.8272"` (GoSend's `lat,long`) as a point; None when it is not one."""
    parts = (text or "").split(",")
    if len(parts) != 2:
        return None
    try:
        lat, lng = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    if not (math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    return GeoPoint(lat, lng)


def encode_polyline(points: list[GeoPoint]) -> str:
    """Google's encoded polyline format (precision 5)."""
    out: list[str] = []
    previous = (0, 0)
    for point in points:
        current = (round(point.lat * 1e5), round(point.lng * 1e5))
        for delta in (current[0] - previous[0], current[1] - previous[1]):
            value = ~(delta << 1) if delta < 0 else delta << 1
            while value >= 0x20:
                out.append(chr((0x20 | (value & 0x1F)) + 63))
                value >>= 5
            out.append(chr(value + 63))
        previous = current
    return "".join(out)


def estimate(origin: GeoPoint, destination: GeoPoint) -> dict[str, Any]:
    """The 200 body of `GET /gokilat/v10/calculate/price`: one entry per method."""
    distance = origin.distance_km(destination)
    polyline = encode_polyline([origin, destination])  # a straight line: the sandbox knows no roads
    return {name: _method(tariff, distance, polyline) for name, tariff in TARIFFS.items()}


def _method(tariff: Tariff, distance: float, polyline: str) -> dict[str, Any]:
    serviceable = tariff.serves(distance)
    price = tariff.price(distance) if serviceable else 0
    return {
        "shipment_method": tariff.method,
        "shipment_method_description": tariff.eta,
        "serviceable": serviceable,
        "active": serviceable,
        "distance": round(distance, 2),
        "route_polyline": polyline,
        "price": {
            "total_price": price,
            "go_pay_total_price": price,
            "go_pay_discount": 0,
            "voucher_discount": 0,
            "total_price_with_voucher": price,
        },
    }
