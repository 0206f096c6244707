"""In-memory repositories: the same contract as the SQL ones, uniqueness rules included."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar, cast

from marketplace.adapters.memory.database import StagedTable, Staging
from marketplace.domain.cart.cart import Cart
from marketplace.domain.catalog.category import Category
from marketplace.domain.catalog.product import Product
from marketplace.domain.identity.tokens import RefreshToken, TokenStatus
from marketplace.domain.identity.user import Address, User
from marketplace.domain.media.media import MediaObject
from marketplace.domain.shared.errors import ConcurrentUpdate, DuplicateEmail, DuplicateSku, DuplicateSlug
from marketplace.domain.stores.store import Store, StoreStatus

Row = TypeVar("Row")


class _Versioned(Protocol):
    """The rows of a versioned table."""

    version: int


class _Repository(Generic[Row]):
    """Rows of one table; `Row` is what the table holds (the memory database itself stores anything)."""

    table_name = ""
    versioned = False

    def __init__(self, uow: Staging) -> None:
        self._uow = uow

    @property
    def _table(self) -> StagedTable:
        return self._uow.table(self.table_name)

    def _get(self, key: str) -> Row | None:
        value: Row | None = self._table.get(key)
        if value is not None and self.versioned:
            self._uow.remember_version(self.table_name, key, cast(_Versioned, value).version)
        return value

    def _present(self, key: str) -> Row:
        """A row this unit of work just found in the table (by a scan): read as `_get` reads it."""
        value = self._get(key)
        if value is None:
            raise KeyError(f"{self.table_name} {key} vanished while being read")
        return value

    def _insert(self, aggregate: Any) -> None:
        self._table.put(aggregate.id, aggregate)
        self._uow.touch(aggregate)

    def _update(self, aggregate: Any) -> None:
        if self.versioned:
            stored = self._table.get(aggregate.id)
            if stored is None or stored.version != aggregate.version:
                raise ConcurrentUpdate(f"{self.table_name} {aggregate.id} was changed by someone else; try again")
            aggregate.version += 1
        self._table.put(aggregate.id, aggregate)
        self._uow.touch(aggregate)


class MemoryUserRepository(_Repository[User]):
    table_name, versioned = "users", True

    async def add(self, user: User) -> None:
        if any(u.email == user.email for u in self._table.rows()):
            raise DuplicateEmail("an account with this email already exists")
        self._insert(user)

    async def names(self, user_ids: list[str]) -> dict[str, str]:
        wanted = set(user_ids)
        return {u.id: u.name for u in self._table.rows() if u.id in wanted}

    async def get(self, user_id: str) -> User | None:
        return self._get(user_id)

    async def get_by_email(self, email: str) -> User | None:
        found = next((u for u in self._table.rows() if u.email == email), None)
        return self._get(found.id) if found else None

    async def save(self, user: User) -> None:
        self._update(user)


class MemoryRefreshTokenRepository(_Repository[RefreshToken]):
    table_name = "refresh_tokens"

    async def add(self, token: RefreshToken) -> None:
        self._insert(token)

    async def get_by_hash(self, token_hash: str) -> RefreshToken | None:
        found = next((t for t in self._table.rows() if t.token_hash == token_hash), None)
        return self._get(found.id) if found else None

    async def rotate(self, token: RefreshToken) -> bool:
        if not _rotatable(token, self._table.rows()):
            return False
        stored = self._present(token.id)
        stored.rotate()
        self._table.put(stored.id, stored)
        # Another unit of work rotating it, or revoking its family, before this one commits makes the
        # commit fail: the SQL adapter's conditional write would have waited for that and changed nothing.
        self._uow.require(
            lambda committed: _rotatable(token, committed.table(self.table_name).values()),
            f"refresh token {token.id} was used by someone else",
        )
        token.rotate()
        return True

    async def revoke_family(self, family_id: str) -> None:
        for token in [t for t in self._table.rows() if t.family_id == family_id]:
            if token.status is not TokenStatus.REVOKED:
                revoked = self._present(token.id)
                revoked.revoke()
                self._table.put(revoked.id, revoked)


def _rotatable(token: RefreshToken, rows: Iterable[RefreshToken]) -> bool:
    """Still active, and no token of its family revoked."""
    active = False
    for row in rows:
        if row.family_id == token.family_id and row.status is TokenStatus.REVOKED:
            return False
        active = active or (row.id == token.id and row.status is TokenStatus.ACTIVE)
    return active


class MemoryAddressRepository(_Repository[Address]):
    table_name = "addresses"

    async def add(self, address: Address) -> None:
        self._insert(address)

    async def get(self, address_id: str) -> Address | None:
        return self._get(address_id)

    async def list_for_user(self, user_id: str) -> list[Address]:
        mine = sorted((a for a in self._table.rows() if a.user_id == user_id), key=lambda a: (a.created_at, a.id))
        return [self._present(a.id) for a in mine]

    async def save(self, address: Address) -> None:
        self._table.put(address.id, address)

    async def delete(self, address_id: str) -> None:
        self._table.delete(address_id)


class MemoryStoreRepository(_Repository[Store]):
    table_name, versioned = "stores", True

    async def names(self, store_ids: list[str]) -> dict[str, str]:
        wanted = set(store_ids)
        return {st.id: st.name for st in self._table.rows() if st.id in wanted}

    async def add(self, store: Store) -> None:
        if await self.slug_taken(store.slug):
            raise DuplicateSlug(f"the store slug {store.slug!r} is taken")
        self._insert(store)

    async def get(self, store_id: str) -> Store | None:
        return self._get(store_id)

    async def get_by_slug(self, slug: str) -> Store | None:
        found = next((s for s in self._table.rows() if s.slug == slug), None)
        return self._get(found.id) if found else None

    async def slug_taken(self, slug: str) -> bool:
        return any(s.slug == slug for s in self._table.rows())

    async def ids_owned_by(self, owner_id: str) -> list[str]:
        return [s.id for s in sorted(self._table.rows(), key=lambda s: s.id) if s.owner_id == owner_id]

    async def save(self, store: Store) -> None:
        self._update(store)

    async def search_active(self, q: str | None, limit: int, before_id: str | None) -> list[Store]:
        needle = (q or "").lower()
        found = [
            s
            for s in self._table.rows()
            if s.status is StoreStatus.ACTIVE
            and (before_id is None or s.id < before_id)
            and (needle in s.name.lower() or needle in s.description.lower())
        ]
        return [self._present(s.id) for s in sorted(found, key=lambda s: s.id, reverse=True)[:limit]]


class MemoryCategoryRepository(_Repository[Category]):
    table_name = "categories"

    async def add(self, category: Category) -> None:
        if await self.slug_taken(category.slug):
            raise DuplicateSlug(f"the category slug {category.slug!r} is taken")
        self._insert(category)

    async def get(self, category_id: str) -> Category | None:
        return self._get(category_id)

    async def slug_taken(self, slug: str) -> bool:
        return any(c.slug == slug for c in self._table.rows())

    async def list_all(self) -> list[Category]:
        return [self._present(c.id) for c in sorted(self._table.rows(), key=lambda c: c.id)]


class MemoryProductRepository(_Repository[Product]):
    table_name, versioned = "products", True

    def _check_unique(self, product: Product) -> None:
        skus = {v.sku for v in product.variants}
        for other in self._table.rows():
            if other.id == product.id:
                continue
            if other.slug == product.slug:
                raise DuplicateSlug(f"the product slug {product.slug!r} is taken")
            if other.store_id == product.store_id:
                clash = skus & {v.sku for v in other.variants}
                if clash:
                    raise DuplicateSku(sorted(clash)[0])

    async def add(self, product: Product) -> None:
        self._check_unique(product)
        self._insert(product)

    async def get(self, product_id: str) -> Product | None:
        return self._get(product_id)

    async def get_by_slug(self, slug: str) -> Product | None:
        found = next((p for p in self._table.rows() if p.slug == slug), None)
        return self._get(found.id) if found else None

    async def save(self, product: Product) -> None:
        self._check_unique(product)
        self._update(product)


class MemoryMediaRepository(_Repository[MediaObject]):
    table_name, versioned = "media", True

    async def add(self, media: MediaObject) -> None:
        self._insert(media)

    async def get(self, media_id: str) -> MediaObject | None:
        return self._get(media_id)

    async def save(self, media: MediaObject) -> None:
        self._update(media)

    async def delete(self, media_id: str) -> None:
        self._table.delete(media_id)

    async def pending_before(self, cutoff: datetime, limit: int) -> list[MediaObject]:
        stale = sorted(
            (m for m in self._table.rows() if not m.is_ready and m.created_at < cutoff),
            key=lambda m: (m.created_at, m.id),
        )
        return [self._present(m.id) for m in stale[:limit]]

    async def created_before(self, cutoff: datetime, after_id: str | None, limit: int) -> list[MediaObject]:
        old = sorted(
            (m for m in self._table.rows() if m.created_at < cutoff and (after_id is None or m.id > after_id)),
            key=lambda m: m.id,
        )
        return [self._present(m.id) for m in old[:limit]]


class MemoryCartRepository(_Repository[Cart]):
    table_name, versioned = "carts", True

    async def get(self, buyer_id: str) -> Cart | None:
        return self._get(buyer_id)

    async def save(self, cart: Cart) -> None:
        if self._table.get(cart.id) is None:
            if cart.version != 0:
                raise ConcurrentUpdate(f"carts {cart.id} was changed by someone else; try again")
            self._uow.remember_version(self.table_name, cart.id, -1)  # someone else creating it meanwhile conflicts
            cart.version = 1
            self._insert(cart)
        else:
            self._update(cart)
