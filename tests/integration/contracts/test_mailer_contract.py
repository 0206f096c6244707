"""The Mailer port's contract, run over every adapter: in memory, `.eml` files in a folder, and SMTP to a real
server (aiosmtpd) started here. A message arrives with its recipient, subject and both parts, non-ASCII text
intact; sending a message id again delivers nothing new that a reader could not tell for a resend. Over SMTP:
a 5xx is MailRefused, a 4xx, a hang-up or silence MailUnavailable; STARTTLS and TLS from the first byte."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from email import policy
from email.message import EmailMessage as MimeMessage
from email.parser import BytesParser
from pathlib import Path

import pytest

from marketplace.adapters.mail.folder import FolderMailer
from marketplace.adapters.mail.mime import message_id_header, plain_text
from marketplace.adapters.mail.smtp import SmtpConfig, SmtpMailer
from marketplace.adapters.memory.mail import MemoryMailer
from marketplace.application.ports.mail import EmailMessage, Mailer, MailRefused, MailUnavailable
from tests.integration.contracts.smtp_servers import HOST, Keeping, accept_login, hanging_up, self_signed, smtp_server
from tests.integration.serving import free_port
from tests.integration.silent_server import silent_server

SENDER = "Marketplace Toko <no-reply@toko.example>"
ORDER_SHIPPED = EmailMessage(
    to="Budi Santoso <budi@pembeli.example>",
    subject="Pesanan Anda sudah dikirim — terima kasih! 🚚",
    text="Halo Budi,\n\nPesanan #1042 (Kopi Gayo 250 g, Rp 85.000) sudah dikirim.\nSalam hangat, Toko Kopi Ñusantara",
    html="<p>Halo Budi,</p><p>Pesanan <b>#1042</b> — <i>Kopi Gayo 250 g</i>, Rp&nbsp;85.000 — sudah dikirim. ☕</p>",
    message_id="outbox-0190a0a0-0000-7000-8000-000000000042",
)


@dataclass(frozen=True)
class Delivered:
    to: str
    subject: str
    text: str
    html: str
    message_id: str  # the Message-ID header


def _parsed(data: bytes) -> Delivered:
    mime = BytesParser(policy=policy.default).parsebytes(data)
    assert mime.get_content_type() == "multipart/alternative"
    parts = {part.get_content_type(): part for part in mime.iter_parts() if isinstance(part, MimeMessage)}
    assert list(parts) == ["text/plain", "text/html"] and all(
        p.get_content_charset() == "utf-8" for p in parts.values()
    )
    return Delivered(
        to=str(mime["To"]),
        subject=str(mime["Subject"]),
        text=plain_text(parts["text/plain"].get_content()),
        html=plain_text(parts["text/html"].get_content()),
        message_id=str(mime["Message-ID"]),
    )


@dataclass
class Harness:
    mailer: Mailer
    delivered: Callable[[], Awaitable[list[Delivered]]]


@pytest.fixture(params=["memory", "folder", "smtp"])
async def harness(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Harness]:
    if request.param == "memory":
        memory = MemoryMailer(SENDER)

        async def kept() -> list[Delivered]:
            header = message_id_header  # the same header the others write
            return [Delivered(m.to, m.subject, m.text, m.html, header(m.message_id, SENDER)) for m in memory.sent]

        yield Harness(memory, kept)
    elif request.param == "folder":
        folder = tmp_path / "mail"

        async def files() -> list[Delivered]:
            return [_parsed(path.read_bytes()) for path in sorted(folder.glob("*.eml"))]

        yield Harness(FolderMailer(folder, SENDER), files)
    else:
        server = Keeping()
        with smtp_server(server) as port:

            async def received() -> list[Delivered]:
                return [_parsed(message.content) for message in server.received]

            yield Harness(SmtpMailer(SmtpConfig.from_url(f"smtp://{HOST}:{port}", SENDER)), received)


async def test_a_message_arrives_with_its_recipient_subject_and_both_parts_intact(harness: Harness) -> None:
    await harness.mailer.send(ORDER_SHIPPED)
    [delivered] = await harness.delivered()
    assert delivered.to == ORDER_SHIPPED.to and delivered.subject == ORDER_SHIPPED.subject
    assert delivered.text == ORDER_SHIPPED.text and delivered.html == ORDER_SHIPPED.html
    assert delivered.message_id == "<outbox-0190a0a0-0000-7000-8000-000000000042@toko.example>"


async def test_a_message_sent_again_is_nothing_a_reader_cannot_tell_for_a_resend(harness: Harness) -> None:
    other = replace(ORDER_SHIPPED, message_id="outbox-other", subject="Pesanan diterima")
    for message in (ORDER_SHIPPED, other, ORDER_SHIPPED):
        await harness.mailer.send(message)
    delivered = await harness.delivered()
    assert {d.message_id for d in delivered} == {
        message_id_header(m.message_id, SENDER) for m in (ORDER_SHIPPED, other)
    }
    assert {d.subject for d in delivered} == {ORDER_SHIPPED.subject, other.subject}


@pytest.mark.parametrize("kind", ["memory", "folder"])
async def test_the_memory_and_folder_mailers_keep_a_message_id_once(kind: str, tmp_path: Path) -> None:
    mailer = MemoryMailer(SENDER) if kind == "memory" else FolderMailer(tmp_path, SENDER)
    for _ in range(3):
        await mailer.send(ORDER_SHIPPED)
    await mailer.send(replace(ORDER_SHIPPED, message_id="outbox-2", to="sari@pembeli.example"))
    listed = await mailer.recent()
    assert [sent.to for sent in listed] == ["sari@pembeli.example", ORDER_SHIPPED.to]
    assert [sent.to for sent in await mailer.recent(to="BUDI@pembeli.example")] == [ORDER_SHIPPED.to]
    assert listed[1].text == ORDER_SHIPPED.text and listed[1].subject == ORDER_SHIPPED.subject
    assert listed[1].id == "outbox-0190a0a0-0000-7000-8000-000000000042@toko.example"


async def test_the_folder_writes_whole_files_only_its_owner_reads(tmp_path: Path) -> None:
    await FolderMailer(tmp_path, SENDER).send(ORDER_SHIPPED)
    [written] = os.listdir(tmp_path)
    assert written.endswith(".eml") and not written.startswith(".")
    assert (tmp_path / written).stat().st_mode & 0o077 == 0


def _smtp(port: int, **changes: object) -> SmtpMailer:
    return SmtpMailer(replace(SmtpConfig.from_url(f"smtp://{HOST}:{port}", SENDER), **changes))  # type: ignore[arg-type]


async def test_smtp_gives_the_envelope_the_bare_addresses() -> None:
    server = Keeping()
    with smtp_server(server) as port:
        await _smtp(port).send(ORDER_SHIPPED)
    [received] = server.received
    assert (received.sender, received.recipients) == ("no-reply@toko.example", ["budi@pembeli.example"])


@pytest.mark.parametrize(
    ("refusal", "error"),
    [
        ({"rcpt": "550 5.1.1 no such mailbox"}, MailRefused),
        ({"data": "554 5.7.1 message rejected as spam"}, MailRefused),
        ({"rcpt": "450 4.2.1 mailbox busy, try later"}, MailUnavailable),
        ({"data": "451 4.3.0 local error, try again"}, MailUnavailable),
    ],
)
async def test_a_5xx_refuses_the_message_for_good_and_a_4xx_asks_for_another_try(
    refusal: dict[str, str], error: type[Exception]
) -> None:
    with smtp_server(Keeping(refuse_recipient=refusal.get("rcpt"), refuse_data=refusal.get("data"))) as port:
        with pytest.raises(error):
            await _smtp(port).send(ORDER_SHIPPED)


async def test_a_server_that_hangs_up_or_is_not_there_is_unavailable() -> None:
    async with hanging_up() as port:
        with pytest.raises(MailUnavailable):
            await _smtp(port).send(ORDER_SHIPPED)
    with pytest.raises(MailUnavailable):
        await _smtp(free_port()).send(ORDER_SHIPPED)


async def test_a_server_that_never_answers_is_unavailable_once_the_timeout_passes() -> None:
    async with silent_server() as port:
        with pytest.raises(MailUnavailable):
            await _smtp(port, timeout=0.3).send(ORDER_SHIPPED)


async def test_a_recipient_that_is_no_address_is_refused_without_a_connection() -> None:
    with pytest.raises(MailRefused):
        await _smtp(free_port()).send(replace(ORDER_SHIPPED, to="budi at pembeli"))


async def test_starttls_is_used_when_offered_and_the_login_goes_over_it(tmp_path: Path) -> None:
    tls = self_signed(tmp_path)
    server = Keeping()
    options = {"tls_context": tls.server, "require_starttls": True, "authenticator": accept_login("toko", "r@h a/sia")}
    with smtp_server(server, auth_required=True, **options) as port:
        config = SmtpConfig.from_url(f"smtp://toko:r%40h%20a%2Fsia@{HOST}:{port}", SENDER)
        await SmtpMailer(replace(config, tls_context=tls.client)).send(ORDER_SHIPPED)
    [received] = server.received
    assert received.over_tls and received.login == "toko"


async def test_smtps_speaks_tls_from_the_first_byte(tmp_path: Path) -> None:
    tls = self_signed(tmp_path)
    server = Keeping()
    with smtp_server(server, ssl_context=tls.server) as port:
        config = SmtpConfig.from_url(f"smtps://{HOST}:{port}?from=shop%40toko.example", None)
        await SmtpMailer(replace(config, tls_context=tls.client)).send(ORDER_SHIPPED)
    [received] = server.received
    assert received.over_tls and received.sender == "shop@toko.example"


async def test_a_certificate_nobody_vouches_for_is_unavailable_not_sent_in_the_clear(tmp_path: Path) -> None:
    tls = self_signed(tmp_path)
    server = Keeping()
    with smtp_server(server, tls_context=tls.server) as port:
        with pytest.raises(MailUnavailable):
            await _smtp(port).send(ORDER_SHIPPED)
    assert server.received == []
