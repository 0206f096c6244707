"""Request bodies of identity: registration, sessions, profile."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

from marketplace.entrypoints.http.schemas.common import Body, text
from marketplace.entrypoints.http.schemas.patterns import NEW_EMAIL

Email = Annotated[
    str,
    Meta(
        min_length=3,
        max_length=254,
        pattern=r"^[^@\s\x00-\x1f\x7f]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$",
        examples=["ayu@example.com"],
    ),
]
# Registration checks the address as the domain does: no label starts or ends with a hyphen, at most 63
# characters each. (Logging in keeps the looser Email: a malformed address there is wrong credentials, 401.)
NewEmail = Annotated[str, Meta(min_length=3, max_length=254, pattern=NEW_EMAIL, examples=["ayu@example.com"])]


class RegisterBody(Body, kw_only=True):
    email: NewEmail
    password: Annotated[
        str,
        Meta(
            min_length=8,
            max_length=128,
            description="8 to 128 characters, and not guessable: common passwords, keyboard patterns, repeats, "
            "dates and passwords made of the email or name are refused (422, with the reason in `errors`).",
        ),
    ]
    name: Annotated[str, text(1, 120)]


class LoginBody(Body, kw_only=True):
    email: Email
    password: Annotated[str, Meta(min_length=1, max_length=128)]


class RefreshBody(Body, kw_only=True):
    refresh_token: Annotated[str, Meta(min_length=1, max_length=256)]


class ProfilePatch(Body, kw_only=True):
    name: Annotated[str, text(1, 120)] | msgspec.UnsetType = msgspec.UNSET
    phone: Annotated[str, Meta(max_length=17, pattern=r"^(\+?[0-9]{6,16})?$")] | None | msgspec.UnsetType = (
        msgspec.UNSET
    )
