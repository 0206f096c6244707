"""Email kept as `.eml` files in a folder (`<data dir>/mail/`) where the sandboxes serve: nothing leaves
the machine, a person opens the files with any mail reader, and `GET /sandbox/mail` lists them.

A file is named `<UTC time to the microsecond>-<digest of the message id>.eml`, so names sort by time and
a message id is written once however often it is sent (the outbox may send it again). It is written to a
temporary file first and renamed, so a reader never sees half a message; only its owner may read it (the
messages carry sign-in and password-reset links)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

from marketplace.adapters.mail.mime import DEFAULT_SENDER, SentMail, read_sent, to_mime
from marketplace.adapters.system import SystemClock
from marketplace.application.ports.mail import EmailMessage
from marketplace.application.ports.system import Clock

SUFFIX = ".eml"


def file_key(message_id: str) -> str:
    return hashlib.sha256(message_id.encode()).hexdigest()[:32]


class FolderMailer:
    """The Mailer port writing each message to `folder`; `recent` lists them newest first."""

    def __init__(self, folder: str | Path, sender: str = DEFAULT_SENDER, clock: Clock | None = None) -> None:
        self.folder = Path(folder)
        self.sender = sender
        self._clock = clock or SystemClock()
        self._lock = asyncio.Lock()  # one process writes (the embedded default): a check then a write

    async def send(self, message: EmailMessage) -> None:
        now = self._clock.now()
        data = to_mime(message, self.sender, now).as_bytes()
        name = f"{now:%Y%m%dT%H%M%S%fZ}-{file_key(message.message_id)}{SUFFIX}"
        async with self._lock:
            await asyncio.to_thread(self._write_once, name, data)

    def _write_once(self, name: str, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        key = name.split("-", 1)[1]
        if any(self.folder.glob(f"*-{key}")):
            return
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".writing-", suffix=".tmp")  # mode 0600
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.folder / name)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

    async def recent(self, limit: int = 50, to: str | None = None) -> list[SentMail]:
        """The newest `limit` messages (to `to` only, when given), newest first."""
        return await asyncio.to_thread(self._recent, limit, to)

    def _recent(self, limit: int, to: str | None) -> list[SentMail]:
        if not self.folder.is_dir():
            return []
        found: list[SentMail] = []
        for path in sorted(self.folder.glob(f"*{SUFFIX}"), reverse=True):
            if len(found) >= limit:
                break
            try:
                sent = read_sent(path.read_bytes())
            except (OSError, ValueError, TypeError):
                continue  # removed meanwhile, or not one of ours
            if sent.is_to(to):
                found.append(sent)
        return found
