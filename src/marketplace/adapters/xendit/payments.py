"""The PaymentGateway port on Xendit's Invoices v2 and Refunds APIs (httpx).

Facts from docs/providers.md, "Xendit": Basic auth with the secret key as user name; invoices at
`/v2/invoices`, expiry at `POST /invoices/{id}/expire!`; refunds at `/refunds`; errors as
`{"error_code", "message"}`; 429 with `Rate-Limit-Reset`. Every create carries an idempotency key,
so a create may be retried after a timeout or a 5xx without charging or refunding twice; reads and
expiry are safe to retry as they are. A call, tries included, ends within DEADLINE_SECONDS: against a
provider that hangs, four tries of a 10 s read timeout once held a checkout or a worker ~40 s.
"""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import datetime
from typing import Any

import httpx
import msgspec

from marketplace.adapters.deadlines import within
from marketplace.application.errors import BackendUnavailable
from marketplace.application.ports.payments import (
    Invoice,
    InvoiceStatus,
    PaymentRefused,
    Refund,
    RefundStatus,
    most_telling,
)
from marketplace.domain.shared.money import Money

log = logging.getLogger("marketplace.payments.xendit")

INVOICE_STATUS = {
    "PENDING": InvoiceStatus.PENDING,
    "PAID": InvoiceStatus.PAID,
    "SETTLED": InvoiceStatus.PAID,
    "EXPIRED": InvoiceStatus.EXPIRED,
}
REFUND_STATUS = {"PENDING": RefundStatus.PENDING, "SUCCEEDED": RefundStatus.SUCCEEDED, "FAILED": RefundStatus.FAILED}
RETRIES = 3
# One try waits at most 3 s to connect and 8 s between bytes of the answer (Xendit answers in about a
# second); a whole call, tries and pauses included, at most 15 s (below the worker's 20 s per handler).
TIMEOUT = httpx.Timeout(8.0, connect=3.0)
DEADLINE_SECONDS = 15.0


class XenditError(msgspec.Struct):
    error_code: str = "UNKNOWN"
    message: str = ""


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def invoice_of(body: dict[str, Any]) -> Invoice:
    return Invoice(
        id=str(body["id"]),
        external_id=str(body.get("external_id", "")),
        amount=int(body["amount"]),
        currency=str(body.get("currency") or "IDR"),
        status=INVOICE_STATUS[str(body["status"]).upper()],
        invoice_url=str(body.get("invoice_url", "")),
        expires_at=parse_time(str(body["expiry_date"])),
    )


def refund_of(body: dict[str, Any]) -> Refund:
    metadata = body.get("metadata") or {}
    return Refund(
        id=str(body["id"]),
        invoice_id=str(body.get("invoice_id") or ""),
        amount=int(body["amount"]),
        currency=str(body.get("currency") or "IDR"),
        status=REFUND_STATUS[str(body["status"]).upper()],
        reason=str(metadata.get("reason") or body.get("reason") or ""),
    )


