"""The sandbox rule (MARKETPLACE_SANDBOX): the built-in provider sandboxes and development secrets serve
only the embedded default on a loopback address, or wherever `on` says so; anything else must name
every real setting or refuse to start. And one signing key per purpose, derived from the master."""

from __future__ import annotations

from pathlib import Path

import pytest

from marketplace.adapters.security.jwt_tokens import JwtTokenService
from marketplace.adapters.security.keys import derive_key
from marketplace.application.affiliate.attribution import AttributionSigner
from marketplace.application.errors import Unauthenticated
from marketplace.entrypoints.container import build_container, resolve, uses_builtin_gosend, uses_builtin_xendit
from marketplace.entrypoints.networks import is_loopback
from marketplace.entrypoints.secrets import DEVELOPMENT_SECRET_FILE, signing_keys
from marketplace.entrypoints.settings import Settings, SettingsError

SECRET = "m" * 40
POSTGRES = {"MARKETPLACE_DATABASE_URL": "postgresql+asyncpg://app@db/marketplace"}
REDIS = {"MARKETPLACE_REDIS_URL": "redis://cache:6379/0"}
XENDIT = {
    "MARKETPLACE_XENDIT_BASE_URL": "https://api.xendit.co",
    "MARKETPLACE_XENDIT_SECRET_KEY": "xnd_production_k",
    "MARKETPLACE_XENDIT_CALLBACK_TOKEN": "callback-token-from-the-dashboard",
}
GOSEND = {
    "MARKETPLACE_GOSEND_BASE_URL": "https://integration-kilat-api.gojekapi.com",
    "MARKETPLACE_GOSEND_CLIENT_ID": "client",
    "MARKETPLACE_GOSEND_PASS_KEY": "pass-key",
    "MARKETPLACE_GOSEND_WEBHOOK_TOKEN": "webhook-token",
}
SMTP = {"MARKETPLACE_SMTP_URL": "smtp://shop:secret@smtp.example.com:587?from=no-reply%40shop.example"}
MAIL_NAMES = ["MARKETPLACE_SMTP_URL", "MARKETPLACE_MAIL_FROM"]
XENDIT_NAMES = ["MARKETPLACE_XENDIT_BASE_URL", "MARKETPLACE_XENDIT_SECRET_KEY", "MARKETPLACE_XENDIT_CALLBACK_TOKEN"]
GOSEND_NAMES = [
    "MARKETPLACE_GOSEND_BASE_URL",
    "MARKETPLACE_GOSEND_CLIENT_ID",
    "MARKETPLACE_GOSEND_PASS_KEY",
    "MARKETPLACE_GOSEND_WEBHOOK_TOKEN",
]


def _refusal(environ: dict[str, str], **overrides: object) -> str:
    settings = Settings.from_env(environ, **overrides)
    with pytest.raises(SettingsError) as raised:
        settings.check_deployable()
    return str(raised.value)


def test_postgresql_redis_and_a_jwt_secret_without_providers_refuse_naming_each_missing_setting() -> None:
    settings = Settings.from_env({**POSTGRES, **REDIS, "MARKETPLACE_JWT_SECRET": SECRET})
    assert not settings.serves_sandbox
    assert not uses_builtin_xendit(settings) and not uses_builtin_gosend(settings)
    assert settings.missing_settings() == XENDIT_NAMES + GOSEND_NAMES + MAIL_NAMES
    message = _refusal({**POSTGRES, **REDIS, "MARKETPLACE_JWT_SECRET": SECRET})
    assert "\n" not in message and all(name in message for name in XENDIT_NAMES + GOSEND_NAMES + MAIL_NAMES)
    assert "MARKETPLACE_JWT_SECRET" not in message and "MARKETPLACE_SANDBOX=on" in message


@pytest.mark.parametrize(("configured", "missing"), [(XENDIT, GOSEND_NAMES), (GOSEND, XENDIT_NAMES)])
def test_one_provider_configured_does_not_bring_back_the_other_ones_sandbox(
    configured: dict[str, str], missing: list[str]
) -> None:
    settings = Settings.from_env({**POSTGRES, **REDIS, **configured, **SMTP, "MARKETPLACE_JWT_SECRET": SECRET})
    assert settings.missing_settings() == missing
    assert not uses_builtin_xendit(settings) and not uses_builtin_gosend(settings)


def test_sqlite_with_real_providers_and_no_jwt_secret_refuses_naming_the_secret() -> None:
    environ = {**XENDIT, **GOSEND, **SMTP}
    assert Settings.from_env(environ).missing_settings() == ["MARKETPLACE_JWT_SECRET"]
    assert "MARKETPLACE_JWT_SECRET" in _refusal(environ)
    Settings.from_env({**environ, "MARKETPLACE_JWT_SECRET": SECRET}).check_deployable()


