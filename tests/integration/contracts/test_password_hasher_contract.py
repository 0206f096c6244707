"""The PasswordHasher port's contract, run over every adapter."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from marketplace.adapters.security.argon2_hasher import Argon2PasswordHasher
from marketplace.application.ports.security import PasswordHasher

HASHERS: dict[str, Callable[[], PasswordHasher]] = {"argon2-light": lambda: Argon2PasswordHasher("light")}


@pytest.fixture(params=sorted(HASHERS))
def hasher(request: pytest.FixtureRequest) -> PasswordHasher:
    return HASHERS[request.param]()


async def test_the_right_password_verifies(hasher: PasswordHasher) -> None:
    password_hash = await hasher.hash("correct horse battery")
    assert await hasher.verify(password_hash, "correct horse battery") is True


@pytest.mark.parametrize("attempt", ["correct horse batter", "Correct horse battery", "", "correct horse battery "])
async def test_a_wrong_password_does_not_verify(hasher: PasswordHasher, attempt: str) -> None:
    password_hash = await hasher.hash("correct horse battery")
    assert await hasher.verify(password_hash, attempt) is False


async def test_hashes_are_salted_and_never_contain_the_password(hasher: PasswordHasher) -> None:
    first, second = await hasher.hash("kata sandi rahasia"), await hasher.hash("kata sandi rahasia")
    assert first != second
    assert "kata sandi rahasia" not in first
    assert await hasher.verify(first, "kata sandi rahasia") and await hasher.verify(second, "kata sandi rahasia")


async def test_non_ascii_passwords_round_trip(hasher: PasswordHasher) -> None:
    password_hash = await hasher.hash("pässwörd-密码-🔑")
    assert await hasher.verify(password_hash, "pässwörd-密码-🔑")
    assert not await hasher.verify(password_hash, "passwörd-密码-🔑")


@pytest.mark.parametrize("garbage", ["", "not a hash", "$argon2id$v=19$m=1024,t=1,p=1$broken"])
async def test_verifying_against_a_malformed_hash_is_false_not_an_error(hasher: PasswordHasher, garbage: str) -> None:
    assert await hasher.verify(garbage, "anything") is False


async def test_wasting_time_completes_without_error(hasher: PasswordHasher) -> None:
    await hasher.waste_time()  # returns nothing; raising would fail the test
