"""Sending email: one message at a time, to one recipient, from the worker (never inside a request's
transaction: a message is written to the outbox with the change that causes it, and sent later)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class EmailMessage:
    """A message with a plain-text part and an HTML part. `message_id` is ours and stable across retries
    (made from the outbox message it comes from), so a receiving server or a person can tell a resend."""

    to: str
    subject: str
    text: str
    html: str
    message_id: str
    headers: dict[str, str] = field(default_factory=dict)


class MailUnavailable(Exception):
    """The mail server could not be reached or answered a temporary failure: try again later."""


class MailRefused(Exception):
    """The mail server refused the message for good (a 5xx answer): retrying will not help."""


class Mailer(Protocol):
    async def send(self, message: EmailMessage) -> None:
        """Hands the message over to be delivered, or raises MailUnavailable / MailRefused."""
        ...
