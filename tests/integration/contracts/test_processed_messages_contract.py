"""ProcessedMessages contract over memory, SQLite and PostgreSQL: a mark commits with the handler's work."""

from __future__ import annotations

import asyncio

from marketplace.domain.shared.errors import Conflict
from marketplace.domain.shared.ids import new_id
from tests.integration.contracts.conftest import Backend, a_user, fetch


async def test_a_message_is_claimed_once_per_handler(backend: Backend) -> None:
    message_id = new_id()
    async with backend.uow() as uow:
        assert await uow.processed.claim(message_id, "notify") is True
        assert await uow.processed.claim(message_id, "notify") is False
        assert await uow.processed.claim(message_id, "expire") is True
        await uow.commit()
    assert await fetch(backend, lambda uow: uow.processed.claim(message_id, "notify")) is False
    assert await fetch(backend, lambda uow: uow.processed.claim(message_id, "expire")) is False
    assert await fetch(backend, lambda uow: uow.processed.claim(new_id(), "notify")) is True


async def test_a_claim_rolled_back_with_its_work_was_never_made(backend: Backend) -> None:
    message_id, user = new_id(), a_user()
    async with backend.uow() as uow:
        assert await uow.processed.claim(message_id, "notify") is True
        await uow.users.add(user)
    async with backend.uow() as uow:
        assert await uow.users.get(user.id) is None
        assert await uow.processed.claim(message_id, "notify") is True
        await uow.commit()
    assert await fetch(backend, lambda uow: uow.processed.claim(message_id, "notify")) is False


async def test_of_two_concurrent_claims_one_commits(backend: Backend) -> None:
    message_id = new_id()

    async def handle() -> bool:
        try:
            async with backend.uow() as uow:
                claimed = await uow.processed.claim(message_id, "notify")
                await asyncio.sleep(0.01)  # the other one claims meanwhile
                await uow.commit()
                return claimed
        except Conflict:  # the in-memory adapter finds out at commit
            return False

    outcomes = await asyncio.wait_for(asyncio.gather(handle(), handle()), timeout=30)
    assert sorted(outcomes) == [False, True]
