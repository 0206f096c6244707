"""What each purpose accepts, and what a file really is, judged by its first bytes."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from marketplace.domain.shared.errors import InvalidValue

MIB = 1024 * 1024
SNIFF_BYTES = 16


class Purpose(str, enum.Enum):
    PRODUCT_IMAGE = "product_image"
    REVIEW_PHOTO = "review_photo"
    CHAT_ATTACHMENT = "chat_attachment"
    CMS_IMAGE = "cms_image"
    STORE_LOGO = "store_logo"


IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


@dataclass(frozen=True, slots=True)
class Rule:
    max_bytes: int
    content_types: frozenset[str]
    thumbnail: bool


RULES: dict[Purpose, Rule] = {
    Purpose.PRODUCT_IMAGE: Rule(8 * MIB, frozenset(IMAGE_TYPES), thumbnail=True),
    Purpose.REVIEW_PHOTO: Rule(8 * MIB, frozenset(IMAGE_TYPES), thumbnail=True),
    Purpose.CHAT_ATTACHMENT: Rule(10 * MIB, frozenset(IMAGE_TYPES), thumbnail=True),
    Purpose.CMS_IMAGE: Rule(8 * MIB, frozenset(IMAGE_TYPES), thumbnail=True),
    Purpose.STORE_LOGO: Rule(2 * MIB, frozenset(IMAGE_TYPES), thumbnail=True),
}


def purpose_of(value: str) -> Purpose:
    try:
        return Purpose(value)
    except ValueError:
        raise InvalidValue("purpose", f"must be one of {', '.join(p.value for p in Purpose)}") from None


def check_declared(purpose: Purpose, content_type: str, size: int) -> Rule:
    """The purpose's rule, when the declared type and size fit it."""
    rule = RULES[purpose]
    if content_type not in rule.content_types:
        raise InvalidValue("content_type", f"{purpose.value} accepts {', '.join(sorted(rule.content_types))}")
    if type(size) is not int or size <= 0:
        raise InvalidValue("size", "must be a positive number of bytes")
    if size > rule.max_bytes:
        raise InvalidValue("size", f"{purpose.value} files are at most {rule.max_bytes} bytes")
    return rule


def sniff(head: bytes) -> str | None:
    """The image type the first bytes show (JPEG, PNG or WebP), else None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def clean_filename(filename: str) -> str:
    """The name to keep for display: its last path segment, with only plain characters; never empty."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name or name in {".", ".."} or len(filename) > 255:
        raise InvalidValue("filename", "must be a file name of at most 255 characters")
    name = _UNSAFE.sub("_", name).strip(" .") or "file"
    return name[:120]
