"""The attribution cookie: which link was clicked last, and when, signed so it cannot be forged or
moved in time. A tampered, malformed or expired cookie is simply not an attribution."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

COOKIE = "mp_ref"


@dataclass(frozen=True, slots=True)
class Attribution:
    code: str
    clicked_at: datetime


@dataclass(frozen=True, slots=True)
class AttributionSigner:
    key: str
    window: timedelta = timedelta(days=30)

    def sign(self, code: str, clicked_at: datetime) -> str:
        payload = f"{code}.{int(clicked_at.timestamp())}"
        return f"{payload}.{self._mac(payload)}"

    def read(self, cookie: str | None, now: datetime) -> Attribution | None:
        if not cookie or len(cookie) > 200:
            return None
        payload, _, mac = cookie.rpartition(".")
        code, _, stamp = payload.partition(".")
        if not payload or not hmac.compare_digest(mac.encode(), self._mac(payload).encode()):
            return None
        try:
            clicked_at = datetime.fromtimestamp(int(stamp), UTC)
        except (ValueError, OverflowError, OSError):
            return None
        if not code or clicked_at > now + timedelta(minutes=5) or now - clicked_at > self.window:
            return None
        return Attribution(code, clicked_at)

    def _mac(self, payload: str) -> str:
        digest = hmac.new(f"attribution:{self.key}".encode(), payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:18]).decode()