@pytest.mark.parametrize(
    "extra",
    [
        {"MARKETPLACE_MONGO_URL": "mongodb://chat:27017/marketplace"},
        {"MARKETPLACE_S3_ENDPOINT": "minio:9000", "MARKETPLACE_S3_ACCESS_KEY": "a", "MARKETPLACE_S3_SECRET_KEY": "b"},
        {"MARKETPLACE_PUBLIC_URL": "https://shop.example.com"},
    ],
)
def test_anything_configured_outside_the_process_ends_the_embedded_default(extra: dict[str, str]) -> None:
    settings = Settings.from_env(extra)
    assert not settings.is_embedded_default and not settings.serves_sandbox
    assert "MARKETPLACE_JWT_SECRET" in settings.missing_settings()


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "", "192.168.1.20", "shop.example.com"])
def test_the_embedded_default_on_a_network_address_refuses_and_says_how_to_run_a_lan_demo(host: str) -> None:
    message = _refusal({}, host=host)
    assert "MARKETPLACE_SANDBOX=on" in message and "make serve HOST=" in message
    assert "MARKETPLACE_JWT_SECRET" in message and "MARKETPLACE_XENDIT_BASE_URL" in message


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_loopback_addresses_are_recognised(host: str) -> None:
    assert is_loopback(host)
    Settings.from_env({}, host=host).check_deployable()


def test_sandbox_on_serves_the_sandboxes_anywhere_but_a_set_provider_wins() -> None:
    settings = Settings.from_env({**POSTGRES, **REDIS, **XENDIT, "MARKETPLACE_SANDBOX": "on"}, host="0.0.0.0")
    settings.check_deployable()
    assert not uses_builtin_xendit(settings) and uses_builtin_gosend(settings)
    assert settings.xendit_token == XENDIT["MARKETPLACE_XENDIT_CALLBACK_TOKEN"]


def test_sandbox_off_refuses_even_the_embedded_default_and_never_hands_out_a_development_token() -> None:
    settings = Settings.from_env({"MARKETPLACE_SANDBOX": "off"})
    assert not settings.serves_sandbox and not uses_builtin_xendit(settings)
    assert "MARKETPLACE_SANDBOX=off" in _refusal({"MARKETPLACE_SANDBOX": "off"})
    for credential in ("xendit_token", "xendit_key", "gosend_token", "gosend_key", "gosend_client"):
        with pytest.raises(SettingsError):
            getattr(settings, credential)


def test_migrate_needs_nothing_but_the_database() -> None:
    """Settings themselves construct without a secret; only serving checks."""
    settings = Settings.from_env({**POSTGRES, **REDIS})
    assert settings.sql_url.startswith("postgresql") and settings.missing_settings()[0] == "MARKETPLACE_JWT_SECRET"


def test_each_purpose_gets_its_own_key_derived_from_the_master() -> None:
    keys = signing_keys(Settings.from_env({**POSTGRES, "MARKETPLACE_JWT_SECRET": SECRET}))
    assert len({keys.tokens, keys.attribution, keys.media_urls, SECRET}) == 4
    assert keys.tokens == derive_key(SECRET, "access-tokens") and len(keys.tokens) == 64
    assert signing_keys(Settings.from_env({**POSTGRES, "MARKETPLACE_JWT_SECRET": SECRET})) == keys


def test_a_token_signed_with_another_purposes_key_or_the_master_itself_is_refused() -> None:
    keys = signing_keys(Settings.from_env({**POSTGRES, "MARKETPLACE_JWT_SECRET": SECRET}))
    tokens = JwtTokenService(keys.tokens, 900)
    assert tokens.read_access(tokens.issue_access("user-1")) == "user-1"
    for other in (keys.attribution, keys.media_urls, SECRET):
        with pytest.raises(Unauthenticated):
            tokens.read_access(JwtTokenService(other, 900).issue_access("user-1"))


def test_the_attribution_cookie_is_signed_with_its_own_key() -> None:
    keys = signing_keys(Settings.from_env({**POSTGRES, "MARKETPLACE_JWT_SECRET": SECRET}))
    from datetime import UTC, datetime

    now = datetime(2026, 12, 1, tzinfo=UTC)
    cookie = AttributionSigner(keys.tokens).sign("ABCD1234", now)
    assert AttributionSigner(keys.attribution).read(cookie, now) is None


def test_the_embedded_default_makes_a_random_development_secret_once_per_data_dir(tmp_path: Path) -> None:
    first = signing_keys(Settings.from_env({}, data_dir=str(tmp_path / "a")))
    again = signing_keys(Settings.from_env({}, data_dir=str(tmp_path / "a")))
    other = signing_keys(Settings.from_env({}, data_dir=str(tmp_path / "b")))
    assert first == again and first.tokens != other.tokens
    secret_file = tmp_path / "a" / DEVELOPMENT_SECRET_FILE
    assert len(secret_file.read_text()) >= 48 and secret_file.stat().st_mode & 0o077 == 0


