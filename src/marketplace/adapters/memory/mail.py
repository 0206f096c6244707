"""A mailer that keeps what it is given, for tests: `sent` in the order sent, each message id once (like
the folder mailer), and `fail_next` to make the next send fail the way a mail server can."""

from __future__ import annotations

from datetime import datetime
from email.utils import parseaddr

from marketplace.adapters.mail.mime import DEFAULT_SENDER, SentMail, message_id_header, one_line
from marketplace.adapters.system import SystemClock
from marketplace.application.ports.mail import EmailMessage
from marketplace.application.ports.system import Clock


class MemoryMailer:
    def __init__(self, sender: str = DEFAULT_SENDER, clock: Clock | None = None) -> None:
        self.sender = sender
        self._clock = clock or SystemClock()
        self._sent: dict[str, tuple[EmailMessage, datetime]] = {}
        self._failures: list[Exception] = []

    @property
    def sent(self) -> list[EmailMessage]:
        return [message for message, _ in self._sent.values()]

    def to(self, address: str) -> list[EmailMessage]:
        """What was sent to `address`, oldest first."""
        return [message for message in self.sent if parseaddr(message.to)[1].lower() == address.strip().lower()]

    def fail_next(self, error: Exception) -> None:
        """The next send raises `error` (MailUnavailable, MailRefused) and keeps nothing."""
        self._failures.append(error)

    async def send(self, message: EmailMessage) -> None:
        if self._failures:
            raise self._failures.pop(0)
        self._sent.setdefault(message.message_id, (message, self._clock.now()))

    async def recent(self, limit: int = 50, to: str | None = None) -> list[SentMail]:
        """The sandbox listing's view, newest first."""
        listed = [
            SentMail(message_id_header(m.message_id, self.sender).strip("<>"), m.to, one_line(m.subject), at, m.text)
            for m, at in reversed(self._sent.values())
        ]
        return [sent for sent in listed if sent.is_to(to)][:limit]
