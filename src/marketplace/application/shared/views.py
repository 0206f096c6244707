"""Plain read models (msgspec Structs) that use cases return and entrypoints render as they are."""

from __future__ import annotations

from typing import Generic, TypeVar

import msgspec

from marketplace.domain.shared.address import PostalAddress
from marketplace.domain.shared.money import Money

T = TypeVar("T")


class MoneyView(msgspec.Struct, frozen=True):
    amount: int
    currency: str

    @classmethod
    def of(cls, money: Money) -> MoneyView:
        return cls(amount=money.amount, currency=money.currency)


class RatingView(msgspec.Struct, frozen=True):
    average: float | None
    count: int

    @classmethod
    def from_centi(cls, centi: int | None, count: int) -> RatingView:
        """Averages are stored as integer hundredths; -1 or None means unrated."""
        if not count or centi is None or centi < 0:
            return cls(average=None, count=0)
        return cls(average=round(centi / 100, 2), count=count)


UNRATED = RatingView(average=None, count=0)


class AddressView(msgspec.Struct, frozen=True):
    label: str
    recipient: str
    phone: str
    line1: str
    city: str
    postal_code: str
    lat: float | None
    lng: float | None

    @classmethod
    def of(cls, address: PostalAddress) -> AddressView:
        point = address.point
        return cls(
            label=address.label,
            recipient=address.recipient,
            phone=address.phone,
            line1=address.line1,
            city=address.city,
            postal_code=address.postal_code,
            lat=point.lat if point else None,
            lng=point.lng if point else None,
        )


class Page(msgspec.Struct, Generic[T], frozen=True):
    items: list[T]
    next_cursor: str | None
