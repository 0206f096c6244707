"""Shapes several request bodies share: money and postal addresses."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from marketplace.application.identity.addresses import AddressInput

# What the domain accepts, said in the schema too: no control characters but tab and line breaks;
# phone numbers of 6-16 digits after an optional +. (Blank text is refused by the domain: a
# pattern saying "not blank" needs a lookahead, which schema-driven generators handle badly.)
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
PHONE_PATTERN = r"^\+?[0-9]{6,16}$"


def text(min_length: int, max_length: int) -> Meta:
    """A constraint for free text: its length, and the characters the domain accepts."""
    return Meta(min_length=min_length, max_length=max_length, pattern=TEXT_PATTERN)


Phone = Annotated[str, Meta(min_length=6, max_length=17, pattern=PHONE_PATTERN)]
Latitude = Annotated[float, Meta(ge=-90, le=90)]
Longitude = Annotated[float, Meta(ge=-180, le=180)]
Amount = Annotated[int, Meta(ge=1, le=1_000_000_000_000, description="integer minor units (whole rupiah for IDR)")]


class Body(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base of every request body."""


class MoneyBody(Body, kw_only=True):
    amount: Amount
    currency: Literal["IDR"] = "IDR"  # the currencies the marketplace sells in


class AddressBody(Body, kw_only=True):
    label: Annotated[str, text(0, 60)] = ""
    recipient: Annotated[str, text(1, 120)]
    phone: Phone
    line1: Annotated[str, text(1, 300)]
    city: Annotated[str, text(1, 120)]
    postal_code: Annotated[str, text(1, 12)]
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
    label: Annotated[str, text(0, 60)] | msgspec.UnsetType = msgspec.UNSET
    recipient: Annotated[str, text(1, 120)] | msgspec.UnsetType = msgspec.UNSET
    phone: Phone | msgspec.UnsetType = msgspec.UNSET
    line1: Annotated[str, text(1, 300)] | msgspec.UnsetType = msgspec.UNSET
    city: Annotated[str, text(1, 120)] | msgspec.UnsetType = msgspec.UNSET
    postal_code: Annotated[str, text(1, 12)] | msgspec.UnsetType = msgspec.UNSET
    lat: Latitude | None | msgspec.UnsetType = msgspec.UNSET
    lng: Longitude | None | msgspec.UnsetType = msgspec.UNSET

    def changes(self) -> dict[str, object]:
        return {f: v for f in self.__struct_fields__ if (v := getattr(self, f)) is not msgspec.UNSET}
