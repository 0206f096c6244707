"""Read models of stores."""

from __future__ import annotations

from datetime import datetime

import msgspec

from marketplace.application.media.links import media_url
from marketplace.application.shared.views import UNRATED, AddressView, RatingView
from marketplace.domain.stores.store import Store


class StoreView(msgspec.Struct, frozen=True):
    id: str
    slug: str
    name: str
    description: str
    status: str
    owner_id: str
    pickup_address: AddressView
    logo_url: str | None
    rating: RatingView
    created_at: datetime

    @classmethod
    def of(cls, store: Store, base_url: str = "", rating: RatingView = UNRATED) -> StoreView:
        return cls(
            id=store.id,
            slug=store.slug,
            name=store.name,
            description=store.description,
            status=store.status.value,
            owner_id=store.owner_id,
            pickup_address=AddressView.of(store.pickup_address),
            logo_url=media_url(base_url, store.logo_media_id) if store.logo_media_id else None,
            rating=rating,
            created_at=store.created_at,
        )
