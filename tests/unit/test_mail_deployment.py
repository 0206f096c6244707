"""Mail and the deployment rule: wherever the built-in sandboxes are not served, a mail server and a sender
must be set or nothing starts; where they serve, mail is kept in the data dir (listed at /sandbox/mail)
unless an SMTP URL is set; the memory backend keeps it in memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from marketplace.adapters.mail.folder import FolderMailer
from marketplace.adapters.mail.smtp import SmtpMailer
from marketplace.adapters.memory.mail import MemoryMailer
from marketplace.entrypoints.container import build_container, resolve, uses_builtin_mail
from marketplace.entrypoints.settings import DEV_MAIL_FROM, Settings, SettingsError
from tests.unit.test_deployment_rule import GOSEND, MAIL_NAMES, POSTGRES, REDIS, SECRET, XENDIT

DEPLOYMENT = {**POSTGRES, **REDIS, **XENDIT, **GOSEND, "MARKETPLACE_JWT_SECRET": SECRET}
URL = "smtp://shop:secret@smtp.example.com:587"


def test_a_deployment_without_a_mail_server_refuses_to_start_naming_it() -> None:
    settings = Settings.from_env(DEPLOYMENT)
    assert settings.missing_settings() == MAIL_NAMES and not uses_builtin_mail(settings)
    with pytest.raises(SettingsError) as raised:
        settings.check_deployable()
    assert str(raised.value).endswith("set MARKETPLACE_SMTP_URL, MARKETPLACE_MAIL_FROM")


@pytest.mark.parametrize(
    "mail",
    [
        {"MARKETPLACE_SMTP_URL": URL, "MARKETPLACE_MAIL_FROM": "Toko <no-reply@toko.example>"},
        {"MARKETPLACE_SMTP_URL": f"{URL}?from=no-reply%40toko.example"},
    ],
)
def test_a_deployment_with_a_mail_server_and_a_sender_starts(mail: dict[str, str]) -> None:
    Settings.from_env({**DEPLOYMENT, **mail}).check_deployable()


def test_a_mail_server_without_a_sender_names_the_sender_where_the_sandboxes_are_not_served() -> None:
    settings = Settings.from_env({**DEPLOYMENT, "MARKETPLACE_SMTP_URL": URL})
    assert settings.missing_settings() == ["MARKETPLACE_MAIL_FROM"]
    with pytest.raises(SettingsError, match="MARKETPLACE_MAIL_FROM"):
        assert settings.mail_sender
    assert Settings.from_env({"MARKETPLACE_SMTP_URL": URL}).mail_sender == DEV_MAIL_FROM


def test_the_memory_backend_may_keep_its_mail_in_memory_anywhere() -> None:
    Settings.in_memory(host="0.0.0.0", jwt_secret=SECRET).check_deployable()
    assert Settings.in_memory(host="0.0.0.0", jwt_secret=SECRET, smtp_url=URL).missing_settings() == [
        "MARKETPLACE_MAIL_FROM"
    ]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MARKETPLACE_SMTP_URL", "http://smtp.example.com"),
        ("MARKETPLACE_SMTP_URL", "smtp://"),
        ("MARKETPLACE_MAIL_FROM", "no-reply"),
        ("MARKETPLACE_SMTP_URL", "smtp://smtp.example.com?from=nobody"),
    ],
)
def test_a_bad_smtp_url_or_sender_is_refused_naming_the_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env({variable: value})


async def _mailer(settings: Settings) -> object:
    container = build_container(settings)
    await container.init_resources()
    try:
        return await resolve(container.mailer)
    finally:
        await container.shutdown_resources()


async def test_the_container_chooses_the_mailer_from_the_settings(tmp_path: Path) -> None:
    folder = await _mailer(Settings.from_env({}, data_dir=str(tmp_path)))
    assert isinstance(folder, FolderMailer) and folder.folder == tmp_path / "mail" and folder.sender == DEV_MAIL_FROM
    assert uses_builtin_mail(Settings.from_env({}, data_dir=str(tmp_path)))
    smtp = await _mailer(Settings.from_env({"MARKETPLACE_SMTP_URL": URL}, data_dir=str(tmp_path)))
    assert isinstance(smtp, SmtpMailer) and smtp.config.host == "smtp.example.com"
    assert not uses_builtin_mail(Settings.from_env({"MARKETPLACE_SMTP_URL": URL}))
    assert isinstance(await _mailer(Settings.in_memory(data_dir=str(tmp_path))), MemoryMailer)
    assert isinstance(await _mailer(Settings.in_memory(smtp_url=URL, data_dir=str(tmp_path))), SmtpMailer)


async def test_a_half_configured_container_names_the_mail_server_when_asked_for_the_mailer(tmp_path: Path) -> None:
    """Commands that send nothing (`admin create`, `migrate`) still run; the mailer names what is missing."""
    with pytest.raises(SettingsError, match="MARKETPLACE_SMTP_URL"):
        await _mailer(Settings.from_env({**XENDIT, **GOSEND, "MARKETPLACE_JWT_SECRET": SECRET}, data_dir=str(tmp_path)))