def test_no_development_secret_is_made_where_the_sandboxes_are_not_served(tmp_path: Path) -> None:
    settings = Settings.from_env({**XENDIT, **GOSEND}, data_dir=str(tmp_path))
    with pytest.raises(SettingsError, match="MARKETPLACE_JWT_SECRET"):
        signing_keys(settings)
    assert not (tmp_path / DEVELOPMENT_SECRET_FILE).exists()


async def test_a_container_without_providers_starts_for_commands_that_need_none(tmp_path: Path) -> None:
    """`admin create`, `seed` or `ledger reconcile` on a half-configured deployment: the container opens,
    and asking it for a payment provider names the missing setting."""
    settings = Settings.from_env({**XENDIT, "MARKETPLACE_JWT_SECRET": SECRET}, data_dir=str(tmp_path))
    container = build_container(settings)
    await container.init_resources()
    try:
        assert await resolve(container.gosend_sandbox) is None and await resolve(container.gosend_http) is None
        with pytest.raises(SettingsError, match="MARKETPLACE_GOSEND_BASE_URL"):
            await resolve(container.shipping)
    finally:
        await container.shutdown_resources()


@pytest.mark.parametrize(
    ("variable", "switch"),
    [
        ("MARKETPLACE_PAYMENT_PROVIDER", "MARKETPLACE_PAYMENT_PROVIDER=xendit"),
        ("MARKETPLACE_SHIPPING_PROVIDER", "MARKETPLACE_SHIPPING_PROVIDER=gosend"),
    ],
)
def test_a_provider_in_memory_is_a_sandbox_a_deployment_refuses(variable: str, switch: str) -> None:
    deployment = {**POSTGRES, **REDIS, **XENDIT, **GOSEND, **SMTP, "MARKETPLACE_JWT_SECRET": SECRET}
    Settings.from_env(deployment).check_deployable()
    settings = Settings.from_env({**deployment, variable: "memory"})
    assert settings.missing_settings() == [switch]
    message = _refusal({**deployment, variable: "memory"})
    assert "\n" not in message and switch in message and "a provider in memory is a sandbox too" in message


def test_a_provider_in_memory_without_the_real_ones_settings_names_the_switch_and_every_setting() -> None:
    environ = {**POSTGRES, **GOSEND, **SMTP, "MARKETPLACE_PAYMENT_PROVIDER": "memory"}
    assert Settings.from_env(environ).missing_settings() == [
        "MARKETPLACE_JWT_SECRET",
        "MARKETPLACE_PAYMENT_PROVIDER=xendit",
        *XENDIT_NAMES,
    ]


def test_a_provider_in_memory_is_served_where_the_sandboxes_are_and_only_there() -> None:
    both = {"MARKETPLACE_PAYMENT_PROVIDER": "memory", "MARKETPLACE_SHIPPING_PROVIDER": "memory"}
    Settings.from_env(both).check_deployable()  # the embedded default on a loopback address
    Settings.from_env({**POSTGRES, **REDIS, **both, "MARKETPLACE_SANDBOX": "on"}, host="0.0.0.0").check_deployable()
    assert "MARKETPLACE_SANDBOX=off" in _refusal(
        {**both, **XENDIT, **GOSEND, "MARKETPLACE_SANDBOX": "off"}, jwt_secret=SECRET
    )
    message = _refusal(both, host="0.0.0.0")
    assert all(f"{name}=" in message for name in ("MARKETPLACE_PAYMENT_PROVIDER", "MARKETPLACE_SHIPPING_PROVIDER"))


def test_a_provider_in_memory_refused_by_the_app_factory_too() -> None:
    from marketplace.entrypoints.http.app import create_app

    settings = Settings.from_env(
        {
            **POSTGRES,
            **REDIS,
            **XENDIT,
            **GOSEND,
            **SMTP,
            "MARKETPLACE_JWT_SECRET": SECRET,
            "MARKETPLACE_PAYMENT_PROVIDER": "memory",
        }
    )
    with pytest.raises(SettingsError, match="MARKETPLACE_PAYMENT_PROVIDER=xendit"):
        create_app(settings)


def test_the_memory_backend_keeps_its_providers_in_the_process_unless_told_otherwise() -> None:
    """Tests and notebooks: nothing changes for the memory backend; a real provider asked of it needs its settings."""
    Settings.in_memory(host="0.0.0.0", jwt_secret=SECRET).check_deployable()
    settings = Settings.in_memory(host="0.0.0.0", jwt_secret=SECRET, payment_provider="xendit")
    assert settings.missing_settings() == XENDIT_NAMES and not uses_builtin_xendit(settings)
    assert uses_builtin_xendit(Settings.in_memory(payment_provider="xendit"))
