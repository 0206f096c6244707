"""Short-lived HS256 JWT access tokens naming the user."""

from __future__ import annotations

import time
from collections.abc import Callable

import jwt

from marketplace.application.errors import Unauthenticated

ISSUER = "marketplace"


class JwtTokenService:
    def __init__(self, secret: str, lifetime_seconds: int, clock: Callable[[], float] = time.time) -> None:
        self._secret = secret
        self.lifetime_seconds = lifetime_seconds
        self._clock = clock

    def issue_access(self, user_id: str) -> str:
        now = int(self._clock())
        claims = {"sub": user_id, "iat": now, "exp": now + self.lifetime_seconds, "iss": ISSUER, "typ": "access"}
        return jwt.encode(claims, self._secret, algorithm="HS256")

    def read_access(self, token: str) -> str:
        return self.read_session(token)[0]

    def read_session(self, token: str) -> tuple[str, float]:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=["HS256"],
                issuer=ISSUER,
                options={"require": ["sub", "exp", "iat"]},
                leeway=0,
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the access token has expired") from None
        except jwt.PyJWTError:
            raise Unauthenticated("the access token is not valid") from None
        if claims.get("typ") != "access" or not isinstance(claims.get("sub"), str):
            raise Unauthenticated("the access token is not valid")
        return claims["sub"], float(claims["exp"])
