"""The Product aggregate with its Variants: price > 0, stock >= 0, a lifecycle of statuses."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from marketplace.domain.shared.errors import Conflict, DuplicateSku, IllegalTransition, InsufficientStock, InvalidValue
from marketplace.domain.shared.events import Aggregate, DomainEvent
from marketplace.domain.shared.money import Money
from marketplace.domain.shared.text import clean_text

MAX_VARIANTS = 100
MAX_STOCK = 1_000_000
MAX_WEIGHT_GRAMS = 1_000_000
_SKU = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")


class ProductStatus(str, enum.Enum):
    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"


@dataclass(frozen=True, slots=True)
class ProductPublished(DomainEvent):
    topic: ClassVar[str] = "ProductPublished"

    product_id: str
    store_id: str


@dataclass(frozen=True, slots=True)
class ProductArchived(DomainEvent):
    topic: ClassVar[str] = "ProductArchived"

    product_id: str
    store_id: str


def check_sku(sku: str) -> str:
    sku = sku.strip()
    if not _SKU.match(sku):
        raise InvalidValue("sku", "1-64 characters: letters, digits and . _ / - (starting with a letter or digit)")
    return sku


def check_stock(stock: int) -> int:
    if type(stock) is not int or not 0 <= stock <= MAX_STOCK:
        raise InvalidValue("stock", f"must be a whole number from 0 to {MAX_STOCK}")
    return stock


def check_weight(grams: int) -> int:
    if type(grams) is not int or not 1 <= grams <= MAX_WEIGHT_GRAMS:
        raise InvalidValue("weight_grams", f"must be a whole number from 1 to {MAX_WEIGHT_GRAMS}")
    return grams


def check_price(price: Money) -> Money:
    if not price.is_positive:
        raise InvalidValue("price", "must be greater than zero")
    return price


@dataclass(eq=False)
class Variant:
    id: str
    sku: str
    name: str
    price: Money
    stock: int
    weight_grams: int

    @classmethod
    def create(cls, *, id: str, sku: str, name: str, price: Money, stock: int, weight_grams: int) -> Variant:
        return cls(
            id=id,
            sku=check_sku(sku),
            name=clean_text("name", name, max_length=100),
            price=check_price(price),
            stock=check_stock(stock),
            weight_grams=check_weight(weight_grams),
        )

    def take(self, quantity: int) -> None:
        """Remove `quantity` from the available stock; never below zero."""
        if type(quantity) is not int or quantity <= 0:
            raise InvalidValue("quantity", "must be a positive whole number")
        if quantity > self.stock:
            raise InsufficientStock(f"variant {self.id}: {quantity} requested, {self.stock} available")
        self.stock -= quantity

    def put_back(self, quantity: int) -> None:
        if type(quantity) is not int or quantity <= 0:
            raise InvalidValue("quantity", "must be a positive whole number")
        self.stock = check_stock(self.stock + quantity)


@dataclass(eq=False)
class Product(Aggregate):
    id: str
    store_id: str
    slug: str
    title: str
    description: str
    category_id: str | None
    created_at: datetime
    updated_at: datetime
    variants: list[Variant] = field(default_factory=list)
    media_ids: list[str] = field(default_factory=list)
    status: ProductStatus = ProductStatus.DRAFT
    published_at: datetime | None = None
    version: int = 0

    @classmethod
    def draft(
        cls,
        *,
        id: str,
        store_id: str,
        slug: str,
        title: str,
        description: str,
        category_id: str | None,
        variants: list[Variant],
        now: datetime,
    ) -> Product:
        product = cls(
            id=id,
            store_id=store_id,
            slug=slug,
            title=_title(title),
            description=_description(description),
            category_id=category_id,
            created_at=now,
            updated_at=now,
        )
        if not variants:
            raise InvalidValue("variants", "a product needs at least one variant")
        for variant in variants:
            product.add_variant(variant, now)
        return product

    @property
    def is_active(self) -> bool:
        return self.status is ProductStatus.ACTIVE

    @property
    def currency(self) -> str:
        return self.variants[0].price.currency if self.variants else "IDR"

    @property
    def price_from(self) -> Money | None:
        return min((v.price for v in self.variants), key=lambda m: m.amount, default=None)

    def variant(self, variant_id: str) -> Variant:
        for variant in self.variants:
            if variant.id == variant_id:
                return variant
        raise KeyError(variant_id)

    def retitle(self, title: str, now: datetime) -> None:
        self.title = _title(title)
        self.updated_at = now

    def redescribe(self, description: str, now: datetime) -> None:
        self.description = _description(description)
        self.updated_at = now

    def recategorise(self, category_id: str | None, now: datetime) -> None:
        self.category_id = category_id
        self.updated_at = now

    def add_variant(self, variant: Variant, now: datetime) -> None:
        if len(self.variants) >= MAX_VARIANTS:
            raise Conflict(f"a product has at most {MAX_VARIANTS} variants")
        if any(v.sku == variant.sku for v in self.variants):
            raise DuplicateSku(variant.sku)
        if self.variants and variant.price.currency != self.currency:
            raise InvalidValue("price.currency", "all variants of a product share one currency")
        self.variants.append(variant)
        self.updated_at = now

    def change_variant(
        self,
        variant_id: str,
        now: datetime,
        *,
        name: str | None = None,
        price: Money | None = None,
        stock: int | None = None,
    ) -> Variant:
        variant = self.variant(variant_id)
        # Check every change before applying any, so a refused change leaves the variant as it was.
        if name is not None:
            name = clean_text("name", name, max_length=100)
        if price is not None:
            if price.currency != self.currency:
                raise InvalidValue("price.currency", "all variants of a product share one currency")
            price = check_price(price)
        if stock is not None:
            stock = check_stock(stock)
        variant.name = variant.name if name is None else name
        variant.price = variant.price if price is None else price
        variant.stock = variant.stock if stock is None else stock
        self.updated_at = now
        return variant

    def remove_variant(self, variant_id: str, now: datetime) -> None:
        variant = self.variant(variant_id)
        if len(self.variants) == 1:
            raise Conflict("a product keeps at least one variant; archive the product instead")
        self.variants.remove(variant)
        self.updated_at = now

    def publish(self, now: datetime) -> None:
        if self.status is ProductStatus.ACTIVE:
            raise IllegalTransition("the product is already published")
        if not self.variants:
            raise IllegalTransition("a product needs a variant before it is published")
        self.status = ProductStatus.ACTIVE
        self.published_at = self.published_at or now
        self.updated_at = now
        self.record(ProductPublished(product_id=self.id, store_id=self.store_id))

    def archive(self, now: datetime) -> None:
        if self.status is ProductStatus.ARCHIVED:
            raise IllegalTransition("the product is already archived")
        self.status = ProductStatus.ARCHIVED
        self.updated_at = now
        self.record(ProductArchived(product_id=self.id, store_id=self.store_id))


def _title(title: str) -> str:
    return clean_text("title", title, min_length=2, max_length=200)


def _description(description: str) -> str:
    return clean_text("description", description, min_length=0, max_length=10_000)
