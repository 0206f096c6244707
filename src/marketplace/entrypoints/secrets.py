"""The signing keys this process uses: derived from MARKETPLACE_JWT_SECRET, or, only where the
built-in sandboxes are served, from a development secret made for this installation."""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from marketplace.adapters.security.keys import derive_key
from marketplace.entrypoints.settings import PREFIX, Settings, SettingsError

DEVELOPMENT_SECRET_FILE = "development-secret"
# The memory backend keeps nothing on disk: one secret for the life of the process.
_PROCESS_SECRET = secrets.token_urlsafe(48)


@dataclass(frozen=True, slots=True)
class SigningKeys:
    tokens: str  # access tokens (JWT)
    attribution: str  # the affiliate attribution cookie
    media_urls: str  # the local storage's signed upload and download URLs


def signing_keys(settings: Settings) -> SigningKeys:
    master = settings.jwt_secret or development_secret(settings)
    return SigningKeys(
        tokens=derive_key(master, "access-tokens"),
        attribution=derive_key(master, "affiliate-attribution"),
        media_urls=derive_key(master, "local-media-urls"),
    )


def ephemeral_keys() -> SigningKeys:
    """Keys nobody else knows, for a command that signs nothing anyone will check."""
    master = secrets.token_urlsafe(48)
    return SigningKeys(
        tokens=derive_key(master, "access-tokens"),
        attribution=derive_key(master, "affiliate-attribution"),
        media_urls=derive_key(master, "local-media-urls"),
    )


def development_secret(settings: Settings) -> str:
    """A random secret kept in the data dir (so a restart keeps everyone signed in), never a constant
    anyone could read in this repository; refused where the sandboxes are not served."""
    if not settings.serves_sandbox:
        raise SettingsError(f"{PREFIX}JWT_SECRET is required where the built-in sandboxes are not served")
    if settings.backend != "sql":
        return _PROCESS_SECRET
    path = Path(settings.data_dir) / DEVELOPMENT_SECRET_FILE
    if not path.exists():
        _create(path)
    return _read(path)


def _create(path: Path) -> None:
    """Written whole under another name, then linked into place: of two processes starting at once,
    one wins and both read its secret, never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-secret-")
    try:
        with os.fdopen(handle, "w") as file:
            file.write(secrets.token_urlsafe(48))
        os.chmod(temporary, 0o600)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)


def _read(path: Path) -> str:
    text = path.read_text().strip()
    if len(text) < 32:
        raise SettingsError(f"{path} holds no usable development secret: delete it to make a new one")
    return text