class XenditPaymentGateway:
    def __init__(self, client: httpx.AsyncClient, *, deadline_seconds: float = DEADLINE_SECONDS) -> None:
        """`client` carries the base URL, the Basic auth and the timeouts (see `xendit_client`)."""
        self._client = client
        self._deadline = deadline_seconds

    async def create_invoice(
        self,
        *,
        external_id: str,
        amount: Money,
        description: str,
        payer_email: str,
        duration_seconds: int,
        idempotency_key: str,
    ) -> Invoice:
        body = {
            "external_id": external_id,
            "amount": amount.amount,
            "currency": amount.currency,
            "description": description,
            "payer_email": payer_email,
            "invoice_duration": duration_seconds,
        }
        answer = await self._call("POST", "/v2/invoices", json=body, headers={"X-IDEMPOTENCY-KEY": idempotency_key})
        return invoice_of(answer.json())

    async def get_invoice(self, invoice_id: str) -> Invoice | None:
        answer = await self._call("GET", f"/v2/invoices/{invoice_id}", missing_ok=True)
        return None if answer is None else invoice_of(answer.json())

    async def find_invoice(self, external_id: str) -> Invoice | None:
        answer = await self._call("GET", "/v2/invoices", params={"external_id": external_id, "limit": 10})
        found = answer.json()
        if not isinstance(found, list):
            raise BackendUnavailable("the payment provider answered an invoice search with something else than a list")
        return most_telling([invoice_of(item) for item in found if isinstance(item, dict)])

    async def expire_invoice(self, invoice_id: str) -> Invoice:
        answer = await self._call("POST", f"/invoices/{invoice_id}/expire!")
        return invoice_of(answer.json())

    async def create_refund(self, *, invoice_id: str, amount: Money, reason: str, idempotency_key: str) -> Refund:
        body = {
            "invoice_id": invoice_id,
            "reference_id": idempotency_key,
            "amount": amount.amount,
            "currency": amount.currency,
            "reason": "CANCELLATION",
            "metadata": {"reason": reason[:500]},
        }
        answer = await self._call("POST", "/refunds", json=body, headers={"idempotency-key": idempotency_key})
        return refund_of(answer.json())

    async def get_refund(self, refund_id: str) -> Refund | None:
        answer = await self._call("GET", f"/refunds/{refund_id}", missing_ok=True)
        return None if answer is None else refund_of(answer.json())

    async def _call(self, method: str, path: str, *, missing_ok: bool = False, **kwargs: Any) -> Any:
        tries = self._tries(method, path, missing_ok=missing_ok, **kwargs)
        return await within(self._deadline, "payment provider", tries)

    async def _tries(self, method: str, path: str, *, missing_ok: bool = False, **kwargs: Any) -> Any:
        """One request, retried on timeouts, connection errors, 429 and 5xx (every call here is safe
        to repeat); a 4xx is the provider's refusal and is not retried."""
        for attempt in range(RETRIES + 1):
            try:
                answer = await self._client.request(method, path, **kwargs)
            except httpx.HTTPError as error:
                if attempt == RETRIES:
                    raise BackendUnavailable(
                        f"the payment provider could not be reached ({type(error).__name__})"
                    ) from error
                await asyncio.sleep(self._pause(attempt, None))
                continue
            if answer.status_code < 300:
                return answer
            if answer.status_code == 404 and missing_ok:
                return None
            if answer.status_code == 429 or answer.status_code >= 500:
                if attempt == RETRIES:
                    raise BackendUnavailable(f"the payment provider answered {answer.status_code}; try again later")
                await asyncio.sleep(self._pause(attempt, answer))
                continue
            problem = _error(answer)
            if answer.status_code in (401, 403):
                # Our credentials are wrong or suspended: nothing the buyer can change; say so loudly.
                log.error("Xendit refused our credentials: %s %s", problem.error_code, problem.message)
                raise BackendUnavailable("the payment provider is not available (credentials refused)")
            raise PaymentRefused(f"{problem.error_code}: {problem.message}".strip(": "))
        raise AssertionError("unreachable")

    @staticmethod
    def _pause(attempt: int, answer: httpx.Response | None) -> float:
        if answer is not None and answer.status_code == 429:
            try:
                return min(5.0, float(answer.headers.get("Rate-Limit-Reset", "1")))
            except ValueError:
                return 1.0
        return random.uniform(0.5, 1.0) * 0.2 * 2.0**attempt


def _error(answer: httpx.Response) -> XenditError:
    try:
        return msgspec.json.decode(answer.content, type=XenditError)
    except msgspec.DecodeError:
        return XenditError(error_code=f"HTTP_{answer.status_code}", message=answer.text[:200])


def xendit_client(
    base_url: str, secret_key: str, *, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=base_url.rstrip("/"),
        auth=httpx.BasicAuth(secret_key, ""),
        transport=transport,
        timeout=TIMEOUT,
        headers={"Accept": "application/json"},
    )
