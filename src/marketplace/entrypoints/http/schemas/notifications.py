"""Request bodies of the notification centre: marking read, choosing channels per kind."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

from marketplace.entrypoints.http.schemas.common import Body, Uuid


class ReadBody(Body, kw_only=True):
    ids: Annotated[list[Uuid], Meta(max_length=100, description="these (at most 100); all when absent")] | None = None


class ChannelsBody(Body, kw_only=True):
    in_app: bool | msgspec.UnsetType = msgspec.UNSET
    email: bool | msgspec.UnsetType = msgspec.UNSET

    def change(self) -> tuple[bool | None, bool | None]:
        """(in_app, email), None for a channel left as it is."""
        return (
            None if isinstance(self.in_app, msgspec.UnsetType) else self.in_app,
            None if isinstance(self.email, msgspec.UnsetType) else self.email,
        )


Channels = ChannelsBody | msgspec.UnsetType


class PreferencesBody(Body, kw_only=True):
    """The kinds to change, each with the channels to change; kinds left out stay as they are."""

    order: Channels = msgspec.UNSET
    store_order: Channels = msgspec.UNSET
    shipment: Channels = msgspec.UNSET
    payout: Channels = msgspec.UNSET
    review: Channels = msgspec.UNSET
    complaint: Channels = msgspec.UNSET
    chat: Channels = msgspec.UNSET
    wishlist: Channels = msgspec.UNSET
    marketing: Channels = msgspec.UNSET

    def changes(self) -> dict[str, tuple[bool | None, bool | None]]:
        return {
            name: value.change()
            for name in self.__struct_fields__
            if isinstance(value := getattr(self, name), ChannelsBody)
        }
