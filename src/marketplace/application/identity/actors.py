"""Who is acting: roles are read from current data on every request."""

from __future__ import annotations

from marketplace.application.errors import Forbidden, Unauthenticated
from marketplace.application.ports.persistence import UnitOfWork
from marketplace.domain.catalog.visibility import Viewer
from marketplace.domain.identity.user import User


async def current_user(uow: UnitOfWork, user_id: str) -> User:
    user = await uow.users.get(user_id)
    if user is None:
        raise Unauthenticated("the account of this token no longer exists")
    return user


async def viewer_of(uow: UnitOfWork, user_id: str | None) -> Viewer:
    if user_id is None:
        return Viewer.anonymous()
    user = await uow.users.get(user_id)
    return Viewer(user_id=user_id, is_admin=bool(user and user.is_admin))


async def require_admin(uow: UnitOfWork, user_id: str) -> User:
    user = await current_user(uow, user_id)
    if not user.is_admin:
        raise Forbidden("this needs an administrator")
    return user
