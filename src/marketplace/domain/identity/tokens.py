"""Refresh tokens: rotated on every use; reusing a rotated one revokes its whole family.

A family is revoked as soon as any of its tokens is: a token added to it afterwards (by a rotation
that raced the revocation) can never be rotated, so the revocation catches it too.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class TokenStatus(str, enum.Enum):
    ACTIVE = "active"
    ROTATED = "rotated"
    REVOKED = "revoked"


class TokenUse(enum.Enum):
    """What presenting a refresh token means."""

    VALID = "valid"
    REUSED = "reused"  # a rotated token came back: assume theft, revoke the family
    DEAD = "dead"  # revoked or expired


@dataclass(eq=False)
class RefreshToken:
    id: str
    user_id: str
    family_id: str
    token_hash: str
    expires_at: datetime
    created_at: datetime
    status: TokenStatus = TokenStatus.ACTIVE

    def assess(self, now: datetime) -> TokenUse:
        if self.status is TokenStatus.ROTATED:
            return TokenUse.REUSED
        if self.status is TokenStatus.REVOKED or now >= self.expires_at:
            return TokenUse.DEAD
        return TokenUse.VALID

    def rotate(self) -> None:
        self.status = TokenStatus.ROTATED

    def revoke(self) -> None:
        self.status = TokenStatus.REVOKED
