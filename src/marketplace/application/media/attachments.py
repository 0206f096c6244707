"""Attaching uploads to what shows them (products, store logos, banners, reviews, chat messages): the
one rule every context follows, whatever the purpose (`MediaObject.attach` says what may be attached)."""

from __future__ import annotations

from collections.abc import Sequence

from marketplace.application.ports.persistence import UnitOfWork
from marketplace.domain.media.kinds import Purpose
from marketplace.domain.shared.errors import InvalidValue
from marketplace.domain.shared.ids import is_id

MAX_MEDIA = 20  # what one thing may show at most (contexts may allow fewer)


async def attach_media(
    uow: UnitOfWork,
    user_id: str,
    media_ids: Sequence[str],
    *,
    target: str,
    purposes: frozenset[Purpose],
    field: str = "media_ids",
) -> list[str]:
    """The ids, once each is the user's own completed upload for one of `purposes`, attached to `target`
    (or attached to it already); one attached elsewhere is refused.

    Someone else's media, an unfinished upload and an unknown id are refused alike, so ids reveal nothing.
    """
    if len(media_ids) > MAX_MEDIA:
        raise InvalidValue(field, f"at most {MAX_MEDIA} media")
    if len(set(media_ids)) != len(media_ids):
        raise InvalidValue(field, "lists a media id twice")
    for media_id in media_ids:
        media = await uow.media.get(media_id) if is_id(media_id) else None
        if media is None or not media.belongs_to(user_id) or not media.is_ready:
            raise InvalidValue(field, f"unknown media id {media_id[:64]!r}: not one of your completed uploads")
        if media.purpose not in purposes:
            wanted = " or ".join(sorted(p.value for p in purposes))
            raise InvalidValue(field, f"media {media_id!r} was not uploaded as {wanted}")
        if media.attach(target, field):
            await uow.media.save(media)
    return list(media_ids)
