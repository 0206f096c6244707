"""Object keys are made by the application; adapters still refuse anything that could escape."""

from __future__ import annotations

import re

from marketplace.domain.shared.errors import InvalidValue

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$")


def checked_key(key: str) -> str:
    """A relative key of safe segments: no '..', no absolute path, no empty segment."""
    if len(key) > 512 or not _KEY.match(key) or any(part in {".", ".."} for part in key.split("/")):
        raise InvalidValue("key", "is not a safe object key")
    return key
