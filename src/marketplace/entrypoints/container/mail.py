"""The mailer, chosen by settings, not by the backend alone: SMTP wherever MARKETPLACE_SMTP_URL is set; else,
where the sandboxes serve, `.eml` files in the data dir listed at /sandbox/mail; in memory on the memory
backend (docs/architecture.md, "Configuration and the deployment rule"). core.py wires it."""

from __future__ import annotations

from pathlib import Path

from marketplace.adapters.mail.folder import FolderMailer
from marketplace.adapters.memory.mail import MemoryMailer
from marketplace.adapters.sandbox.mail import MailSandbox
from marketplace.application.ports.mail import Mailer
from marketplace.application.ports.system import Clock
from marketplace.entrypoints.settings import Settings, SettingsError

MAIL_FOLDER = "mail"  # under MARKETPLACE_DATA_DIR


def uses_builtin_mail(settings: Settings) -> bool:
    """Mail stays on this machine, listed at /sandbox/mail: only where the sandboxes serve."""
    return settings.serves_sandbox and settings.smtp_url is None


def mailer(settings: Settings, clock: Clock) -> Mailer:
    if settings.smtp_url is not None:
        from marketplace.adapters.mail.smtp import SmtpConfig, SmtpMailer

        return SmtpMailer(SmtpConfig.from_url(settings.smtp_url, settings.mail_sender), clock)
    if settings.backend == "memory":
        return MemoryMailer(clock=clock)
    if settings.serves_sandbox:
        return FolderMailer(Path(settings.data_dir) / MAIL_FOLDER, settings.mail_sender, clock)
    raise SettingsError("MARKETPLACE_SMTP_URL is required: no mail server is set and the sandboxes are not served")


def mail_sandbox(settings: Settings, mailer: Mailer) -> MailSandbox | None:
    """The listing of what the mailer kept, where the sandboxes serve and it keeps anything (None otherwise)."""
    if not uses_builtin_mail(settings) or not isinstance(mailer, FolderMailer | MemoryMailer):
        return None
    return MailSandbox(mailer)
