"""Issuing a session: a short-lived access token and a rotating refresh token."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from marketplace.application.identity.views import TokenPair
from marketplace.application.ports.persistence import UnitOfWork
from marketplace.application.ports.security import TokenService
from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.domain.identity.tokens import RefreshToken


def hash_refresh_token(token: str) -> str:
    """Refresh tokens are stored hashed: a leaked table gives no usable token."""
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_session(
    uow: UnitOfWork,
    *,
    user_id: str,
    family_id: str | None,
    tokens: TokenService,
    clock: Clock,
    ids: IdGenerator,
    refresh_days: int,
) -> TokenPair:
    """Adds a refresh token (to a family, or a new one) and signs an access token."""
    secret = secrets.token_urlsafe(32)
    now = clock.now()
    token_id = ids.new_id()
    await uow.refresh_tokens.add(
        RefreshToken(
            id=token_id,
            user_id=user_id,
            family_id=family_id or token_id,
            token_hash=hash_refresh_token(secret),
            expires_at=now + timedelta(days=refresh_days),
            created_at=now,
        )
    )
    return TokenPair(
        access_token=tokens.issue_access(user_id), refresh_token=secret, expires_in=tokens.lifetime_seconds
    )
