"""What admins send to write pages and banners; changes leave out what stays as it is (KEEP)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

T = TypeVar("T")


class Keep(enum.Enum):
    KEEP = "keep"


KEEP = Keep.KEEP


def kept(change: T | Keep, current: T) -> T:
    return current if isinstance(change, Keep) else change


@dataclass(frozen=True, slots=True)
class PageInput:
    slug: str
    title: str
    body: str
    seo_title: str | None = None
    seo_description: str | None = None


@dataclass(frozen=True, slots=True)
class PageChanges:
    slug: str | Keep = KEEP
    title: str | Keep = KEEP
    body: str | Keep = KEEP
    seo_title: str | None | Keep = KEEP
    seo_description: str | None | Keep = KEEP


@dataclass(frozen=True, slots=True)
class BannerInput:
    placement: str
    title: str
    link_url: str
    media_id: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class BannerChanges:
    placement: str | Keep = KEEP
    title: str | Keep = KEEP
    link_url: str | Keep = KEEP
    media_id: str | None | Keep = KEEP
    starts_at: datetime | None | Keep = KEEP
    ends_at: datetime | None | Keep = KEEP
