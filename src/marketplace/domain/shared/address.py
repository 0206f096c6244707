"""Postal addresses with coordinates, used for store pickup and buyer delivery."""

from __future__ import annotations

import math
from dataclasses import dataclass

from marketplace.domain.shared.errors import InvalidValue
from marketplace.domain.shared.text import clean_text

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class GeoPoint:
    lat: float
    lng: float

    def __post_init__(self) -> None:
        if not -90.0 <= self.lat <= 90.0:
            raise InvalidValue("lat", "must be between -90 and 90")
        if not -180.0 <= self.lng <= 180.0:
            raise InvalidValue("lng", "must be between -180 and 180")

    def distance_km(self, other: GeoPoint) -> float:
        """The great-circle (haversine) distance on a sphere of the Earth's mean radius."""
        lat1, lng1, lat2, lng2 = map(math.radians, (self.lat, self.lng, other.lat, other.lng))
        h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
        return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


@dataclass(frozen=True, slots=True)
class PostalAddress:
    label: str
    recipient: str
    phone: str
    line1: str
    city: str
    postal_code: str
    point: GeoPoint | None

    @classmethod
    def create(
        cls,
        *,
        label: str = "",
        recipient: str,
        phone: str,
        line1: str,
        city: str,
        postal_code: str,
        lat: float | None,
        lng: float | None,
        require_point: bool = False,
    ) -> PostalAddress:
        if (lat is None) != (lng is None):
            raise InvalidValue("lat" if lat is None else "lng", "lat and lng come together")
        if lat is None and require_point:
            raise InvalidValue("lat", "is required")
        return cls(
            label=clean_text("label", label, min_length=0, max_length=60),
            recipient=clean_text("recipient", recipient, max_length=120),
            phone=_phone(phone),
            line1=clean_text("line1", line1, max_length=300),
            city=clean_text("city", city, max_length=120),
            postal_code=clean_text("postal_code", postal_code, max_length=12),
            point=GeoPoint(lat, lng) if lat is not None and lng is not None else None,
        )


def _phone(value: str) -> str:
    value = value.strip()
    digits = value[1:] if value.startswith("+") else value
    if not 6 <= len(digits) <= 16 or not (digits.isascii() and digits.isdigit()):
        raise InvalidValue("phone", "must be 6 to 16 digits, optionally after a leading +")
    return value
