"""Request bodies of identity: registration, sessions, profile."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

from marketplace.entrypoints.http.schemas.common import Body

Email = Annotated[str, Meta(min_length=3, max_length=254, examples=["ayu@example.com"])]


class RegisterBody(Body, kw_only=True):
    email: Email
    password: Annotated[str, Meta(min_length=8, max_length=128)]
    name: Annotated[str, Meta(min_length=1, max_length=120)]


class LoginBody(Body, kw_only=True):
    email: Email
    password: Annotated[str, Meta(min_length=1, max_length=128)]


class RefreshBody(Body, kw_only=True):
    refresh_token: Annotated[str, Meta(min_length=1, max_length=256)]


class ProfilePatch(Body, kw_only=True):
    name: Annotated[str, Meta(min_length=1, max_length=120)] | msgspec.UnsetType = msgspec.UNSET
    phone: Annotated[str, Meta(max_length=17)] | None | msgspec.UnsetType = msgspec.UNSET
