"""Read models of identity."""

from __future__ import annotations

import msgspec

from marketplace.application.shared.views import AddressView
from marketplace.domain.identity.user import Address, User


class RegisteredUser(msgspec.Struct, frozen=True):
    id: str
    email: str
    name: str


class TokenPair(msgspec.Struct, frozen=True):
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "bearer"


class Profile(msgspec.Struct, frozen=True):
    id: str
    email: str
    name: str
    phone: str | None
    is_admin: bool
    store_ids: list[str]

    @classmethod
    def of(cls, user: User, store_ids: list[str]) -> Profile:
        return cls(
            id=user.id, email=user.email, name=user.name, phone=user.phone, is_admin=user.is_admin, store_ids=store_ids
        )


class SavedAddress(AddressView, frozen=True):
    """A saved address: the postal fields plus the id to change or remove it by."""

    id: str

    @classmethod
    def of(cls, address: Address) -> SavedAddress:  # type: ignore[override]
        view = AddressView.of(address.address)
        return cls(id=address.id, **msgspec.structs.asdict(view))
