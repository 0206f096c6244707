"""An in-memory courier: prices by the great-circle distance, Instant nearby, Same Day further."""

from __future__ import annotations

import math

from marketplace.application.ports.shipping import ShippingMethod, ShippingOption
from marketplace.domain.shared.address import GeoPoint

EARTH_RADIUS_KM = 6371.0088
MAX_WEIGHT_GRAMS = 20_000
# method: (largest distance served in km, base fee, fee per started km, eta)
TARIFFS = {
    ShippingMethod.INSTANT: (40.0, 10_000, 2_500, "1-2 hours"),
    ShippingMethod.SAME_DAY: (100.0, 8_000, 1_500, "6-8 hours"),
}


def haversine_km(a: GeoPoint, b: GeoPoint) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (a.lat, a.lng, b.lat, b.lng))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


class MemoryShippingGateway:
    async def quote(self, origin: GeoPoint, destination: GeoPoint, weight_grams: int) -> list[ShippingOption]:
        if not 0 < weight_grams <= MAX_WEIGHT_GRAMS:
            return []
        distance = haversine_km(origin, destination)
        options = []
        for method, (reach, base, per_km, eta) in TARIFFS.items():
            if distance <= reach:
                price = base + per_km * math.ceil(distance)
                options.append(ShippingOption(method=method, price=price, currency="IDR", eta=eta))
        return options
