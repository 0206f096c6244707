"""The refresh-token repository's contract over every unit of work: one rotation wins, families revoke."""

from __future__ import annotations

import asyncio
from dataclasses import asdict, replace

from marketplace.domain.identity.tokens import RefreshToken, TokenStatus
from marketplace.domain.shared.ids import new_id
from tests.integration.contracts.conftest import Backend, a_token, a_user, fetch, is_utc, seed


async def _status(backend: Backend, mark: str) -> TokenStatus | None:
    found = await fetch(backend, lambda uow: uow.refresh_tokens.get_by_hash(mark * 64))
    return found.status if found else None


async def _rotate(backend: Backend, token: RefreshToken, *, commit: bool = True) -> bool:
    async with backend.uow() as uow:
        won = await uow.refresh_tokens.rotate(replace(token))  # each caller with its own copy, read active
        if won and commit:
            await uow.commit()
        return won


async def test_a_refresh_token_is_found_by_its_hash_with_every_field(backend: Backend) -> None:
    user = a_user()
    token = a_token(user, "h")
    await seed(backend, user, token)
    loaded = await fetch(backend, lambda uow: uow.refresh_tokens.get_by_hash("h" * 64))
    assert loaded is not None and asdict(loaded) == asdict(token)
    assert is_utc(loaded.expires_at) and is_utc(loaded.created_at)
    assert await fetch(backend, lambda uow: uow.refresh_tokens.get_by_hash("x" * 64)) is None


async def test_an_active_token_is_rotated_once_and_never_again(backend: Backend) -> None:
    user = a_user()
    token = a_token(user, "h")
    await seed(backend, user, token)
    async with backend.uow() as uow:
        mine = replace(token)
        assert await uow.refresh_tokens.rotate(mine) is True
        assert mine.status is TokenStatus.ROTATED
        await uow.commit()
    assert await _status(backend, "h") is TokenStatus.ROTATED
    assert await _rotate(backend, token) is False


async def test_a_rotation_that_is_not_committed_is_lost(backend: Backend) -> None:
    user = a_user()
    token = a_token(user, "h")
    await seed(backend, user, token)
    assert await _rotate(backend, token, commit=False) is True
    assert await _status(backend, "h") is TokenStatus.ACTIVE
    assert await _rotate(backend, token) is True


async def test_of_twenty_concurrent_rotations_of_one_token_exactly_one_wins(backend: Backend) -> None:
    user = a_user()
    token = a_token(user, "r")
    await seed(backend, user, token)
    results = await asyncio.wait_for(asyncio.gather(*(_rotate(backend, token) for _ in range(20))), timeout=60)
    assert results.count(True) == 1
    assert await _status(backend, "r") is TokenStatus.ROTATED


async def test_revoking_a_family_revokes_each_of_its_tokens_and_no_other(backend: Backend) -> None:
    user, family = a_user(), new_id()
    first = a_token(user, "a", family)
    first.rotate()
    await seed(backend, user, first, a_token(user, "b", family), a_token(user, "c"))
    async with backend.uow() as uow:
        await uow.refresh_tokens.revoke_family(family)
        await uow.commit()
    assert [await _status(backend, m) for m in "abc"] == [TokenStatus.REVOKED, TokenStatus.REVOKED, TokenStatus.ACTIVE]


async def test_a_token_added_to_a_family_after_its_revocation_can_never_be_rotated(backend: Backend) -> None:
    user, family = a_user(), new_id()
    other = a_token(user, "o")
    await seed(backend, user, a_token(user, "a", family), other)
    async with backend.uow() as uow:
        await uow.refresh_tokens.revoke_family(family)
        await uow.commit()
    late = a_token(user, "l", family)  # a rotation that raced the revocation commits its new token after it
    await seed(backend, late)
    assert await _rotate(backend, late) is False
    assert await _status(backend, "l") is TokenStatus.ACTIVE
    assert await _rotate(backend, other) is True
