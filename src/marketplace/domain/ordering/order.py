"""The Order aggregate: one store's part of a checkout, with price snapshots and its status history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from marketplace.domain.ordering.policy import MOVES, RESTOCKED_STATUSES, LedgerEffect, OrderAction
from marketplace.domain.ordering.status import OrderStatus
from marketplace.domain.shared.address import PostalAddress
from marketplace.domain.shared.errors import IllegalTransition, InvalidValue
from marketplace.domain.shared.events import Aggregate, DomainEvent
from marketplace.domain.shared.money import Money


@dataclass(frozen=True, slots=True)
class OrderLine:
    """What was bought, frozen at checkout: later price or title changes do not touch it."""

    id: str
    variant_id: str
    product_id: str
    title: str
    quantity: int
    unit_price: Money

    def __post_init__(self) -> None:
        if type(self.quantity) is not int or self.quantity <= 0:
            raise InvalidValue("quantity", "must be a positive whole number")
        if not self.unit_price.is_positive:
            raise InvalidValue("unit_price", "must be greater than zero")

    @property
    def total(self) -> Money:
        return self.unit_price * self.quantity


@dataclass(frozen=True, slots=True)
class OrderReferral:
    """The affiliate a purchase is attributed to, frozen at checkout with the store's rate then."""

    affiliate_id: str
    code: str
    rate_bps: int
    line_ids: tuple[str, ...]  # the lines the referral covers (its product, its store, or all)


@dataclass(frozen=True, slots=True)
class StatusChange:
    status: OrderStatus
    at: datetime


@dataclass(frozen=True, slots=True)
class OrderStatusChanged(DomainEvent):
    topic: ClassVar[str] = "OrderStatusChanged"

    order_id: str
    checkout_id: str
    store_id: str
    buyer_id: str
    status: str
    refund_due: bool
    amount: int
    currency: str


@dataclass(frozen=True, slots=True)
class OrderEffects:
    """What an order's move asks of the rest of the system, besides saving the order."""

    action: OrderAction
    source: OrderStatus
    target: OrderStatus
    released: dict[str, int]  # variant id -> quantity back to stock (often none)
    refund: Money | None  # the total owed back to the buyer, when the move gives the payment back
    ledger: LedgerEffect
    events: tuple[DomainEvent, ...]


@dataclass(eq=False)
class Order(Aggregate):
    id: str
    checkout_id: str
    store_id: str
    buyer_id: str
    lines: list[OrderLine]
    shipping_fee: Money
    created_at: datetime
    store_name: str = ""
    shipping_method: str = "instant"
    address: PostalAddress | None = None  # where it goes, as the buyer gave it at checkout
    fee_bps: int = 0  # the marketplace's cut of the line subtotals, as it was at checkout
    referral: OrderReferral | None = None
    status: OrderStatus = OrderStatus.PENDING_PAYMENT
    history: list[StatusChange] = field(default_factory=list)
    voided: bool = False  # its checkout never got an invoice: nobody is shown it (see Checkout.void)
    version: int = 0

    def __post_init__(self) -> None:
        if not self.lines:
            raise InvalidValue("lines", "an order has at least one line")
        if not self.history:
            self.history.append(StatusChange(self.status, self.created_at))

    @property
    def subtotal(self) -> Money:
        total = Money.zero(self.shipping_fee.currency)
        for line in self.lines:
            total = total + line.total
        return total

    @property
    def total(self) -> Money:
        return self.subtotal + self.shipping_fee

    @property
    def quantities(self) -> dict[str, int]:
        """Variant id -> quantity this order holds (reserved until paid, sold after)."""
        held: dict[str, int] = {}
        for line in self.lines:
            held[line.variant_id] = held.get(line.variant_id, 0) + line.quantity
        return held

    @property
    def delivered_at(self) -> datetime | None:
        """When it was delivered, while it is `delivered` (the autocomplete clock starts there)."""
        if self.status is not OrderStatus.DELIVERED:
            return None
        return next(change.at for change in reversed(self.history) if change.status is OrderStatus.DELIVERED)

    @property
    def holds_stock(self) -> bool:
        """Whether its quantities are counted as reserved or sold (not back on the shelf)."""
        return self.status not in RESTOCKED_STATUSES

    def apply(self, action: OrderAction, now: datetime) -> OrderEffects:
        """Moves the order as the policy says (domain/ordering/policy.py) and answers what else must
        happen because of it: stock back, a refund, the ledger."""
        move, source = MOVES[action], self.status
        if source not in move.sources:
            raise IllegalTransition(f"an order that is {source.value} cannot {action.value.replace('_', ' ')}")
        refund = self.total if move.refunds_from(source) else None
        self.status = move.target
        self.history.append(StatusChange(move.target, now))
        event = OrderStatusChanged(
            order_id=self.id,
            checkout_id=self.checkout_id,
            store_id=self.store_id,
            buyer_id=self.buyer_id,
            status=move.target.value,
            refund_due=refund is not None,
            amount=self.total.amount,
            currency=self.total.currency,
        )
        self.record(event)
        return OrderEffects(
            action=action,
            source=source,
            target=move.target,
            released=self.quantities if move.releases_stock else {},
            refund=refund,
            ledger=move.ledger_from(source),
            events=(event,),
        )

    def void(self, now: datetime) -> dict[str, int]:
        """Its checkout failed before the buyer was given an invoice: cancelled without a word to
        anyone (no event), hidden from every list, its stock back."""
        if self.status is not OrderStatus.PENDING_PAYMENT:
            raise IllegalTransition(f"an order that is {self.status.value} cannot be voided")
        self.status, self.voided = OrderStatus.CANCELLED, True
        self.history.append(StatusChange(OrderStatus.CANCELLED, now))
        return self.quantities
