"""The PayoutGateway port on Xendit's Payouts v2 API (httpx).

Facts from docs/providers.md ("Xendit base URL and auth", "Xendit idempotency", "Xendit errors",
"Xendit payouts") and the Payouts v2 SDK docs: Basic auth with the secret key;
`POST /v2/payouts` with the required `Idempotency-key` header, `GET /v2/payouts/{id}`, and
`GET /v2/payouts?reference_id=` answering `{"data": [...], "has_more"}` newest first; errors as
`{"error_code", "message"}`. Every create carries its idempotency key, which Xendit keeps for good, so a
create may be retried after a timeout or a 5xx without paying twice; reads are safe to retry as they are.
The client is the one `xendit_client` makes for payments (same base URL, key and timeouts).
"""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

import httpx
import msgspec

from marketplace.adapters.deadlines import within
from marketplace.adapters.xendit.payments import DEADLINE_SECONDS, RETRIES, XenditError, xendit_client
from marketplace.application.errors import BackendUnavailable
from marketplace.application.ports.payouts import BankAccount, PayoutRefused, PayoutStatus, ProviderPayout
from marketplace.domain.shared.money import Money

__all__ = ["PAYOUT_STATUS", "XenditPayoutGateway", "payout_of", "xendit_client"]

log = logging.getLogger("marketplace.payouts.xendit")

PAYOUT_STATUS = {
    "ACCEPTED": PayoutStatus.PENDING,
    "REQUESTED": PayoutStatus.PENDING,
    "LOCKED": PayoutStatus.PENDING,
    "SUCCEEDED": PayoutStatus.SUCCEEDED,
    "FAILED": PayoutStatus.FAILED,
    "CANCELLED": PayoutStatus.FAILED,
    "REVERSED": PayoutStatus.FAILED,
}


def payout_of(body: dict[str, Any]) -> ProviderPayout:
    """A payout object (or a payout webhook's `data`) as the port's ProviderPayout. A failed payout without
    a failure code (CANCELLED, REVERSED) carries its status as the code, so the reason is never lost; a
    status Xendit adds later is read as pending (not final) and logged."""
    raw = str(body["status"]).upper()
    status = PAYOUT_STATUS.get(raw)
    if status is None:
        log.warning("Xendit payout %s has an unknown status %r; treated as pending", body.get("id"), raw)
        status = PayoutStatus.PENDING
    failure_code = body.get("failure_code") or (raw if status is PayoutStatus.FAILED else None)
    return ProviderPayout(
        id=str(body["id"]),
        reference_id=str(body.get("reference_id") or ""),
        amount=int(body["amount"]),
        currency=str(body.get("currency") or "IDR"),
        status=status,
        failure_code=None if failure_code is None else str(failure_code),
    )


class XenditPayoutGateway:
    def __init__(self, client: httpx.AsyncClient, *, deadline_seconds: float = DEADLINE_SECONDS) -> None:
        """`client` carries the base URL, the Basic auth and the timeouts (see `xendit_client`); a call, tries
        included, ends within `deadline_seconds`."""
        self._client = client
        self._deadline = deadline_seconds

    async def create_payout(
        self, *, reference_id: str, amount: Money, bank: BankAccount, description: str, idempotency_key: str
    ) -> ProviderPayout:
        body = {
            "reference_id": reference_id,
            "channel_code": bank.channel_code,
            "channel_properties": {
                "account_number": bank.account_number,
                "account_holder_name": bank.account_holder_name,
            },
            "amount": amount.amount,
            "currency": amount.currency,
            "description": description,
        }
        answer = await self._call("POST", "/v2/payouts", json=body, headers={"Idempotency-key": idempotency_key})
        return payout_of(answer.json())

    async def get_payout(self, payout_id: str) -> ProviderPayout | None:
        answer = await self._call("GET", f"/v2/payouts/{payout_id}", missing_ok=True)
        return None if answer is None else payout_of(answer.json())

    async def find_payout(self, reference_id: str) -> ProviderPayout | None:
        """The newest payout under `reference_id`: Xendit lists them newest first; `created` decides if not."""
        answer = await self._call("GET", "/v2/payouts", params={"reference_id": reference_id}, missing_ok=True)
        if answer is None:
            return None
        listed = answer.json()
        found = listed.get("data", []) if isinstance(listed, dict) else listed  # a bare array, too
        if not found:
            return None
        return payout_of(max(found, key=lambda p: str(p.get("created") or "")))

    async def _call(self, method: str, path: str, *, missing_ok: bool = False, **kwargs: Any) -> Any:
        tries = self._tries(method, path, missing_ok=missing_ok, **kwargs)
        return await within(self._deadline, "payout provider", tries)

    async def _tries(self, method: str, path: str, *, missing_ok: bool = False, **kwargs: Any) -> Any:
        """One request, retried on timeouts, connection errors, 429 and 5xx (the idempotency key makes the
        create safe to repeat); a 4xx is the provider's refusal and is not retried."""
        for attempt in range(RETRIES + 1):
            try:
                answer = await self._client.request(method, path, **kwargs)
            except httpx.HTTPError as error:
                if attempt == RETRIES:
                    raise BackendUnavailable(
                        f"the payout provider could not be reached ({type(error).__name__})"
                    ) from error
                await asyncio.sleep(_pause(attempt, None))
                continue
            if answer.status_code < 300:
                return answer
            if answer.status_code == 404 and missing_ok:
                return None
            if answer.status_code == 429 or answer.status_code >= 500:
                if attempt == RETRIES:
                    raise BackendUnavailable(f"the payout provider answered {answer.status_code}; try again later")
                await asyncio.sleep(_pause(attempt, answer))
                continue
            problem = _problem(answer)
            if answer.status_code in (401, 403):
                # Our credentials are wrong, suspended or lack Money-out permission: say so loudly.
                log.error("Xendit refused our credentials for payouts: %s %s", problem.error_code, problem.message)
                raise BackendUnavailable("the payout provider is not available (credentials refused)")
            raise PayoutRefused(f"{problem.error_code}: {problem.message}".strip(": "))
        raise AssertionError("unreachable")


def _pause(attempt: int, answer: httpx.Response | None) -> float:
    if answer is not None and answer.status_code == 429:
        try:
            return min(5.0, float(answer.headers.get("Rate-Limit-Reset", "1")))
        except ValueError:
            return 1.0
    return random.uniform(0.5, 1.0) * 0.2 * 2.0**attempt


def _problem(answer: httpx.Response) -> XenditError:
    try:
        return msgspec.json.decode(answer.content, type=XenditError)
    except msgspec.DecodeError:
        return XenditError(error_code=f"HTTP_{answer.status_code}", message=answer.text[:200])
