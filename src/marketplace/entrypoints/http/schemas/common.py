"""Shapes several request bodies share: money and postal addresses."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from marketplace.application.identity.addresses import AddressInput
from marketplace.entrypoints.http.schemas.patterns import UUID, stripped_text

# What the domain accepts, said in the schema too: text with no control characters but tab and line
# breaks, not blank where it is required (the domain strips surrounding space first); phone numbers of
# 6-16 digits after an optional +; ids as the core makes them (lower-case UUIDs).
PHONE_PATTERN = r"^\+?[0-9]{6,16}$"


def text(min_length: int, max_length: int) -> Meta:
    """A constraint for free text the domain cleans: its length, and what is left once stripped."""
    return Meta(min_length=min_length, max_length=max_length, pattern=stripped_text(min_length))


def stripped(min_length: int, max_length: int) -> Meta:
    """As `text`, for text that has always taken any space around it (message, review and reply bodies,
    a bank account's holder): the domain strips it."""
    return Meta(min_length=min_length, max_length=max_length, pattern=stripped_text(min_length, c0_free_edges=False))


Uuid = Annotated[str, Meta(min_length=36, max_length=36, pattern=UUID, description="an id")]
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
            label=self.label,
            recipient=self.recipient,
            phone=self.phone,
            line1=self.line1,
            city=self.city,
            postal_code=self.postal_code,
            lat=self.lat,
            lng=self.lng,
        )


class PickupAddressBody(AddressBody, kw_only=True):
    """A store's pickup address: coordinates are required (couriers need them)."""

    lat: Latitude
    lng: Longitude


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
