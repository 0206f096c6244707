"""The MediaObject aggregate: requested, then completed once its stored bytes are checked.

Upload tickets write to a staging key (`uploads/...`) that nothing serves; completion moves the bytes
to the final key (`media/...`), which no ticket can write, so what was checked is what is served.
Media completed before staging keys existed keep their key, already of the final layout.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from marketplace.domain.media.kinds import IMAGE_TYPES, RULES, Purpose, check_declared, clean_filename, sniff
from marketplace.domain.shared.errors import IllegalTransition, InvalidValue
from marketplace.domain.shared.events import Aggregate

STAGING_PREFIX = "uploads/"
FINAL_PREFIX = "media/"


def is_staging_key(key: str) -> bool:
    return key.startswith(STAGING_PREFIX)


def staged_media_id(key: str) -> str | None:
    """The media id a staging key (`uploads/<owner>/<id>/original.<ext>`) belongs to, None for others."""
    parts = key.split("/")
    return parts[2] if is_staging_key(key) and len(parts) == 4 else None


class MediaStatus(str, enum.Enum):
    PENDING = "pending"
    READY = "ready"


@dataclass(eq=False)
class MediaObject(Aggregate):
    id: str
    owner_id: str
    purpose: Purpose
    filename: str
    content_type: str
    size: int
    key: str
    created_at: datetime
    status: MediaStatus = MediaStatus.PENDING
    thumbnail_key: str | None = None
    completed_at: datetime | None = None
    attached_to: str | None = None  # "product:<id>" or "store:<id>": who may see it follows from there
    version: int = 0

    @classmethod
    def request(
        cls, *, id: str, owner_id: str, purpose: Purpose, filename: str, content_type: str, size: int, now: datetime
    ) -> MediaObject:
        check_declared(purpose, content_type, size)
        key = f"{STAGING_PREFIX}{owner_id}/{id}/original.{IMAGE_TYPES[content_type]}"
        return cls(
            id=id,
            owner_id=owner_id,
            purpose=purpose,
            filename=clean_filename(filename),
            content_type=content_type,
            size=size,
            key=key,
            created_at=now,
        )

    @property
    def is_ready(self) -> bool:
        return self.status is MediaStatus.READY

    @property
    def wants_thumbnail(self) -> bool:
        return RULES[self.purpose].thumbnail

    @property
    def final_key(self) -> str:
        """Where the bytes live once completed: out of reach of every upload ticket."""
        return FINAL_PREFIX + self.key.removeprefix(STAGING_PREFIX) if is_staging_key(self.key) else self.key

    @property
    def staging_key(self) -> str:
        """Where the upload ticket writes (a write after completion lands here, and is never served)."""
        return STAGING_PREFIX + self.final_key.removeprefix(FINAL_PREFIX)

    @property
    def thumbnail_target(self) -> str:
        return self.final_key.rsplit("/", 1)[0] + "/thumbnail.webp"

    @property
    def stored_keys(self) -> list[str]:
        """Every key this media's bytes may occupy: what removing it must delete."""
        return list(dict.fromkeys((self.staging_key, self.final_key, self.thumbnail_target)))

    def belongs_to(self, user_id: str) -> bool:
        return self.owner_id == user_id

    def check_stored(self, size: int, head: bytes, stored_type: str) -> None:
        """The stored object must be what was declared: its real size, its type by its bytes, and the type
        it will be served as."""
        if self.is_ready:
            raise IllegalTransition("the upload is already complete")
        if size <= 0:
            raise InvalidValue("size", "the uploaded file is empty")
        if size > RULES[self.purpose].max_bytes:
            raise InvalidValue("size", f"the uploaded file is larger than {RULES[self.purpose].max_bytes} bytes")
        if size != self.size:
            raise InvalidValue("size", f"{size} bytes were uploaded, {self.size} were announced")
        actual = sniff(head)
        if actual != self.content_type:
            raise InvalidValue(
                "content_type", f"the bytes are {actual or 'not an accepted image'}, not {self.content_type}"
            )
        if stored_type != self.content_type:
            raise InvalidValue("content_type", f"the upload was stored as {stored_type}, not {self.content_type}")

    def attach(self, target: str, field: str = "media_ids") -> bool:
        """Used by `target` ("product:<id>", "review:<id>", ...) from now on. The one rule for every
        context: only a completed upload, and by one thing only; attaching it again to the same target
        changes nothing (answers False), attaching it to another is refused."""
        if not self.is_ready:
            raise InvalidValue(field, f"media {self.id!r} is not uploaded yet")
        if self.attached_to == target:
            return False
        if self.attached_to is not None:
            raise InvalidValue(field, f"media {self.id!r} is attached elsewhere already")
        self.attached_to = target
        return True

    def complete(self, now: datetime, thumbnail_key: str | None) -> None:
        if self.is_ready:
            raise IllegalTransition("the upload is already complete")
        self.status = MediaStatus.READY
        self.key = self.final_key
        self.thumbnail_key = thumbnail_key
        self.completed_at = now
