"""Email over SMTP (aiosmtplib): one connection per message, STARTTLS whenever the server offers it on
`smtp://`, TLS from the first byte on `smtps://`, the whole exchange bounded by one timeout.

A 5xx answer to the sender, the recipient or the data refuses this message for good (MailRefused); a 4xx,
a refused login, a dropped connection or silence are the server's state, not the message's: MailUnavailable,
and the outbox tries again (docs/providers.md, "Mail (SMTP)")."""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from marketplace.adapters.mail.mime import bare_address, to_mime
from marketplace.adapters.system import SystemClock
from marketplace.application.ports.mail import EmailMessage, MailRefused, MailUnavailable
from marketplace.application.ports.system import Clock

DEFAULT_TIMEOUT = 15.0  # seconds for connecting and sending one message, all of it
QUIT_SECONDS = 2.0
PORTS = {"smtp": 587, "smtps": 465}  # message submission (RFC 6409), submission over TLS (RFC 8314)


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    implicit_tls: bool  # smtps://; otherwise STARTTLS when the server offers it
    username: str | None
    password: str | None
    sender: str
    timeout: float = DEFAULT_TIMEOUT
    tls_context: ssl.SSLContext | None = None  # None: the system's trusted certificates

    @classmethod
    def from_url(cls, url: str, sender: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> SmtpConfig:
        """`smtp://user:pass@host:587` or `smtps://host:465`, with an optional `?from=`; `sender`, when
        given, wins over `?from=`. Percent-encoded user names and passwords are decoded."""
        parts = urlsplit(url)
        if parts.scheme not in PORTS or not parts.hostname:
            raise ValueError("an SMTP URL is smtp://[user:password@]host[:port] or smtps://...")
        chosen = sender or next(iter(parse_qs(parts.query).get("from", [])[-1:]), None)
        if chosen is None:
            raise ValueError("no sender: give MARKETPLACE_MAIL_FROM or ?from= in the SMTP URL")
        bare_address(chosen)  # refuses what is not an address
        return cls(
            host=parts.hostname,
            port=parts.port or PORTS[parts.scheme],
            implicit_tls=parts.scheme == "smtps",
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            sender=chosen,
            timeout=timeout,
        )


def _refused_for_good(code: int) -> bool:
    return 500 <= code <= 599


class SmtpMailer:
    """The Mailer port over SMTP."""

    def __init__(self, config: SmtpConfig, clock: Clock | None = None) -> None:
        self.config = config
        self._clock = clock or SystemClock()

    def _client(self) -> aiosmtplib.SMTP:
        config = self.config
        return aiosmtplib.SMTP(
            hostname=config.host,
            port=config.port,
            username=config.username,
            password=config.password,
            use_tls=config.implicit_tls,
            start_tls=False if config.implicit_tls else None,  # None: STARTTLS when offered
            timeout=config.timeout,
            tls_context=config.tls_context,
        )

    async def send(self, message: EmailMessage) -> None:
        try:
            recipient = bare_address(message.to)
        except ValueError:
            raise MailRefused(f"not an email address: {message.to!r}") from None
        mime = to_mime(message, self.config.sender, self._clock.now())
        where = f"{self.config.host}:{self.config.port}"
        client = self._client()
        try:
            async with asyncio.timeout(self.config.timeout):
                await client.connect()
                await client.send_message(mime, sender=bare_address(self.config.sender), recipients=[recipient])
            await _say_goodbye(client)
        except aiosmtplib.SMTPRecipientsRefused as error:
            codes = [refused.code for refused in error.recipients]
            if codes and all(_refused_for_good(code) for code in codes):
                raise MailRefused(f"{where} refused the recipient: {error.recipients[0].message}") from None
            raise MailUnavailable(f"{where} did not take the recipient now: {error}") from None
        except (aiosmtplib.SMTPSenderRefused, aiosmtplib.SMTPDataError) as error:
            if _refused_for_good(error.code):
                raise MailRefused(f"{where} refused the message: {error.code} {error.message}") from None
            raise MailUnavailable(f"{where} did not take the message now: {error.code} {error.message}") from None
        except aiosmtplib.SMTPAuthenticationError as error:  # our credentials, not this message
            raise MailUnavailable(f"{where} refused our login: {error.code} {error.message}") from None
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise MailUnavailable(f"{where} is unavailable: {type(error).__name__}: {error}") from None
        finally:
            client.close()


async def _say_goodbye(client: aiosmtplib.SMTP) -> None:
    """QUIT, briefly and best effort: once the server took the data, the message is sent whatever follows."""
    try:
        async with asyncio.timeout(QUIT_SECONDS):
            await client.quit()
    except (aiosmtplib.SMTPException, OSError, TimeoutError):
        pass
