"""An in-memory payout provider with Xendit's rules (Payouts v2), for tests and notebooks.

It refuses what the Xendit sandbox refuses: a channel it does not know, an account number that is not
digits, an amount under 1 or over the 250,000,000 local-transfer limit, a currency other than IDR, an idempotency key reused for another request.
`settle` stands in for the bank: a pending payout succeeds or fails.
"""

from __future__ import annotations

import msgspec

from marketplace.adapters.sandbox.xendit.payouts import (
    MAX_ACCOUNT_DIGITS,
    MAX_LOCAL_TRANSFER,
    PAYOUT_CHANNELS,
    PAYOUT_FAILURE_CODES,
)
from marketplace.application.ports.payouts import BankAccount, PayoutRefused, PayoutStatus, ProviderPayout
from marketplace.application.ports.system import IdGenerator
from marketplace.domain.shared.money import Money


class MemoryPayoutGateway:
    def __init__(self, ids: IdGenerator) -> None:
        self._ids = ids
        self._payouts: dict[str, ProviderPayout] = {}  # in the order made
        self._keys: dict[str, tuple[tuple[object, ...], str]] = {}  # key -> (the request, the payout id)

    async def create_payout(
        self, *, reference_id: str, amount: Money, bank: BankAccount, description: str, idempotency_key: str
    ) -> ProviderPayout:
        request = (reference_id, amount, bank, description)
        known = self._keys.get(idempotency_key)
        if known is not None:
            if known[0] != request:
                raise PayoutRefused("DUPLICATE_ERROR: the idempotency key was used for another request")
            return self._payouts[known[1]]
        _check(reference_id, amount, bank)
        payout = ProviderPayout(
            id=f"disb-{self._ids.new_id()}",
            reference_id=reference_id,
            amount=amount.amount,
            currency=amount.currency,
            status=PayoutStatus.PENDING,
        )
        self._payouts[payout.id] = payout
        self._keys[idempotency_key] = (request, payout.id)
        return payout

    async def get_payout(self, payout_id: str) -> ProviderPayout | None:
        return self._payouts.get(payout_id)

    async def find_payout(self, reference_id: str) -> ProviderPayout | None:
        made = [p for p in self._payouts.values() if p.reference_id == reference_id]
        return made[-1] if made else None

    def settle(self, payout_id: str, succeeded: bool, failure_code: str = "TRANSFER_ERROR") -> ProviderPayout:
        """The bank's answer for a pending payout: succeeded, or failed with one of Xendit's failure codes."""
        payout = self._payouts.get(payout_id)
        if payout is None:
            raise KeyError(payout_id)
        if payout.status is not PayoutStatus.PENDING:
            raise PayoutRefused(f"the payout is already {payout.status.value}")
        if not succeeded and failure_code not in PAYOUT_FAILURE_CODES:
            raise ValueError(f"failure_code must be among {', '.join(PAYOUT_FAILURE_CODES)}")
        settled = msgspec.structs.replace(
            payout,
            status=PayoutStatus.SUCCEEDED if succeeded else PayoutStatus.FAILED,
            failure_code=None if succeeded else failure_code,
        )
        self._payouts[payout_id] = settled
        return settled


def _check(reference_id: str, amount: Money, bank: BankAccount) -> None:
    if not reference_id.strip() or len(reference_id) > 255:
        raise PayoutRefused("API_VALIDATION_ERROR: reference_id must have 1 to 255 characters")
    if bank.channel_code not in PAYOUT_CHANNELS:
        raise PayoutRefused(f"CHANNEL_CODE_NOT_SUPPORTED_ERROR: channel_code {bank.channel_code!r} is not supported")
    if amount.currency != "IDR":
        raise PayoutRefused(f"API_VALIDATION_ERROR: currency must be IDR for {bank.channel_code}")
    number = bank.account_number
    if not number or not number.isascii() or not number.isdigit() or len(number) > MAX_ACCOUNT_DIGITS:
        raise PayoutRefused(f"RECIPIENT_ACCOUNT_NUMBER_ERROR: account_number must be up to {MAX_ACCOUNT_DIGITS} digits")
    if amount.amount < 1:
        raise PayoutRefused(f"RECIPIENT_AMOUNT_ERROR: the amount {amount.amount} is below the minimum of 1")
    if amount.amount > MAX_LOCAL_TRANSFER:
        raise PayoutRefused(f"MAXIMUM_TRANSFER_LIMIT_ERROR: the amount is over the {MAX_LOCAL_TRANSFER} limit")
