"""The User aggregate and the buyer's saved addresses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from marketplace.domain.shared.address import PostalAddress, _phone
from marketplace.domain.shared.errors import InvalidValue
from marketplace.domain.shared.events import Aggregate, DomainEvent
from marketplace.domain.shared.text import clean_text

_EMAIL = re.compile(
    r"^[^@\s\x00-\x1f\x7f]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
MIN_PASSWORD = 8
MAX_PASSWORD = 128
MAX_ADDRESSES = 20


def normalise_email(email: str) -> str:
    # Lower-case first: lowering can lengthen text ("İ"), and the result must pass these checks too.
    email = email.strip().lower()
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise InvalidValue("email", "is not a valid email address")
    return email


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidValue("password", f"must have at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InvalidValue("password", f"must have at most {MAX_PASSWORD} characters")
    return password


@dataclass(frozen=True, slots=True)
class UserRegistered(DomainEvent):
    topic: ClassVar[str] = "UserRegistered"

    user_id: str
    email: str


@dataclass(eq=False)
class User(Aggregate):
    id: str
    email: str
    name: str
    password_hash: str
    created_at: datetime
    phone: str | None = None
    is_admin: bool = False
    version: int = 0

    @classmethod
    def register(cls, *, id: str, email: str, name: str, password_hash: str, now: datetime) -> User:
        user = cls(
            id=id,
            email=normalise_email(email),
            name=clean_text("name", name, max_length=120),
            password_hash=password_hash,
            created_at=now,
        )
        user.record(UserRegistered(user_id=id, email=user.email))
        return user

    def rename(self, name: str) -> None:
        self.name = clean_text("name", name, max_length=120)

    def change_phone(self, phone: str | None) -> None:
        self.phone = _phone(phone) if phone else None

    def grant_admin(self) -> None:
        self.is_admin = True


@dataclass(eq=False)
class Address:
    """A delivery address the user saved; owned by exactly one user."""

    id: str
    user_id: str
    address: PostalAddress
    created_at: datetime = field(compare=False)

    def belongs_to(self, user_id: str) -> bool:
        return self.user_id == user_id
