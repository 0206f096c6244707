"""What a setup must set where the built-in sandboxes are not served, and the one-line refusal that names
it (docs/architecture.md, "The deployment rule"); `Settings.missing_settings` and `check_deployable` ask
here. The providers' settings, and a mail server: nothing is sent from a folder in a real shop."""

from __future__ import annotations

from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

PREFIX = "MARKETPLACE_"
PROVIDERS = (
    ("PAYMENT_PROVIDER", "payments_with", "xendit", ("base_url", "secret_key", "callback_token")),
    ("SHIPPING_PROVIDER", "shipping_with", "gosend", ("base_url", "client_id", "pass_key", "webhook_token")),
)


class Setup(Protocol):
    """The parts of Settings the rule reads (settings.py)."""

    @property
    def backend(self) -> str: ...

    @property
    def sandbox(self) -> str: ...

    @property
    def host(self) -> str: ...

    @property
    def jwt_secret(self) -> str | None: ...

    @property
    def smtp_url(self) -> str | None: ...

    @property
    def mail_from(self) -> str | None: ...

    @property
    def serves_sandbox(self) -> bool: ...

    @property
    def is_embedded_default(self) -> bool: ...

    @property
    def external_parts(self) -> list[str]: ...


def url_sender(smtp_url: str | None) -> str | None:
    """The `?from=` of an SMTP URL, if it has one."""
    values = parse_qs(urlsplit(smtp_url).query).get("from", []) if smtp_url else []
    return values[-1] if values else None


def missing_settings(setup: Setup) -> list[str]:
    """The variables a setup without the sandboxes must set and has not; a provider in memory on the SQL
    backend must be set to the real one (`MARKETPLACE_PAYMENT_PROVIDER=xendit`), with its settings."""
    if setup.serves_sandbox:
        return []
    missing = [f"{PREFIX}JWT_SECRET"] if setup.jwt_secret is None else []
    values: Any = setup  # the provider settings are read by name
    for variable, chosen, real, names in PROVIDERS:
        used = getattr(values, chosen)
        if used == "memory" and setup.backend == "memory":
            continue  # the memory backend's providers may live in the process (tests, notebooks)
        if used == "memory":
            missing.append(f"{PREFIX}{variable}={real}")
        missing += [f"{PREFIX}{real}_{name}".upper() for name in names if getattr(values, f"{real}_{name}") is None]
    return missing + missing_mail_settings(setup)


def missing_mail_settings(setup: Setup) -> list[str]:
    """A mail server and a sender; the memory backend may keep its mail in the process, like its providers."""
    if setup.smtp_url is None and setup.backend == "memory":
        return []
    missing = [f"{PREFIX}SMTP_URL"] if setup.smtp_url is None else []
    if setup.mail_from is None and url_sender(setup.smtp_url) is None:
        missing.append(f"{PREFIX}MAIL_FROM")
    return missing


def refusal(setup: Setup, missing: list[str]) -> str:
    """Why a setup missing `missing` may not serve, and what to set, on one line."""
    if setup.sandbox == "off":
        why = f"{PREFIX}SANDBOX=off serves no sandbox and no development secret"
    elif setup.is_embedded_default:
        why = (
            f"the built-in provider sandboxes and development secrets are served only on a loopback address, "
            f"and {setup.host or 'every address'} is not one; for a demo on your network run with "
            f"{PREFIX}SANDBOX=on (e.g. `MARKETPLACE_SANDBOX=on make serve HOST={setup.host or '0.0.0.0'}`: "
            f"anyone who reaches it can pay any invoice and move any parcel)"
        )
    else:
        why = (
            f"this is not the embedded default ({', '.join(setup.external_parts)}), so the built-in provider "
            f"sandboxes and development secrets are off ({PREFIX}SANDBOX=on serves them anyway, for a demo)"
        )
    if any(name.endswith(("=xendit", "=gosend")) for name in missing):
        why += " (a provider in memory is a sandbox too)"
    return f"refusing to start: {why}; set {', '.join(missing)}"
