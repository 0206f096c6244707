"""Clean-up: objects of uploads never completed, or no longer shown anywhere, go after a grace period.

So do stray staging objects: what an upload ticket wrote after its media was completed (or removed),
which nothing serves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from marketplace.application.ports.persistence import UnitOfWork, UnitOfWorkFactory
from marketplace.application.ports.storage import ObjectStorage
from marketplace.application.ports.system import Clock
from marketplace.domain.media.media import STAGING_PREFIX, MediaObject, staged_media_id
from marketplace.domain.shared.ids import is_id

BATCH = 200


@dataclass
class CleanupReport:
    examined: int = 0
    removed: list[str] = field(default_factory=list)
    strays: list[str] = field(default_factory=list)  # staging keys removed


async def _still_used(uow: UnitOfWork, media: MediaObject) -> bool:
    """A completed upload is kept while what it is attached to still shows it: a product, a store's
    logo, a review, a chat message, a banner."""
    kind, _, target = (media.attached_to or "").partition(":")
    if kind == "product":
        product = await uow.products.get(target)
        return product is not None and media.id in product.media_ids
    if kind == "store":
        store = await uow.stores.get(target)
        return store is not None and store.logo_media_id == media.id
    if kind == "review":
        review = await uow.reviews.get(target)
        return review is not None and media.id in review.media_ids
    if kind == "conversation":
        return True  # messages are never edited or deleted: what one carries stays with it
    if kind == "banner":
        banner = await uow.cms_banners.get(target)
        return banner is not None and banner.media_id == media.id
    return False


@dataclass(frozen=True, slots=True)
class CleanUpMedia:
    uow: UnitOfWorkFactory
    storage: ObjectStorage
    clock: Clock

    async def __call__(self, grace: timedelta) -> CleanupReport:
        """Removes, in batches, media requested more than `grace` ago that nothing uses."""
        report, after = CleanupReport(), None
        cutoff = self.clock.now() - grace
        while True:
            async with self.uow() as uow:
                batch = await uow.media.created_before(cutoff, after, BATCH)
                doomed = [m for m in batch if not (m.is_ready and await _still_used(uow, m))]
                for media in doomed:
                    await uow.media.delete(media.id)
                await uow.commit()
            for media in doomed:  # bytes go after the records: a crash leaves bytes, never dangling records
                for key in media.stored_keys:
                    await self.storage.delete(key)
            report.examined += len(batch)
            report.removed += [m.id for m in doomed]
            if len(batch) < BATCH:
                report.strays = await self._remove_strays(cutoff)
                return report
            after = batch[-1].id

    async def _remove_strays(self, cutoff: datetime) -> list[str]:
        """Staging objects whose media is completed (requested before `cutoff`) or gone. A pending
        media's staging object is its upload in progress: it goes with its record, above."""
        staged = await self.storage.keys(STAGING_PREFIX)
        strays = []
        for start in range(0, len(staged), BATCH):
            async with self.uow() as uow:
                for key in staged[start : start + BATCH]:
                    media_id = staged_media_id(key)
                    media = await uow.media.get(media_id) if media_id and is_id(media_id) else None
                    if media is None or (media.is_ready and media.created_at < cutoff):
                        strays.append(key)
        for key in strays:
            await self.storage.delete(key)
        return strays
