"""The TokenService port's contract, run over every adapter."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

import pytest

from marketplace.adapters.security.jwt_tokens import JwtTokenService
from marketplace.application.errors import Unauthenticated
from marketplace.application.ports.security import TokenService

SECRET = "a-test-secret-of-at-least-32-characters!"
OTHER_SECRET = "another-secret-of-at-least-32-characters"
USER_ID = "01900000-0000-7000-8000-000000000001"


class MakeService(Protocol):
    def __call__(self, secret: str, lifetime_seconds: int, clock: Callable[[], float] = ...) -> TokenService: ...


SERVICES: dict[str, MakeService] = {
    "jwt": lambda secret, lifetime_seconds, clock=time.time: JwtTokenService(secret, lifetime_seconds, clock)
}


@pytest.fixture(params=sorted(SERVICES))
def make(request: pytest.FixtureRequest) -> MakeService:
    return SERVICES[request.param]


def _flip(token: str, index: int) -> str:
    """The token with one character changed: not a separator, nor a segment's last character
    (whose low bits may be base64 padding, so changing it might change nothing)."""
    while not token[index].isalnum() or index + 1 == len(token) or token[index + 1] == ".":
        index -= 1
    replacement = "A" if token[index] != "A" else "B"
    return token[:index] + replacement + token[index + 1 :]


def test_an_issued_token_reads_back_as_its_user(make: MakeService) -> None:
    service = make(SECRET, 900)
    assert service.lifetime_seconds == 900
    assert service.read_access(service.issue_access(USER_ID)) == USER_ID


def test_a_session_tells_when_its_token_expires(make: MakeService) -> None:
    issued_at = time.time() - 100
    service = make(SECRET, 900, lambda: issued_at)
    user_id, expires = make(SECRET, 900).read_session(service.issue_access(USER_ID))
    assert user_id == USER_ID and abs(expires - (issued_at + 900)) <= 1
    with pytest.raises(Unauthenticated):
        make(SECRET, 900).read_session(make(SECRET, 900, lambda: time.time() - 3_600).issue_access(USER_ID))


def test_a_token_is_valid_until_its_lifetime_ends(make: MakeService) -> None:
    issued_a_while_ago = make(SECRET, 900, lambda: time.time() - 600)
    assert make(SECRET, 900).read_access(issued_a_while_ago.issue_access(USER_ID)) == USER_ID


def test_an_expired_token_is_unauthenticated(make: MakeService) -> None:
    issued_long_ago = make(SECRET, 900, lambda: time.time() - 3_600)
    with pytest.raises(Unauthenticated):
        make(SECRET, 900).read_access(issued_long_ago.issue_access(USER_ID))


def test_a_token_signed_with_another_secret_is_unauthenticated(make: MakeService) -> None:
    token = make(OTHER_SECRET, 900).issue_access(USER_ID)
    with pytest.raises(Unauthenticated):
        make(SECRET, 900).read_access(token)


def test_a_tampered_token_is_unauthenticated(make: MakeService) -> None:
    service = make(SECRET, 900)
    token = service.issue_access(USER_ID)
    for index in (len(token) // 3, len(token) // 2, 2 * len(token) // 3):
        tampered = _flip(token, index)
        assert tampered != token
        with pytest.raises(Unauthenticated):
            service.read_access(tampered)


@pytest.mark.parametrize("garbage", ["", "not-a-token", "a.b.c", "Bearer x"])
def test_garbage_is_unauthenticated(make: MakeService, garbage: str) -> None:
    with pytest.raises(Unauthenticated):
        make(SECRET, 900).read_access(garbage)


def test_jwt_tokens_for_another_purpose_or_issuer_are_unauthenticated() -> None:
    import jwt

    now = int(time.time())
    claims = {"sub": USER_ID, "iat": now, "exp": now + 900, "iss": "marketplace", "typ": "access"}
    service = JwtTokenService(SECRET, 900)
    assert service.read_access(jwt.encode(claims, SECRET, algorithm="HS256")) == USER_ID
    for changed in ({"typ": "refresh"}, {"iss": "someone-else"}, {"sub": 42}, {"exp": None}):
        forged = {k: v for k, v in {**claims, **changed}.items() if v is not None}
        with pytest.raises(Unauthenticated):
            service.read_access(jwt.encode(forged, SECRET, algorithm="HS256"))
    with pytest.raises(Unauthenticated):
        service.read_access(jwt.encode(claims, key=None, algorithm="none"))  # type: ignore[arg-type]
