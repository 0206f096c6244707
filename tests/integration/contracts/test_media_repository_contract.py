"""MediaRepository contract over memory, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.domain.media.kinds import Purpose
from marketplace.domain.media.media import MediaObject, MediaStatus
from marketplace.domain.shared.errors import ConcurrentUpdate
from marketplace.domain.shared.ids import new_id
from tests.integration.contracts.conftest import T0, Backend, a_user, fetch, is_utc, seed


def a_media(owner_id: str, *, minutes_ago: int = 0) -> MediaObject:
    return MediaObject.request(
        id=new_id(),
        owner_id=owner_id,
        purpose=Purpose.PRODUCT_IMAGE,
        filename="kain.png",
        content_type="image/png",
        size=1234,
        now=T0 - timedelta(minutes=minutes_ago),
    )


async def _add(backend: Backend, *items: MediaObject) -> None:
    async with backend.uow() as uow:
        for item in items:
            await uow.media.add(item)
        await uow.commit()


async def test_a_media_object_round_trips(backend: Backend) -> None:
    owner = a_user()
    await seed(backend, owner)
    item = a_media(owner.id)
    await _add(backend, item)
    stored = await fetch(backend, lambda uow: uow.media.get(item.id))
    assert stored is not None
    assert (stored.owner_id, stored.purpose, stored.filename, stored.content_type, stored.size, stored.key) == (
        owner.id,
        Purpose.PRODUCT_IMAGE,
        "kain.png",
        "image/png",
        1234,
        item.key,
    )
    assert stored.status is MediaStatus.PENDING and is_utc(stored.created_at) and stored.completed_at is None


async def test_completing_is_saved_with_its_thumbnail_and_versions_guard_it(backend: Backend) -> None:
    owner = a_user()
    await seed(backend, owner)
    item = a_media(owner.id)
    await _add(backend, item)
    async with backend.uow() as first, backend.uow() as second:
        mine = await first.media.get(item.id)
        theirs = await second.media.get(item.id)
        assert mine is not None and theirs is not None
        mine.complete(T0, mine.thumbnail_target)
        await first.media.save(mine)
        await first.commit()
        theirs.complete(T0, None)
        with pytest.raises(ConcurrentUpdate):
            await second.media.save(theirs)
            await second.commit()
    stored = await fetch(backend, lambda uow: uow.media.get(item.id))
    assert stored is not None and stored.is_ready and stored.thumbnail_key == item.thumbnail_target
    assert stored.completed_at == T0
    assert (item.key, stored.key) == (
        f"uploads/{owner.id}/{item.id}/original.png",
        f"media/{owner.id}/{item.id}/original.png",
    )


async def test_pending_uploads_older_than_a_cutoff_are_listed_oldest_first(backend: Backend) -> None:
    owner = a_user()
    await seed(backend, owner)
    old, older, fresh, done = (
        a_media(owner.id, minutes_ago=90),
        a_media(owner.id, minutes_ago=120),
        a_media(owner.id),
        a_media(owner.id, minutes_ago=200),
    )
    done.complete(T0, None)
    await _add(backend, old, older, fresh, done)
    stale = await fetch(backend, lambda uow: uow.media.pending_before(T0 - timedelta(minutes=60), 10))
    assert [m.id for m in stale] == [older.id, old.id]
    assert len(await fetch(backend, lambda uow: uow.media.pending_before(T0 - timedelta(minutes=60), 1))) == 1


async def test_deleting_forgets_the_object_and_uncommitted_adds_are_lost(backend: Backend) -> None:
    owner = a_user()
    await seed(backend, owner)
    kept, lost = a_media(owner.id), a_media(owner.id)
    await _add(backend, kept)
    async with backend.uow() as uow:
        await uow.media.add(lost)  # never committed
    async with backend.uow() as uow:
        await uow.media.delete(kept.id)
        await uow.commit()
    assert await fetch(backend, lambda uow: uow.media.get(kept.id)) is None
    assert await fetch(backend, lambda uow: uow.media.get(lost.id)) is None


async def test_old_media_page_by_id_whatever_their_status(backend: Backend) -> None:
    owner = a_user()
    await seed(backend, owner)
    items = [a_media(owner.id, minutes_ago=30) for _ in range(5)]
    items[0].complete(T0, None)
    recent = a_media(owner.id)
    await _add(backend, *items, recent)
    cutoff = T0 - timedelta(minutes=10)
    first = await fetch(backend, lambda uow: uow.media.created_before(cutoff, None, 3))
    rest = await fetch(backend, lambda uow: uow.media.created_before(cutoff, first[-1].id, 3))
    assert [m.id for m in first + rest] == sorted(m.id for m in items)
