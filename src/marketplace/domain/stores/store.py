"""The Store aggregate."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from marketplace.domain.shared.address import PostalAddress
from marketplace.domain.shared.errors import IllegalTransition, InvalidValue
from marketplace.domain.shared.events import Aggregate, DomainEvent
from marketplace.domain.shared.text import clean_text

MAX_STORES_PER_OWNER = 10


class SuspendedStore(IllegalTransition):
    """The store is suspended and the action would start something new."""

    code = "store-suspended"


class StoreStatus(str, enum.Enum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


@dataclass(frozen=True, slots=True)
class StoreOpened(DomainEvent):
    topic: ClassVar[str] = "StoreOpened"

    store_id: str
    owner_id: str


@dataclass(frozen=True, slots=True)
class StoreSuspended(DomainEvent):
    topic: ClassVar[str] = "StoreSuspended"

    store_id: str


@dataclass(frozen=True, slots=True)
class StoreReinstated(DomainEvent):
    topic: ClassVar[str] = "StoreReinstated"

    store_id: str


@dataclass(eq=False)
class Store(Aggregate):
    id: str
    owner_id: str
    slug: str
    name: str
    description: str
    pickup_address: PostalAddress
    created_at: datetime
    status: StoreStatus = StoreStatus.ACTIVE
    logo_media_id: str | None = None
    affiliate_rate_bps: int = 0  # the commission its affiliates earn on referred sales
    version: int = 0

    @classmethod
    def open(
        cls,
        *,
        id: str,
        owner_id: str,
        slug: str,
        name: str,
        description: str,
        pickup_address: PostalAddress,
        now: datetime,
    ) -> Store:
        if pickup_address.point is None:
            raise InvalidValue("pickup_address.lat", "a pickup address needs coordinates")
        store = cls(
            id=id,
            owner_id=owner_id,
            slug=slug,
            name=clean_text("name", name, min_length=2, max_length=80),
            description=clean_text("description", description, min_length=0, max_length=2000),
            pickup_address=pickup_address,
            created_at=now,
        )
        store.record(StoreOpened(store_id=id, owner_id=owner_id))
        return store

    @property
    def is_active(self) -> bool:
        return self.status is StoreStatus.ACTIVE

    def is_owned_by(self, user_id: str | None) -> bool:
        return user_id is not None and self.owner_id == user_id

    def rename(self, name: str) -> None:
        self.name = clean_text("name", name, min_length=2, max_length=80)

    def describe(self, description: str) -> None:
        self.description = clean_text("description", description, min_length=0, max_length=2000)

    def move_pickup(self, address: PostalAddress) -> None:
        if address.point is None:
            raise InvalidValue("pickup_address.lat", "a pickup address needs coordinates")
        self.pickup_address = address

    def set_affiliate_rate(self, rate_bps: object) -> None:
        if type(rate_bps) is not int or not 0 <= rate_bps <= 10_000:
            raise InvalidValue("rate_bps", "must be a whole number of basis points from 0 to 10000")
        self.affiliate_rate_bps = rate_bps

    def ensure_trading(self, action: str) -> None:
        """A suspended store finishes what it already accepted (ships it, refunds it) but starts nothing
        new: no publishing, no accepting orders, no withdrawing."""
        if self.status is StoreStatus.SUSPENDED:
            raise SuspendedStore(f"the store is suspended: it cannot {action} until an admin reinstates it")

    def suspend(self) -> None:
        if self.status is StoreStatus.SUSPENDED:
            raise IllegalTransition("the store is already suspended")
        self.status = StoreStatus.SUSPENDED
        self.record(StoreSuspended(store_id=self.id))

    def unsuspend(self) -> None:
        if self.status is StoreStatus.ACTIVE:
            raise IllegalTransition("the store is not suspended")
        self.status = StoreStatus.ACTIVE
        self.record(StoreReinstated(store_id=self.id))
