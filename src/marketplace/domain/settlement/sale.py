"""What an order's money does: booked when paid, released when completed, reversed when refunded.

Splits go through Money.allocate (largest remainder), so the store's part, the platform's fee and
the affiliate's commission always add up to the line subtotals exactly. The shipping fee is the
courier's, passed through.
"""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.domain.ordering.order import Order
from marketplace.domain.settlement.ledger import (
    CLEARING,
    REVENUE,
    SHIPPING,
    Bucket,
    EntryKind,
    LedgerTransaction,
    account,
    postings,
)
from marketplace.domain.shared.money import Money

FULL = 10_000


@dataclass(frozen=True, slots=True)
class SaleSplit:
    subtotal: Money
    fee: Money
    commission: Money
    affiliate_id: str | None

    @property
    def store_net(self) -> Money:
        return self.subtotal - self.fee - self.commission


def split(order: Order) -> SaleSplit:
    """The order's line subtotals split into the platform's fee (`order.fee_bps` of all of them), the
    affiliate's commission (the store's rate on the referred lines, never more than what the fee
    leaves) and the store's part, which is the rest: the three always add up to the subtotal."""
    referral = order.referral
    referred = set(referral.line_ids) if referral else set()
    currency = order.shipping_fee.currency
    subtotal = order.subtotal
    on_referred = Money.zero(currency)
    for line in order.lines:
        if line.id in referred:
            on_referred = on_referred + line.total
    fee = _share(subtotal, order.fee_bps)
    commission = Money.zero(currency)
    if referral is not None and on_referred.is_positive:
        commission = min(_share(on_referred, referral.rate_bps), subtotal - fee)
    affiliate = referral.affiliate_id if referral and commission.is_positive else None
    return SaleSplit(subtotal=subtotal, fee=fee, commission=commission, affiliate_id=affiliate)


def _share(whole: Money, rate_bps: int) -> Money:
    """`rate_bps` of `whole` by the largest-remainder allocation of the whole between the share and the rest."""
    if rate_bps <= 0:
        return Money.zero(whole.currency)
    if rate_bps >= FULL:
        return whole
    return whole.allocate([rate_bps, FULL - rate_bps])[0]


def booked_on_payment(order: Order, transaction_id: str) -> LedgerTransaction:
    parts = split(order)
    pending = account("store", order.store_id, Bucket.PENDING)
    items = [
        (pending, parts.subtotal.amount, EntryKind.SALE),
        (CLEARING, -parts.subtotal.amount, EntryKind.SALE),
        (pending, -parts.fee.amount, EntryKind.PLATFORM_FEE),
        (REVENUE, parts.fee.amount, EntryKind.PLATFORM_FEE),
        (SHIPPING, order.shipping_fee.amount, EntryKind.SHIPPING),
        (CLEARING, -order.shipping_fee.amount, EntryKind.SHIPPING),
    ]
    if parts.affiliate_id is not None:
        items += [
            (pending, -parts.commission.amount, EntryKind.COMMISSION),
            (account("affiliate", parts.affiliate_id, Bucket.PENDING), parts.commission.amount, EntryKind.COMMISSION),
        ]
    return LedgerTransaction(
        id=transaction_id,
        reason="order-paid",
        postings=postings(*items),
        currency=order.shipping_fee.currency,
        created_at=order.history[-1].at,
        order_id=order.id,
    )


def released_on_completion(order: Order, booked: LedgerTransaction, transaction_id: str) -> LedgerTransaction | None:
    """Pending -> available for the store and the affiliate, by what the payment booked for them."""
    items: list[tuple[str, int, EntryKind]] = []
    for owner_kind, owner_id in _owners(order, booked):
        pending = account(owner_kind, owner_id, Bucket.PENDING)
        amount = booked.net(pending)
        items += [
            (pending, -amount, EntryKind.RELEASE),
            (account(owner_kind, owner_id, Bucket.AVAILABLE), amount, EntryKind.RELEASE),
        ]
    moves = postings(*items)
    if len(moves) < 2:
        return None
    return LedgerTransaction(
        id=transaction_id,
        reason="order-completed",
        postings=moves,
        currency=booked.currency,
        created_at=order.history[-1].at,
        order_id=order.id,
    )


def _owners(order: Order, booked: LedgerTransaction) -> list[tuple[str, str]]:
    owners = [("store", order.store_id)]
    for posting in booked.postings:
        kind, owner_id, _ = posting.account.split(":", 2)
        if kind == "affiliate":
            owners.append(("affiliate", owner_id))
    return owners
