"""What a Xendit sandbox needs to know: its key, its callback token and where things are."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import httpx

INVOICE_CALLBACK_PATH = "/api/v1/webhooks/xendit/invoice"
REFUND_CALLBACK_PATH = "/api/v1/webhooks/xendit/refund"
PAYOUT_CALLBACK_PATH = "/api/v1/webhooks/xendit/payout"
XENDIT_RETRIES = 6  # Xendit retries a failed callback at most 6 times (docs/providers.md, "Xendit callbacks")
_URL = re.compile(r"https?://[^\s/]+(/\S*)?")


@dataclass(frozen=True, slots=True, kw_only=True)
class XenditSandboxConfig:
    secret_key: str  # accepted as the Basic auth user name, empty password
    callback_token: str  # sent as `x-callback-token` with every callback
    public_url: str  # where a browser reaches this sandbox; `invoice_url` is `{public_url}/web/{id}`
    callback_url: str | None = None  # the marketplace's base URL; None sends no callbacks
    refund_seconds: float = 1.0  # a pending refund succeeds by itself after this; 0: control endpoints only
    payout_seconds: float = 0.0  # an ACCEPTED payout succeeds by itself after this; 0: control endpoints only
    rate_limit: bool = False  # refuse the 61st request a minute per endpoint (headers are always sent)
    callback_retry_seconds: tuple[float, ...] = (1, 2, 4, 8, 16, 32)  # Xendit: 15m, 45m, 2h, 3h, 6h, 12h
    http: httpx.AsyncClient | None = field(default=None, compare=False, repr=False)
    state_dir: Path | None = None  # where its records are kept across restarts (xendit.json); None: in memory only
    business_id: str = "64f0c0ffee5a4d0b1a2b3c4d"  # the fake account's `user_id` / `business_id`
    merchant_name: str = "Marketplace Sandbox"

    def __post_init__(self) -> None:
        if not self.secret_key or not self.callback_token:
            raise ValueError("the Xendit sandbox needs a secret key and a callback token")
        for name in ("public_url", "callback_url"):
            value = getattr(self, name)
            if value is not None and not _URL.fullmatch(value):
                raise ValueError(f"{name} must be an http(s) URL, not {value!r}")
        if not 0 <= self.refund_seconds <= 86_400:
            raise ValueError("refund_seconds must be from 0 to 86400")
        if not 0 <= self.payout_seconds <= 86_400:
            raise ValueError("payout_seconds must be from 0 to 86400")
        if len(self.callback_retry_seconds) > XENDIT_RETRIES or any(s < 0 for s in self.callback_retry_seconds):
            raise ValueError(f"callback_retry_seconds: at most {XENDIT_RETRIES} delays, none negative")
        if not re.fullmatch(r"[0-9a-f]{24}", self.business_id):
            raise ValueError("business_id must be 24 lowercase hex characters, like Xendit's")

    @property
    def base_url(self) -> str:
        return self.public_url.rstrip("/")

    def callback(self, path: str) -> str | None:
        return None if self.callback_url is None else self.callback_url.rstrip("/") + path
