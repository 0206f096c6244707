"""The MIME form every mail adapter sends or keeps: multipart/alternative (the text part, then the HTML
part), UTF-8 in quoted-printable so any server takes it, headers encoded (RFC 2047) and on one line; and
the few facts the sandbox listing reads back from such a message."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage as MimeMessage
from email.parser import BytesParser
from email.utils import format_datetime, parseaddr, parsedate_to_datetime

from marketplace.application.ports.mail import EmailMessage

DEFAULT_SENDER = "Marketplace <no-reply@localhost>"  # only where the sandboxes serve (settings.py)
# Headers the adapter writes itself; a message's own `headers` cannot replace them.
RESERVED = frozenset(
    {"from", "to", "subject", "date", "message-id", "mime-version", "content-type", "content-transfer-encoding"}
)
_HEADER_NAME = re.compile(r"[!-9;-~]+")  # RFC 5322 field names: printable ASCII but the colon
_NOT_ATEXT = re.compile(r"[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]")


@dataclass(frozen=True, slots=True)
class SentMail:
    """One message as the sandbox listing shows it (`GET /sandbox/mail`)."""

    id: str  # the Message-ID, without its angle brackets
    to: str
    subject: str
    sent_at: datetime
    text: str

    def is_to(self, address: str | None) -> bool:
        """Whether it went to `address` (any case); every message is, to None."""
        return address is None or parseaddr(self.to)[1].lower() == address.strip().lower()


def bare_address(sender: str) -> str:
    """The address alone: `Marketplace <no-reply@shop.id>` -> `no-reply@shop.id`."""
    address = parseaddr(sender)[1]
    if "@" not in address:
        raise ValueError(f"not an email address: {sender!r}")
    return address


def message_id_header(message_id: str, sender: str) -> str:
    """`<our id@the sender's domain>`: RFC 5322 wants a right-hand part, and the same id gives the same
    header on every retry, so a receiving server or a person can tell a resend."""
    left = _NOT_ATEXT.sub("-", message_id).strip(".") or "message"
    return f"<{left}@{bare_address(sender).rpartition('@')[2]}>"


def one_line(value: str) -> str:
    """Folds line breaks into spaces: header values are single lines (and no header can be smuggled in)."""
    return " ".join(value.split())


def to_mime(message: EmailMessage, sender: str, now: datetime) -> MimeMessage:
    mime = MimeMessage(policy=policy.SMTP)
    mime["From"] = sender
    mime["To"] = one_line(message.to)
    mime["Subject"] = one_line(message.subject)
    mime["Date"] = format_datetime(now.astimezone(UTC))
    mime["Message-ID"] = message_id_header(message.message_id, sender)
    for name, value in message.headers.items():
        if not _HEADER_NAME.fullmatch(name):
            raise ValueError(f"not a header name: {name!r}")
        if name.lower() not in RESERVED:
            mime[name] = one_line(value)
    mime.set_content(message.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    mime.add_alternative(message.html, subtype="html", charset="utf-8", cte="quoted-printable")
    return mime


def plain_text(text: str) -> str:
    """The text as written: the wire's CRLF back to LF, without the line end MIME adds at the end."""
    return text.replace("\r\n", "\n").removesuffix("\n")


def read_sent(data: bytes) -> SentMail:
    """The listing's facts from the bytes of a message made by `to_mime`."""
    mime = BytesParser(policy=policy.default).parsebytes(data)
    body = mime.get_body(preferencelist=("plain",))
    text = body.get_content() if isinstance(body, MimeMessage) else ""
    return SentMail(
        id=str(mime["Message-ID"] or "").strip().strip("<>"),
        to=str(mime["To"] or ""),
        subject=str(mime["Subject"] or ""),
        sent_at=parsedate_to_datetime(str(mime["Date"])).astimezone(UTC),
        text=plain_text(text),
    )
