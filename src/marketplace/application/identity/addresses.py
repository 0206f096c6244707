"""A user's saved delivery addresses: list, add, change, remove. Others' are 404."""

from __future__ import annotations

from dataclasses import dataclass, replace

from marketplace.application.errors import NotFound
from marketplace.application.identity.actors import current_user
from marketplace.application.identity.views import SavedAddress
from marketplace.application.ports.persistence import UnitOfWork, UnitOfWorkFactory
from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.domain.identity.user import MAX_ADDRESSES, Address
from marketplace.domain.shared.address import PostalAddress
from marketplace.domain.shared.errors import Conflict


@dataclass(frozen=True, slots=True)
class AddressInput:
    recipient: str
    phone: str
    line1: str
    city: str
    postal_code: str
    label: str = ""
    lat: float | None = None
    lng: float | None = None

    def to_address(self) -> PostalAddress:
        return PostalAddress.create(
            label=self.label,
            recipient=self.recipient,
            phone=self.phone,
            line1=self.line1,
            city=self.city,
            postal_code=self.postal_code,
            lat=self.lat,
            lng=self.lng,
        )


async def _own_address(uow: UnitOfWork, user_id: str, address_id: str) -> Address:
    address = await uow.addresses.get(address_id)
    if address is None or not address.belongs_to(user_id):
        raise NotFound("address", address_id)
    return address


@dataclass(frozen=True, slots=True)
class ListAddresses:
    uow: UnitOfWorkFactory

    async def __call__(self, user_id: str) -> list[SavedAddress]:
        async with self.uow() as uow:
            return [SavedAddress.of(a) for a in await uow.addresses.list_for_user(user_id)]


@dataclass(frozen=True, slots=True)
class AddAddress:
    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator

    async def __call__(self, user_id: str, data: AddressInput) -> SavedAddress:
        postal = data.to_address()
        async with self.uow() as uow:
            await current_user(uow, user_id)
            if len(await uow.addresses.list_for_user(user_id)) >= MAX_ADDRESSES:
                raise Conflict(f"at most {MAX_ADDRESSES} addresses can be saved")
            address = Address(id=self.ids.new_id(), user_id=user_id, address=postal, created_at=self.clock.now())
            await uow.addresses.add(address)
            await uow.commit()
        return SavedAddress.of(address)


@dataclass(frozen=True, slots=True)
class ChangeAddress:
    uow: UnitOfWorkFactory

    async def __call__(self, user_id: str, address_id: str, changes: dict[str, object]) -> SavedAddress:
        async with self.uow() as uow:
            address = await _own_address(uow, user_id, address_id)
            old = address.address
            merged: dict[str, object] = {
                "label": old.label,
                "recipient": old.recipient,
                "phone": old.phone,
                "line1": old.line1,
                "city": old.city,
                "postal_code": old.postal_code,
                "lat": old.point.lat if old.point else None,
                "lng": old.point.lng if old.point else None,
            }
            merged.update(changes)
            address = replace(address, address=AddressInput(**merged).to_address())  # type: ignore[arg-type]
            await uow.addresses.save(address)
            await uow.commit()
        return SavedAddress.of(address)


@dataclass(frozen=True, slots=True)
class RemoveAddress:
    uow: UnitOfWorkFactory

    async def __call__(self, user_id: str, address_id: str) -> None:
        async with self.uow() as uow:
            await _own_address(uow, user_id, address_id)
            await uow.addresses.delete(address_id)
            await uow.commit()
