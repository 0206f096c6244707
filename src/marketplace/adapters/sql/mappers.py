"""Explicit mappers between table rows (plain dicts) and domain objects, both ways."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from marketplace.domain.catalog.category import Category
from marketplace.domain.catalog.product import Product, ProductStatus, Variant
from marketplace.domain.identity.tokens import RefreshToken, TokenStatus
from marketplace.domain.identity.user import Address, User
from marketplace.domain.shared.address import GeoPoint, PostalAddress
from marketplace.domain.shared.money import Money
from marketplace.domain.stores.store import Store, StoreStatus

Row = Mapping[Any, Any]  # what RowMapping is to a type checker; keys are column names


def user_to_row(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "password_hash": user.password_hash,
        "phone": user.phone,
        "is_admin": user.is_admin,
        "created_at": user.created_at,
        "version": user.version,
    }


def user_to_domain(row: Row) -> User:
    return User(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        password_hash=row["password_hash"],
        created_at=row["created_at"],
        phone=row["phone"],
        is_admin=bool(row["is_admin"]),
        version=row["version"],
    )


def token_to_row(token: RefreshToken) -> dict[str, Any]:
    return {
        "id": token.id,
        "user_id": token.user_id,
        "family_id": token.family_id,
        "token_hash": token.token_hash,
        "status": token.status.value,
        "expires_at": token.expires_at,
        "created_at": token.created_at,
    }


def token_to_domain(row: Row) -> RefreshToken:
    return RefreshToken(
        id=row["id"],
        user_id=row["user_id"],
        family_id=row["family_id"],
        token_hash=row["token_hash"],
        expires_at=row["expires_at"],
        created_at=row["created_at"],
        status=TokenStatus(row["status"]),
    )


def postal_to_row(address: PostalAddress, prefix: str = "") -> dict[str, Any]:
    point = address.point
    return {
        f"{prefix}label": address.label,
        f"{prefix}recipient": address.recipient,
        f"{prefix}phone": address.phone,
        f"{prefix}line1": address.line1,
        f"{prefix}city": address.city,
        f"{prefix}postal_code": address.postal_code,
        f"{prefix}lat": point.lat if point else None,
        f"{prefix}lng": point.lng if point else None,
    }


def postal_to_domain(row: Row, prefix: str = "") -> PostalAddress:
    # Rows hold what the domain already validated: rebuild without re-running the rules.
    lat, lng = row[f"{prefix}lat"], row[f"{prefix}lng"]
    return PostalAddress(
        label=row[f"{prefix}label"],
        recipient=row[f"{prefix}recipient"],
        phone=row[f"{prefix}phone"],
        line1=row[f"{prefix}line1"],
        city=row[f"{prefix}city"],
        postal_code=row[f"{prefix}postal_code"],
        point=GeoPoint(lat, lng) if lat is not None and lng is not None else None,
    )


def time_to_json(value: datetime) -> str:
    """RFC 3339 in UTC, microseconds kept: JSON has no time type."""
    return value.astimezone(UTC).isoformat()


def time_from_json(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


def postal_to_json(address: PostalAddress) -> dict[str, Any]:
    """A snapshot kept whole in one JSON column (the address as given at that moment)."""
    return postal_to_row(address)


def postal_from_json(data: Mapping[str, Any]) -> PostalAddress:
    return postal_to_domain(data)


def address_to_row(address: Address) -> dict[str, Any]:
    return {
        "id": address.id,
        "user_id": address.user_id,
        "created_at": address.created_at,
        **postal_to_row(address.address),
    }


def address_to_domain(row: Row) -> Address:
    return Address(id=row["id"], user_id=row["user_id"], address=postal_to_domain(row), created_at=row["created_at"])


def store_to_row(store: Store) -> dict[str, Any]:
    """Every column the aggregate owns (ratings are kept by the reviews context, not here)."""
    return {
        "id": store.id,
        "owner_id": store.owner_id,
        "slug": store.slug,
        "name": store.name,
        "description": store.description,
        "status": store.status.value,
        "logo_media_id": store.logo_media_id,
        "created_at": store.created_at,
        "version": store.version,
        "affiliate_rate_bps": store.affiliate_rate_bps,
        **postal_to_row(store.pickup_address, "pickup_"),
    }


def store_to_domain(row: Row) -> Store:
    return Store(
        id=row["id"],
        owner_id=row["owner_id"],
        slug=row["slug"],
        name=row["name"],
        description=row["description"],
        pickup_address=postal_to_domain(row, "pickup_"),
        created_at=row["created_at"],
        status=StoreStatus(row["status"]),
        logo_media_id=row["logo_media_id"],
        version=row["version"],
        affiliate_rate_bps=row["affiliate_rate_bps"],
    )


def category_to_row(category: Category) -> dict[str, Any]:
    return {
        "id": category.id,
        "name": category.name,
        "slug": category.slug,
        "parent_id": category.parent_id,
        "created_at": category.created_at,
    }


def category_to_domain(row: Row) -> Category:
    return Category(
        id=row["id"], name=row["name"], slug=row["slug"], parent_id=row["parent_id"], created_at=row["created_at"]
    )


def product_to_row(product: Product) -> dict[str, Any]:
    """Every column the aggregate owns, with the lowest price that lists sort and filter on."""
    price_from = product.price_from
    return {
        "id": product.id,
        "store_id": product.store_id,
        "slug": product.slug,
        "title": product.title,
        "description": product.description,
        "category_id": product.category_id,
        "status": product.status.value,
        "currency": product.currency,
        "price_from_amount": price_from.amount if price_from else 0,
        "media_ids": list(product.media_ids),
        "published_at": product.published_at,
        "created_at": product.created_at,
        "updated_at": product.updated_at,
        "version": product.version,
    }


def variant_to_row(variant: Variant, product: Product, position: int) -> dict[str, Any]:
    return {
        "id": variant.id,
        "product_id": product.id,
        "store_id": product.store_id,
        "position": position,
        "sku": variant.sku,
        "name": variant.name,
        "price_amount": variant.price.amount,
        "price_currency": variant.price.currency,
        "stock": variant.stock,
        "weight_grams": variant.weight_grams,
    }


def variant_to_domain(row: Row) -> Variant:
    return Variant(
        id=row["id"],
        sku=row["sku"],
        name=row["name"],
        price=Money(row["price_amount"], row["price_currency"]),
        stock=row["stock"],
        weight_grams=row["weight_grams"],
    )


def product_to_domain(row: Row, variant_rows: Iterable[Row]) -> Product:
    return Product(
        id=row["id"],
        store_id=row["store_id"],
        slug=row["slug"],
        title=row["title"],
        description=row["description"],
        category_id=row["category_id"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        variants=[variant_to_domain(v) for v in variant_rows],
        media_ids=list(row["media_ids"] or []),
        status=ProductStatus(row["status"]),
        published_at=row["published_at"],
        version=row["version"],
    )
