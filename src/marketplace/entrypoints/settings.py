"""Settings from MARKETPLACE_* environment variables, validated by msgspec."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from email.utils import parseaddr
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import msgspec

from marketplace.entrypoints import deployment_rule
from marketplace.entrypoints.deployment_rule import PREFIX as PREFIX
from marketplace.entrypoints.deployment_rule import url_sender
from marketplace.entrypoints.networks import IPNetwork, is_loopback, parse_networks

# The built-in sandboxes' credentials, used only where the sandboxes are served (never accepted by the
# real providers, never accepted anywhere else: see `Settings.serves_sandbox`).
DEV_XENDIT_KEY = "xnd_development_embedded_sandbox"
DEV_XENDIT_TOKEN = "embedded-sandbox-callback-token"
# The built-in GoSend sandbox's credentials and webhook token on the embedded default.
DEV_GOSEND_CLIENT_ID = "marketplace-engine"
DEV_GOSEND_PASS_KEY = "embedded-sandbox-pass-key"
DEV_GOSEND_TOKEN = "embedded-sandbox-gosend-token"
DEV_MAIL_FROM = "Marketplace <no-reply@localhost>"  # the .eml files' sender where the sandboxes serve


class SettingsError(ValueError):
    """A MARKETPLACE_* variable has a value we cannot use; the message names it."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    backend: Literal["sql", "memory"] = "sql"
    data_dir: str = "./var"
    database_url: str | None = None
    database_pool_size: int = 20
    redis_url: str | None = None
    redis_prefix: str = "mp:"
    mongo_url: str | None = None
    s3_endpoint: str | None = None
    s3_access_key: str | None = None
    s3_secret_key: str | None = None
    s3_bucket: str = "marketplace"
    s3_region: str = "us-east-1"
    s3_secure: bool = True
    public_url: str | None = None
    sandbox: Literal["auto", "on", "off"] = "auto"
    jwt_secret: str | None = None  # the master secret: every signing key is derived from it (secrets.py)
    access_token_seconds: int = msgspec.field(default=900)
    refresh_token_days: int = 30
    auth_rate_limit: int = 30
    trusted_proxies: str = ""  # addresses or networks whose X-Forwarded-For names the real client
    metrics_token: str | None = None
    catalog_cache: bool = True
    catalog_cache_seconds: int = 300
    password_hash_profile: Literal["standard", "light"] = "standard"
    cors_origins: str = "*"
    access_log: bool = True
    host: str = "127.0.0.1"
    port: int = 8000
    invoice_duration_seconds: int = 86_400
    # Unset: the backend's (memory on the memory backend); read through `payments_with`, `shipping_with`.
    payment_provider: Literal["xendit", "memory"] | None = None
    shipping_provider: Literal["gosend", "memory"] | None = None
    xendit_base_url: str | None = None  # unset: the sandbox built into this process
    xendit_secret_key: str | None = None
    xendit_callback_token: str | None = None
    sandbox_rate_limit: bool = False
    sandbox_refund_seconds: float = 1.0
    gosend_base_url: str | None = None  # unset: the sandbox built into this process
    gosend_client_id: str | None = None
    gosend_pass_key: str | None = None
    gosend_webhook_header: str = "Authorization"
    gosend_webhook_token: str | None = None
    gosend_sandbox_pace_seconds: float = 0.0
    order_autocomplete_seconds: int = 604_800
    shipment_poll_seconds: int = 300  # a live booking unheard of this long is asked about
    chat_max_body: int = 4000
    chat_rate_limit: int = 60  # messages per minute per user
    review_edit_seconds: int = 604_800
    platform_fee_bps: int = 500
    affiliate_window_days: int = 30
    payout_minimum: int = 10_000
    sandbox_payout_seconds: float = 0.0
    run_worker: bool = True  # `serve --no-worker` turns it off when separate workers run
    outbox_max_attempts: int = 8
    worker_idle_seconds: float = 0.5
    media_cleanup_grace_hours: int = 24
    smtp_url: str | None = None  # smtp://user:pass@host:587 (STARTTLS when offered), smtps://host:465
    mail_from: str | None = None  # unset: the SMTP URL's ?from=

    def __post_init__(self) -> None:
        checks = {
            "access_token_seconds": 30 <= self.access_token_seconds <= 86_400,
            "refresh_token_days": 1 <= self.refresh_token_days <= 365,
            "auth_rate_limit": 1 <= self.auth_rate_limit <= 1_000_000,
            "catalog_cache_seconds": 1 <= self.catalog_cache_seconds <= 86_400,
            "port": 0 <= self.port <= 65_535,
            "database_pool_size": 1 <= self.database_pool_size <= 500,
            "invoice_duration_seconds": 1 <= self.invoice_duration_seconds <= 31_536_000,
            "outbox_max_attempts": 1 <= self.outbox_max_attempts <= 100,
            "worker_idle_seconds": 0.01 <= self.worker_idle_seconds <= 60,
            "media_cleanup_grace_hours": 1 <= self.media_cleanup_grace_hours <= 24 * 365,
            "gosend_sandbox_pace_seconds": 0 <= self.gosend_sandbox_pace_seconds <= 86_400,
            "order_autocomplete_seconds": 1 <= self.order_autocomplete_seconds <= 31_536_000,
            "shipment_poll_seconds": 1 <= self.shipment_poll_seconds <= 86_400,
            "chat_max_body": 1 <= self.chat_max_body <= 100_000,
            "chat_rate_limit": 1 <= self.chat_rate_limit <= 100_000,
            "review_edit_seconds": 0 <= self.review_edit_seconds <= 31_536_000,
            "platform_fee_bps": 0 <= self.platform_fee_bps <= 10_000,
            "affiliate_window_days": 1 <= self.affiliate_window_days <= 3650,
            "payout_minimum": 1 <= self.payout_minimum <= 1_000_000_000,
            "sandbox_payout_seconds": 0 <= self.sandbox_payout_seconds <= 86_400,
        }
        for name, ok in checks.items():
            if not ok:
                raise SettingsError(f"{PREFIX}{name.upper()} is out of range")
        if self.database_url is not None and not re.match(
            r"^(postgresql\+asyncpg|sqlite\+aiosqlite)://", self.database_url
        ):
            raise SettingsError(f"{PREFIX}DATABASE_URL must start with postgresql+asyncpg:// or sqlite+aiosqlite://")
        if self.jwt_secret is not None and len(self.jwt_secret) < 32:
            raise SettingsError(f"{PREFIX}JWT_SECRET must have at least 32 characters")
        if self.s3_endpoint is not None and (not self.s3_access_key or not self.s3_secret_key):
            raise SettingsError(
                f"{PREFIX}S3_ACCESS_KEY and {PREFIX}S3_SECRET_KEY are required with {PREFIX}S3_ENDPOINT"
            )
        if self.xendit_base_url is not None and (not self.xendit_secret_key or not self.xendit_callback_token):
            raise SettingsError(
                f"{PREFIX}XENDIT_SECRET_KEY and {PREFIX}XENDIT_CALLBACK_TOKEN are required with {PREFIX}XENDIT_BASE_URL"
            )
        if self.gosend_base_url is not None and not all(
            (self.gosend_client_id, self.gosend_pass_key, self.gosend_webhook_token)
        ):
            raise SettingsError(
                f"{PREFIX}GOSEND_CLIENT_ID, {PREFIX}GOSEND_PASS_KEY and {PREFIX}GOSEND_WEBHOOK_TOKEN are "
                f"required with {PREFIX}GOSEND_BASE_URL"
            )
        if self.smtp_url is not None and not re.match(r"^smtps?://[^/?#\s]+", self.smtp_url):
            raise SettingsError(f"{PREFIX}SMTP_URL must be an smtp:// or smtps:// URL with a host")
        for variable, sender in (("MAIL_FROM", self.mail_from), ("SMTP_URL's ?from=", url_sender(self.smtp_url))):
            if sender is not None and "@" not in parseaddr(sender)[1]:
                raise SettingsError(f"{PREFIX}{variable} must be an email address")
        if not re.fullmatch(r"[A-Za-z0-9-]{1,64}", self.gosend_webhook_header):
            raise SettingsError(f"{PREFIX}GOSEND_WEBHOOK_HEADER must be an HTTP header name")
        if not 0 <= self.sandbox_refund_seconds <= 86_400:
            raise SettingsError(f"{PREFIX}SANDBOX_REFUND_SECONDS is out of range")
        if self.public_url is not None and not re.match(r"^https?://[^/?#\s]+", self.public_url):
            raise SettingsError(f"{PREFIX}PUBLIC_URL must be an http(s) URL with a host")
        try:  # a bad entry stops the start, not the first forwarded request
            parse_networks(self.trusted_proxies)
        except ValueError as error:
            raise SettingsError(f"{PREFIX}TRUSTED_PROXIES: {error}") from None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        environ = os.environ if environ is None else environ
        fields = set(cls.__struct_fields__)
        raw: dict[str, object] = {
            key[len(PREFIX) :].lower(): value
            for key, value in environ.items()
            if key.startswith(PREFIX) and key[len(PREFIX) :].lower() in fields
        }
        raw.update(overrides)
        try:
            return msgspec.convert(raw, cls, strict=False)
        except msgspec.ValidationError as error:
            if str(error).startswith(PREFIX):
                raise SettingsError(str(error)) from None
            match = re.search(r"\$\.(\w+)", str(error))
            name = f"{PREFIX}{match.group(1).upper()}" if match else "a MARKETPLACE_ variable"
            raise SettingsError(f"{name}: {str(error).split(' - at ')[0]}") from None

    @classmethod
    def in_memory(cls, **overrides: object) -> Settings:
        """Every port on its in-memory adapter: for tests and notebooks."""
        values: dict[str, object] = {"backend": "memory", "password_hash_profile": "light", "access_log": False}
        values.update(overrides)
        return msgspec.convert(values, cls, strict=False)

    @property
    def is_embedded_default(self) -> bool:
        """Nothing outside this process is configured: SQLite (or memory), no Redis, MongoDB, S3 or provider
        URL, and no public URL naming another host (a proxy in front would expose the process)."""
        return not self.external_parts

    @property
    def external_parts(self) -> list[str]:
        """What makes this setup more than the embedded default, in words, for messages."""
        parts = []
        if self.backend == "sql" and not self.sql_url.startswith("sqlite"):
            parts.append("PostgreSQL")
        for name, words in (
            ("redis_url", "Redis"),
            ("mongo_url", "MongoDB"),
            ("s3_endpoint", "S3"),
            ("xendit_base_url", "a Xendit URL"),
            ("gosend_base_url", "a GoSend URL"),
        ):
            if getattr(self, name) is not None:
                parts.append(words)
        if self.public_url is not None and not is_loopback(urlsplit(self.public_url).hostname or ""):
            parts.append(f"the public URL {self.public_url}")
        if self.trusted_proxies.strip():
            parts.append("a proxy in front (MARKETPLACE_TRUSTED_PROXIES)")
        return parts

    @property
    def serves_sandbox(self) -> bool:
        """Whether the built-in provider sandboxes (and development secrets, for whatever is not set) are
        served: `on` says so anywhere; `auto` only on the embedded default bound to a loopback address."""
        if self.sandbox != "auto":
            return self.sandbox == "on"
        return self.is_embedded_default and is_loopback(self.host)

    @property
    def payments_with(self) -> Literal["xendit", "memory"]:
        """MARKETPLACE_PAYMENT_PROVIDER (payments, refunds, payouts); unset, memory on the memory backend."""
        return self.payment_provider or ("memory" if self.backend == "memory" else "xendit")

    @property
    def shipping_with(self) -> Literal["gosend", "memory"]:
        """MARKETPLACE_SHIPPING_PROVIDER; unset, memory on the memory backend."""
        return self.shipping_provider or ("memory" if self.backend == "memory" else "gosend")

    def missing_settings(self) -> list[str]:
        """What a setup without the sandboxes must set and has not (deployment_rule.py)."""
        return deployment_rule.missing_settings(self)

    def check_deployable(self) -> None:
        """Refuses (SettingsError, one line) a setup that would serve without a setting it needs."""
        missing = self.missing_settings()
        if missing:
            raise SettingsError(deployment_rule.refusal(self, missing))

    def _development(self, value: str, variable: str) -> str:
        if not self.serves_sandbox:
            raise SettingsError(f"{PREFIX}{variable} is required where the built-in sandboxes are not served")
        return value

    @property
    def trusted_networks(self) -> tuple[IPNetwork, ...]:
        return parse_networks(self.trusted_proxies)

    @property
    def sql_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{Path(self.data_dir).resolve() / 'marketplace.db'}"

    @property
    def mail_sender(self) -> str:
        """MARKETPLACE_MAIL_FROM, else the SMTP URL's ?from=, else (where the sandboxes serve) a development one."""
        return self.mail_from or url_sender(self.smtp_url) or self._development(DEV_MAIL_FROM, "MAIL_FROM")

    @property
    def xendit_key(self) -> str:
        return self.xendit_secret_key or self._development(DEV_XENDIT_KEY, "XENDIT_SECRET_KEY")

    @property
    def xendit_token(self) -> str:
        return self.xendit_callback_token or self._development(DEV_XENDIT_TOKEN, "XENDIT_CALLBACK_TOKEN")

    @property
    def gosend_client(self) -> str:
        return self.gosend_client_id or self._development(DEV_GOSEND_CLIENT_ID, "GOSEND_CLIENT_ID")

    @property
    def gosend_key(self) -> str:
        return self.gosend_pass_key or self._development(DEV_GOSEND_PASS_KEY, "GOSEND_PASS_KEY")

    @property
    def gosend_token(self) -> str:
        return self.gosend_webhook_token or self._development(DEV_GOSEND_TOKEN, "GOSEND_WEBHOOK_TOKEN")

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")
