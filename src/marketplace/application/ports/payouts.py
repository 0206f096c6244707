"""Money out: payouts to sellers' and affiliates' bank accounts or e-wallets through the provider.

Errors: `BackendUnavailable` when the provider cannot be reached or answers 5xx (try again with the
same idempotency key), `PayoutRefused` when it refuses the request (the message says why).
"""

from __future__ import annotations

import enum
from typing import Protocol

import msgspec

from marketplace.domain.shared.money import Money


class PayoutStatus(str, enum.Enum):
    PENDING = "pending"  # accepted, on its way (Xendit: ACCEPTED, REQUESTED, LOCKED)
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # Xendit: FAILED, CANCELLED, REVERSED: the money did not arrive


class BankAccount(msgspec.Struct, frozen=True):
    channel_code: str  # e.g. ID_BCA, ID_MANDIRI, ID_DANA
    account_number: str
    account_holder_name: str


class ProviderPayout(msgspec.Struct, frozen=True):
    id: str
    reference_id: str
    amount: int
    currency: str
    status: PayoutStatus
    failure_code: str | None = None


class PayoutRefused(Exception):
    """The provider refused the payout (an unknown channel, a bad account number, ...)."""


class PayoutGateway(Protocol):
    async def create_payout(
        self, *, reference_id: str, amount: Money, bank: BankAccount, description: str, idempotency_key: str
    ) -> ProviderPayout:
        """The same idempotency key gives back the payout already made for it, never a second one."""
        ...

    async def get_payout(self, payout_id: str) -> ProviderPayout | None: ...

    async def find_payout(self, reference_id: str) -> ProviderPayout | None:
        """The payout made under our reference, if any (the newest when several)."""
        ...
