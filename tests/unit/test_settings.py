"""Settings come from MARKETPLACE_* variables, typed and checked; a bad value names its variable."""

from __future__ import annotations

from typing import Any

import pytest

from marketplace.entrypoints.container import build_container, resolve
from marketplace.entrypoints.settings import Settings, SettingsError

SECRET = "s" * 32


def test_variables_are_parsed_into_their_types() -> None:
    settings = Settings.from_env(
        {
            "MARKETPLACE_BACKEND": "memory",
            "MARKETPLACE_ACCESS_TOKEN_SECONDS": "600",
            "MARKETPLACE_REFRESH_TOKEN_DAYS": "7",
            "MARKETPLACE_CATALOG_CACHE": "false",
            "MARKETPLACE_ACCESS_LOG": "0",
            "MARKETPLACE_PORT": "9000",
            "MARKETPLACE_PASSWORD_HASH_PROFILE": "light",
            "MARKETPLACE_CORS_ORIGINS": "https://shop.example",
        }
    )
    assert (settings.backend, settings.access_token_seconds, settings.refresh_token_days) == ("memory", 600, 7)
    assert settings.catalog_cache is False and settings.access_log is False
    assert (settings.port, settings.password_hash_profile) == (9000, "light")
    assert settings.cors_origins == "https://shop.example"


def test_unset_variables_keep_the_embedded_defaults_and_others_are_ignored() -> None:
    settings = Settings.from_env({"PATH": "/bin", "MARKETPLACE_UNKNOWN": "x", "OTHER_PORT": "1"})
    assert settings == Settings()
    assert (settings.backend, settings.port, settings.catalog_cache) == ("sql", 8000, True)
    assert settings.sql_url.startswith("sqlite+aiosqlite:///") and settings.sql_url.endswith("marketplace.db")
    assert settings.is_embedded_default and settings.serves_sandbox and settings.missing_settings() == []


def test_the_process_environment_is_read_when_no_mapping_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARKETPLACE_PORT", "8123")
    monkeypatch.setenv("MARKETPLACE_BACKEND", "memory")
    assert Settings.from_env().port == 8123


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MARKETPLACE_ACCESS_TOKEN_SECONDS", "abc"),
        ("MARKETPLACE_ACCESS_TOKEN_SECONDS", "10"),
        ("MARKETPLACE_REFRESH_TOKEN_DAYS", "0"),
        ("MARKETPLACE_PORT", "70000"),
        ("MARKETPLACE_CATALOG_CACHE", "maybe"),
        ("MARKETPLACE_BACKEND", "nosql"),
        ("MARKETPLACE_PASSWORD_HASH_PROFILE", "weak"),
        ("MARKETPLACE_DATABASE_URL", "mysql://db/marketplace"),
        ("MARKETPLACE_JWT_SECRET", "too-short"),
        ("MARKETPLACE_TRUSTED_PROXIES", "10.0.0.1, proxy.internal"),
        ("MARKETPLACE_TRUSTED_PROXIES", "10.0.0.0/33"),
        ("MARKETPLACE_PAYMENT_PROVIDER", "stripe"),
        ("MARKETPLACE_PAYMENT_PROVIDER", "gosend"),
        ("MARKETPLACE_SHIPPING_PROVIDER", "xendit"),
        ("MARKETPLACE_SHIPPING_PROVIDER", ""),
    ],
)
def test_a_bad_value_raises_settings_error_naming_the_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({variable: value})
    assert variable in str(raised.value)


def test_trusted_proxies_are_addresses_or_networks_separated_by_commas() -> None:
    settings = Settings.from_env({"MARKETPLACE_TRUSTED_PROXIES": " 10.0.0.0/8, 192.0.2.7 ,, fd00::/8"})
    assert [str(n) for n in settings.trusted_networks] == ["10.0.0.0/8", "192.0.2.7/32", "fd00::/8"]
    assert Settings().trusted_networks == ()
    assert not settings.is_embedded_default, "a proxy in front: the process is reachable from elsewhere"


def test_a_sqlite_url_is_the_embedded_default_and_needs_no_secret() -> None:
    settings = Settings.from_env({"MARKETPLACE_DATABASE_URL": "sqlite+aiosqlite:///tmp/x.db"})
    assert settings.sql_url == "sqlite+aiosqlite:///tmp/x.db" and settings.is_embedded_default
    settings.check_deployable()


def test_overrides_win_over_the_environment() -> None:
    assert Settings.from_env({"MARKETPLACE_PORT": "9000"}, port=9100).port == 9100


def test_in_memory_settings_choose_the_in_memory_adapters_and_light_hashing() -> None:
    settings = Settings.in_memory()
    assert (settings.backend, settings.password_hash_profile, settings.access_log) == ("memory", "light", False)
    assert settings.is_embedded_default and settings.serves_sandbox
    assert Settings.in_memory(catalog_cache=False).catalog_cache is False


async def test_a_container_built_from_in_memory_settings_serves_use_cases() -> None:
    container = build_container(Settings.in_memory())
    await container.init_resources()
    try:
        assert await resolve(container.engine) is None and await resolve(container.redis) is None
        await (await resolve(container.cache)).ping()
        assert (await (await resolve(container.browse_stores))(None, 20, None)).items == []
    finally:
        await container.shutdown_resources()


def test_the_providers_default_to_the_backends_and_their_own_settings_choose_them() -> None:
    assert (Settings().payments_with, Settings().shipping_with) == ("xendit", "gosend")
    assert (Settings.in_memory().payments_with, Settings.in_memory().shipping_with) == ("memory", "memory")
    chosen = Settings.from_env({"MARKETPLACE_PAYMENT_PROVIDER": "memory", "MARKETPLACE_SHIPPING_PROVIDER": "memory"})
    assert (chosen.backend, chosen.payments_with, chosen.shipping_with) == ("sql", "memory", "memory")
    real = Settings.in_memory(payment_provider="xendit", shipping_provider="gosend")
    assert (real.payments_with, real.shipping_with) == ("xendit", "gosend")


async def test_the_container_picks_the_gateways_by_the_provider_settings_not_by_the_backend(tmp_path: Any) -> None:
    from marketplace.adapters.gosend.shipping import GoSendShippingGateway
    from marketplace.adapters.memory.payments import MemoryPaymentGateway
    from marketplace.adapters.memory.payouts import MemoryPayoutGateway
    from marketplace.adapters.memory.shipping import MemoryShippingGateway
    from marketplace.adapters.xendit.payments import XenditPaymentGateway
    from marketplace.adapters.xendit.payouts import XenditPayoutGateway

    for settings, expected in (
        (
            Settings.from_env({"MARKETPLACE_PAYMENT_PROVIDER": "memory"}, data_dir=str(tmp_path / "sql")),
            (MemoryPaymentGateway, MemoryPayoutGateway, GoSendShippingGateway),
        ),
        (
            Settings.in_memory(payment_provider="xendit", data_dir=str(tmp_path / "memory")),
            (XenditPaymentGateway, XenditPayoutGateway, MemoryShippingGateway),
        ),
    ):
        container = build_container(settings)
        await container.init_resources()
        try:
            gateways = [await resolve(getattr(container, name)) for name in ("payments", "payout_gateway", "shipping")]
            assert [type(gateway) for gateway in gateways] == list(expected)
            assert (await resolve(container.xendit_sandbox) is None) is (settings.payments_with == "memory")
            assert (await resolve(container.gosend_sandbox) is None) is (settings.shipping_with == "memory")
        finally:
            await container.shutdown_resources()
    assert not (tmp_path / "memory" / "sandbox").exists(), "the memory backend's sandbox keeps nothing on disk"
