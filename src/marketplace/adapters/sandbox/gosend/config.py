"""What a GoSend sandbox needs to know: its partner credentials, its webhook token and where things are."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import httpx

WEBHOOK_PATH = "/api/v1/webhooks/gosend"
MAX_RETRIES = 10  # GoSend's retry policy is not known (docs/providers.md, "GoSend webhook"); a sandbox keeps it short
_URL = re.compile(r"https?://[^\s/]+(/\S*)?")
_HEADER = re.compile(r"[A-Za-z0-9-]{1,64}")


@dataclass(frozen=True, slots=True, kw_only=True)
class GoSendSandboxConfig:
    client_id: str  # the API routes need `Client-ID` equal to this ...
    pass_key: str  # ... and `Pass-Key` equal to this, else 401
    webhook_token: str  # sent as the value of `webhook_header` with every webhook
    webhook_header: str = "Authorization"
    public_url: str = "http://127.0.0.1:8011"  # liveTrackingUrl is `{public_url}/_sandbox/track/{orderNo}`
    callback_url: str | None = None  # the marketplace's base URL; None sends no webhooks
    pace_seconds: float = 0.0  # >0: each live booking moves one happy-path step this often; 0: control only
    callback_retry_seconds: tuple[float, ...] = (1, 2, 4, 8, 16, 32)
    http: httpx.AsyncClient | None = field(default=None, compare=False, repr=False)
    first_id: int | None = None  # the first booking's id; None: the time in ms, so a restart never repeats one
    state_dir: Path | None = None  # where its records are kept across restarts (gosend.json); None: in memory only

    def __post_init__(self) -> None:
        if not self.client_id or not self.pass_key or not self.webhook_token:
            raise ValueError("the GoSend sandbox needs a client id, a pass key and a webhook token")
        if not _HEADER.fullmatch(self.webhook_header):
            raise ValueError(f"webhook_header must be an HTTP header name, not {self.webhook_header!r}")
        for name in ("public_url", "callback_url"):
            value = getattr(self, name)
            if value is not None and not _URL.fullmatch(value):
                raise ValueError(f"{name} must be an http(s) URL, not {value!r}")
        if self.first_id is not None and not 1 <= self.first_id < 10**15:
            raise ValueError("first_id must be a positive id")
        if not 0 <= self.pace_seconds <= 86_400:
            raise ValueError("pace_seconds must be from 0 to 86400")
        if len(self.callback_retry_seconds) > MAX_RETRIES or any(s < 0 for s in self.callback_retry_seconds):
            raise ValueError(f"callback_retry_seconds: at most {MAX_RETRIES} delays, none negative")

    @property
    def base_url(self) -> str:
        return self.public_url.rstrip("/")

    @property
    def webhook_url(self) -> str | None:
        return None if self.callback_url is None else self.callback_url.rstrip("/") + WEBHOOK_PATH

    def tracking_url(self, order_no: str) -> str:
        return f"{self.base_url}/_sandbox/track/{order_no}"
