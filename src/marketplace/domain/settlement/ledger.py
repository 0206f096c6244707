"""The ledger: every money movement is a transaction of postings that sum to zero.

Accounts are named `<owner kind>:<owner id>:<bucket>`:
- `store:<id>:pending|available|in_flight|paid_out` and `affiliate:<user id>:...` the same: what
  they are owed while the order is open, once it completed, while a payout travels, and paid;
- `platform:marketplace:clearing`: the buyers' money as received (it goes negative by what came in,
  back up by what was refunded), `platform:marketplace:revenue` (fees), `courier:gosend:shipping`
  (shipping fees, passed through to the courier).
So `-clearing` is always what buyers paid minus what was refunded, and every rupiah of it sits in
exactly one other account; `marketplace ledger reconcile` checks it against the payment records.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from marketplace.domain.shared.errors import Conflict, InvalidValue

CLEARING = "platform:marketplace:clearing"
REVENUE = "platform:marketplace:revenue"
SHIPPING = "courier:gosend:shipping"
GUARDED_OWNERS = ("store", "affiliate")  # their balances never go below zero


class EntryKind(str, enum.Enum):
    SALE = "sale"
    PLATFORM_FEE = "platform_fee"
    COMMISSION = "commission"
    SHIPPING = "shipping"
    REFUND = "refund"
    RELEASE = "release"  # pending -> available when the order completes
    PAYOUT = "payout"


class Bucket(str, enum.Enum):
    PENDING = "pending"
    AVAILABLE = "available"
    IN_FLIGHT = "in_flight"
    PAID_OUT = "paid_out"


def account(owner_kind: str, owner_id: str, bucket: Bucket) -> str:
    if owner_kind not in GUARDED_OWNERS:
        raise InvalidValue("owner_kind", f"{owner_kind} has no buckets")
    return f"{owner_kind}:{owner_id}:{bucket.value}"


def is_guarded(account_name: str) -> bool:
    return account_name.split(":", 1)[0] in GUARDED_OWNERS


@dataclass(frozen=True, slots=True)
class Posting:
    account: str
    amount: int  # signed minor units: what the account holder gains (+) or gives up (-)
    kind: EntryKind


@dataclass(frozen=True, slots=True)
class LedgerTransaction:
    id: str
    reason: str  # e.g. "order-paid", "order-completed", "order-refunded", "payout-requested"
    postings: tuple[Posting, ...]
    currency: str
    created_at: datetime
    order_id: str | None = None
    payout_id: str | None = None

    def __post_init__(self) -> None:
        if len(self.postings) < 2:
            raise InvalidValue("postings", "a transaction moves money between at least two accounts")
        if sum(p.amount for p in self.postings) != 0:
            raise InvalidValue("postings", "a transaction's postings must sum to zero")
        if any(type(p.amount) is not int or p.amount == 0 for p in self.postings):
            raise InvalidValue("postings", "every posting moves a non-zero whole number of minor units")

    def reversed(self, id: str, reason: str, now: datetime, kind: EntryKind) -> LedgerTransaction:
        """Undoes this transaction: every posting negated (store and affiliate ones as `kind`)."""
        return LedgerTransaction(
            id=id,
            reason=reason,
            currency=self.currency,
            created_at=now,
            order_id=self.order_id,
            payout_id=self.payout_id,
            postings=tuple(
                Posting(p.account, -p.amount, kind if is_guarded(p.account) else p.kind) for p in self.postings
            ),
        )

    def net(self, account_name: str) -> int:
        return sum(p.amount for p in self.postings if p.account == account_name)


class InsufficientBalance(Conflict):
    """A posting would take a store's or an affiliate's balance below zero."""

    code = "insufficient-balance"


def postings(*items: tuple[str, int, EntryKind]) -> tuple[Posting, ...]:
    """Postings without the zero ones (a fee of 0 moves nothing)."""
    return tuple(Posting(name, amount, kind) for name, amount, kind in items if amount)
