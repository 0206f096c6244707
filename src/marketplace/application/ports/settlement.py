"""Where the ledger, commissions, affiliates and payouts are kept (repositories of the unit of work)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import msgspec

from marketplace.domain.affiliate.program import Affiliate, Commission, CommissionStatus, ReferralLink
from marketplace.domain.settlement.ledger import LedgerTransaction
from marketplace.domain.settlement.payout import Payout


class Entry(msgspec.Struct, frozen=True):
    """One posting as an account's statement shows it."""

    id: str
    transaction_id: str
    account: str
    kind: str
    amount: int
    currency: str
    order_id: str | None
    payout_id: str | None
    created_at: datetime


class LedgerRepository(Protocol):
    async def post(self, transaction: LedgerTransaction) -> None:
        """Writes the postings and moves the balances, all or nothing; InsufficientBalance when a store's
        or affiliate's balance would go below zero (concurrent posts never both pass that check)."""
        ...

    async def of_order(self, order_id: str) -> list[LedgerTransaction]:
        """The transactions booked for an order, oldest first."""
        ...

    async def balances(self, accounts: list[str]) -> dict[str, int]:
        """Every account asked for is in the answer (0 when it never moved)."""
        ...

    async def entries(self, accounts: list[str], before: tuple[datetime, str] | None, limit: int) -> list[Entry]:
        """Postings on these accounts, newest first, strictly before `before` (created_at, id) when given."""
        ...

    async def all_balances(self) -> dict[str, int]:
        """Every account's balance (for reconciliation)."""
        ...


class CommissionRepository(Protocol):
    async def add(self, commission: Commission) -> None: ...

    async def of_order(self, order_id: str) -> list[Commission]: ...

    async def save(self, commission: Commission) -> None: ...

    async def of_affiliate(
        self, affiliate_id: str, status: CommissionStatus | None, before_id: str | None, limit: int
    ) -> list[Commission]:
        """Newest first (by id); `status` as stored (pending, approved or void)."""
        ...

    async def approved_of(self, affiliate_id: str) -> list[Commission]:
        """Every approved commission, oldest first (payouts pay them off in that order)."""
        ...

    async def totals(self, affiliate_id: str) -> dict[str, tuple[int, int]]:
        """Per stored status: (how many, their amount)."""
        ...


class AffiliateRepository(Protocol):
    async def join(self, affiliate: Affiliate) -> Affiliate:
        """Stores it, or answers the existing one (joining twice is harmless)."""
        ...

    async def get(self, user_id: str) -> Affiliate | None: ...

    async def add_link(self, link: ReferralLink) -> None:
        """Conflict when the code is taken."""
        ...

    async def link(self, code: str) -> ReferralLink | None: ...

    async def count_click(self, code: str) -> bool:
        """Adds one click (never loses one under concurrency); False for an unknown code."""
        ...

    async def clicks(self, affiliate_id: str) -> int: ...


class PayoutRepository(Protocol):
    async def add(self, payout: Payout) -> None: ...

    async def get(self, payout_id: str) -> Payout | None: ...

    async def get_by_provider(self, provider_id: str) -> Payout | None: ...

    async def get_by_key(self, owner_kind: str, owner_id: str, key: str) -> Payout | None:
        """The owner's payout requested with this Idempotency-Key."""
        ...

    async def save(self, payout: Payout) -> None:
        """Raises ConcurrentUpdate when the stored version moved on."""
        ...

    async def open_before(self, cutoff: datetime, limit: int) -> list[str]:
        """Ids of payouts still requested, created before `cutoff`, oldest first."""
        ...


class MoneyTotals(Protocol):
    """What the payment records say, independently of the ledger (for reconciliation)."""

    async def received(self) -> int:
        """Every payment received: the amounts of checkouts whose payment is paid (late ones included)."""
        ...

    async def refunded(self) -> int:
        """What is owed back: paid orders cancelled, rejected or returned, and whole late payments."""
        ...

    async def refunds_paid(self) -> int:
        """What the provider has confirmed refunding (refunds that succeeded)."""
        ...

    async def refunds_requested(self) -> int:
        """What the provider has been asked to refund and has not refused (pending or succeeded)."""
        ...
