"""Request bodies of stores and the catalog."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

from marketplace.application.catalog.commands import VariantInput
from marketplace.domain.shared.money import Money, price
from marketplace.entrypoints.http.schemas.common import Amount, Body, MoneyBody, PickupAddressBody, Uuid, text

Id = Uuid  # a category or a media: the use cases know nothing else
Unset = msgspec.UnsetType
UNSET = msgspec.UNSET
Price = MoneyBody | Amount  # an object, or a bare integer amount in IDR


def money_of(value: MoneyBody | int) -> Money:
    return price(value) if isinstance(value, int) else price(value.amount, value.currency)


class StoreBody(Body, kw_only=True):
    name: Annotated[str, text(2, 80)]
    description: Annotated[str, text(0, 2000)] = ""
    pickup_address: PickupAddressBody
    logo_media_id: Id | None = None


class StorePatch(Body, kw_only=True):
    name: Annotated[str, text(2, 80)] | Unset = UNSET
    description: Annotated[str, text(0, 2000)] | Unset = UNSET
    pickup_address: PickupAddressBody | Unset = UNSET
    logo_media_id: Id | None | Unset = UNSET


class CategoryBody(Body, kw_only=True):
    name: Annotated[str, text(1, 80)]
    parent_id: Id | None = None


class VariantBody(Body, kw_only=True):
    sku: Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")]
    name: Annotated[str, text(1, 100)]
    price: Price
    stock: Annotated[int, Meta(ge=0, le=1_000_000)]
    weight_grams: Annotated[int, Meta(ge=1, le=1_000_000)]

    def to_input(self) -> VariantInput:
        money = money_of(self.price)
        return VariantInput(
            sku=self.sku,
            name=self.name,
            price_amount=money.amount,
            currency=money.currency,
            stock=self.stock,
            weight_grams=self.weight_grams,
        )


class ProductBody(Body, kw_only=True):
    title: Annotated[str, text(2, 200)]
    description: Annotated[str, text(0, 10_000)] = ""
    category_id: Id | None = None
    variants: Annotated[list[VariantBody], Meta(min_length=1, max_length=100)]
    media_ids: Annotated[list[Id], Meta(max_length=20)] = []


class ProductPatch(Body, kw_only=True):
    title: Annotated[str, text(2, 200)] | Unset = UNSET
    description: Annotated[str, text(0, 10_000)] | Unset = UNSET
    category_id: Id | None | Unset = UNSET
    media_ids: Annotated[list[Id], Meta(max_length=20)] | Unset = UNSET


class VariantPatch(Body, kw_only=True):
    name: Annotated[str, text(1, 100)] | Unset = UNSET
    price: Price | Unset = UNSET
    stock: Annotated[int, Meta(ge=0, le=1_000_000)] | Unset = UNSET
