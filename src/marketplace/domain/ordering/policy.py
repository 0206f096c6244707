"""The order policy: every move an order can make, and what it does besides changing the status.

One table, `MOVES`: for each action, the statuses it may leave from, the status it leads to, whether
the order's quantities go back to stock, and what the ledger does. Every other fact about statuses
(which are final, which are refunded, which give their stock back, which have their sale booked) is
derived from it, so a new status is an `OrderStatus` member and its rows here (docs/api.md, Statuses).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from marketplace.domain.ordering.status import OrderStatus


class OrderAction(str, enum.Enum):
    PAY = "pay"
    EXPIRE = "expire"
    CANCEL = "cancel"  # by the buyer, before acceptance
    ACCEPT = "accept"
    REJECT = "reject"
    START_SHIPPING = "start_shipping"  # a booking was confirmed
    BOOKING_FAILED = "booking_failed"  # no_driver or cancelled: the one backward edge
    DELIVER = "deliver"
    COMPLETE = "complete"
    RETURN = "return"  # the courier brought it back


class LedgerEffect(str, enum.Enum):
    """What settlement books for a move (application/settlement/booking.py)."""

    NONE = "none"
    BOOK = "book"  # the sale booked as pending, the commission recorded
    RELEASE = "release"  # the sale's pending money made available, the commission approved
    REVERSE = "reverse"  # the sale's booking reversed, the commission void: the buyer is refunded


@dataclass(frozen=True, slots=True)
class Move:
    sources: frozenset[OrderStatus]
    target: OrderStatus
    releases_stock: bool = False  # its quantities go back to the variants' stock
    ledger: LedgerEffect = LedgerEffect.NONE

    def ledger_from(self, source: OrderStatus) -> LedgerEffect:
        """A reversal happens only where money was taken: cancelling before payment reverses nothing."""
        if self.ledger is LedgerEffect.REVERSE and source not in MONEY_HELD:
            return LedgerEffect.NONE
        return self.ledger

    def refunds_from(self, source: OrderStatus) -> bool:
        return self.ledger_from(source) is LedgerEffect.REVERSE


S, A, L = OrderStatus, OrderAction, LedgerEffect
# Exits before the parcel left give the stock back. A returned parcel is back in the seller's hands:
# the seller decides whether it can be sold again.
MOVES: dict[OrderAction, Move] = {
    A.PAY: Move(frozenset({S.PENDING_PAYMENT}), S.PAID, ledger=L.BOOK),
    A.EXPIRE: Move(frozenset({S.PENDING_PAYMENT}), S.EXPIRED, releases_stock=True),
    A.CANCEL: Move(frozenset({S.PENDING_PAYMENT, S.PAID}), S.CANCELLED, releases_stock=True, ledger=L.REVERSE),
    A.ACCEPT: Move(frozenset({S.PAID}), S.ACCEPTED),
    A.REJECT: Move(frozenset({S.PAID}), S.REJECTED, releases_stock=True, ledger=L.REVERSE),
    A.START_SHIPPING: Move(frozenset({S.ACCEPTED}), S.SHIPPING),
    A.BOOKING_FAILED: Move(frozenset({S.SHIPPING}), S.ACCEPTED),
    A.DELIVER: Move(frozenset({S.SHIPPING}), S.DELIVERED),
    A.COMPLETE: Move(frozenset({S.DELIVERED}), S.COMPLETED, ledger=L.RELEASE),
    A.RETURN: Move(frozenset({S.SHIPPING}), S.RETURNED, ledger=L.REVERSE),
}


def _money_held() -> frozenset[OrderStatus]:
    """Where the buyer's payment is booked and not yet released nor reversed: a booking move's target,
    and whatever moves that book nothing lead to from there."""
    held = {move.target for move in MOVES.values() if move.ledger is LedgerEffect.BOOK}
    while True:
        more = {m.target for m in MOVES.values() if m.ledger is LedgerEffect.NONE and m.sources & held} - held
        if not more:
            return frozenset(held)
        held |= more


MONEY_HELD = _money_held()
# Reached by giving the payment back: an order in one of these, of a paid checkout, owes its total.
REFUNDED_STATUSES = frozenset(m.target for m in MOVES.values() if any(m.refunds_from(source) for source in m.sources))
RELEASED_STATUSES = frozenset(m.target for m in MOVES.values() if m.ledger is LedgerEffect.RELEASE)
BOOKED_STATUSES = MONEY_HELD | RELEASED_STATUSES  # the sale is (or was) on the ledger
RESTOCKED_STATUSES = frozenset(m.target for m in MOVES.values() if m.releases_stock)  # stock no longer held
RESTOCKING_ACTIONS = frozenset(action for action, m in MOVES.items() if m.releases_stock)
FINAL = frozenset(OrderStatus) - frozenset(source for m in MOVES.values() for source in m.sources)
