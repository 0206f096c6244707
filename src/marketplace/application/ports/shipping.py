"""The courier as the application sees it: price options from a pickup point to a delivery point."""

from __future__ import annotations

import enum
from typing import Protocol

import msgspec

from marketplace.domain.shared.address import GeoPoint


class ShippingMethod(str, enum.Enum):
    INSTANT = "instant"
    SAME_DAY = "same_day"


class ShippingOption(msgspec.Struct, frozen=True):
    method: ShippingMethod
    price: int
    currency: str
    eta: str


class ShippingGateway(Protocol):
    async def quote(self, origin: GeoPoint, destination: GeoPoint, weight_grams: int) -> list[ShippingOption]:
        """The methods that serve this trip with their price now; an empty list when none does."""
        ...
