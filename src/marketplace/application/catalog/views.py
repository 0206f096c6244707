"""Read models of the catalog, shaped as docs/api.md gives them."""

from __future__ import annotations

import enum
from datetime import datetime

import msgspec

from marketplace.application.shared.views import MoneyView, RatingView


class StoreRef(msgspec.Struct, frozen=True):
    id: str
    name: str


class StoreRefWithSlug(msgspec.Struct, frozen=True):
    id: str
    name: str
    slug: str


class CategoryRef(msgspec.Struct, frozen=True):
    id: str
    name: str


class ProductCard(msgspec.Struct, frozen=True):
    id: str
    slug: str
    title: str
    status: str
    price_from: MoneyView
    store: StoreRef
    thumbnail_url: str | None
    rating: RatingView


class VariantView(msgspec.Struct, frozen=True):
    id: str
    sku: str
    name: str
    price: MoneyView
    stock: int
    weight_grams: int


class MediaView(msgspec.Struct, frozen=True):
    id: str
    url: str
    thumbnail_url: str | None


class ProductDetail(msgspec.Struct, frozen=True):
    id: str
    slug: str
    title: str
    description: str
    status: str
    category: CategoryRef | None
    store: StoreRefWithSlug
    variants: list[VariantView]
    media: list[MediaView]
    rating: RatingView
    price_from: MoneyView
    created_at: datetime
    updated_at: datetime


class VariantSnapshot(msgspec.Struct, frozen=True):
    """A variant as a cart or checkout sees it now: its price, its stock, whether it is for sale."""

    variant_id: str
    product_id: str
    title: str
    price: MoneyView
    stock: int
    store_id: str
    store_name: str
    purchasable: bool
    weight_grams: int = 0


class ProductRecord(msgspec.Struct, frozen=True):
    """A detail plus what deciding its visibility needs (not sent to clients as is)."""

    detail: ProductDetail
    owner_id: str
    public: bool


class CategoryNode(msgspec.Struct):
    id: str
    name: str
    slug: str
    parent_id: str | None
    children: list[CategoryNode]


class Sort(str, enum.Enum):
    RELEVANCE = "relevance"
    NEWEST = "newest"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    RATING = "rating"


class ProductQuery(msgspec.Struct, frozen=True):
    """A browse request after validation; `category_ids` already holds the subtree."""

    q: str | None = None
    category_ids: tuple[str, ...] | None = None
    store_id: str | None = None
    min_price: int | None = None
    max_price: int | None = None
    sort: Sort = Sort.NEWEST
    limit: int = 20
    cursor: str | None = None
    statuses: tuple[str, ...] = ("active",)
    public_only: bool = True
