"""Shapes several request bodies share: money and postal addresses."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

from marketplace.application.identity.addresses import AddressInput

Text = Annotated[str, Meta(max_length=300)]
Latitude = Annotated[float, Meta(ge=-90, le=90)]
Longitude = Annotated[float, Meta(ge=-180, le=180)]
Amount = Annotated[int, Meta(ge=1, le=1_000_000_000_000, description="integer minor units (whole rupiah for IDR)")]


class Body(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base of every request body."""


class MoneyBody(Body, kw_only=True):
    amount: Amount
    currency: Annotated[str, Meta(pattern="^[A-Z]{3}$")] = "IDR"


class AddressBody(Body, kw_only=True):
    label: Annotated[str, Meta(max_length=60)] = ""
    recipient: Annotated[str, Meta(min_length=1, max_length=120)]
    phone: Annotated[str, Meta(min_length=6, max_length=17)]
    line1: Annotated[str, Meta(min_length=1, max_length=300)]
    city: Annotated[str, Meta(min_length=1, max_length=120)]
    postal_code: Annotated[str, Meta(min_length=1, max_length=12)]
    lat: Latitude | None = None
    lng: Longitude | None = None

    def to_input(self) -> AddressInput:
        return AddressInput(
            label=self.label, recipient=self.recipient, phone=self.phone, line1=self.line1, city=self.city,
            postal_code=self.postal_code, lat=self.lat, lng=self.lng,
        )


class PickupAddressBody(AddressBody, kw_only=True):
    """A store's pickup address: coordinates are required (couriers need them)."""

    lat: Latitude  # type: ignore[assignment]
    lng: Longitude  # type: ignore[assignment]


class AddressPatch(Body, kw_only=True):
    label: Annotated[str, Meta(max_length=60)] | msgspec.UnsetType = msgspec.UNSET
    recipient: Annotated[str, Meta(min_length=1, max_length=120)] | msgspec.UnsetType = msgspec.UNSET
    phone: Annotated[str, Meta(min_length=6, max_length=17)] | msgspec.UnsetType = msgspec.UNSET
    line1: Annotated[str, Meta(min_length=1, max_length=300)] | msgspec.UnsetType = msgspec.UNSET
    city: Annotated[str, Meta(min_length=1, max_length=120)] | msgspec.UnsetType = msgspec.UNSET
    postal_code: Annotated[str, Meta(min_length=1, max_length=12)] | msgspec.UnsetType = msgspec.UNSET
    lat: Latitude | None | msgspec.UnsetType = msgspec.UNSET
    lng: Longitude | None | msgspec.UnsetType = msgspec.UNSET

    def changes(self) -> dict[str, object]:
        return {f: v for f in self.__struct_fields__ if (v := getattr(self, f)) is not msgspec.UNSET}
