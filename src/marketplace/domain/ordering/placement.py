"""Placing a checkout: the factory that makes one Checkout and its Orders, one per store, from what the
buyer chose at today's prices and quotes (the price snapshots, the fee rate, the referral)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from marketplace.domain.affiliate.program import LineInfo, ReferralLink, covered_lines
from marketplace.domain.ordering.checkout import Checkout
from marketplace.domain.ordering.order import Order, OrderLine, OrderReferral
from marketplace.domain.shared.address import PostalAddress
from marketplace.domain.shared.money import Money


@dataclass(frozen=True, slots=True)
class ChosenLine:
    """A cart line at the price it has now."""

    variant_id: str
    product_id: str
    title: str
    quantity: int
    unit_price: Money


@dataclass(frozen=True, slots=True)
class StoreTerms:
    """What a referral needs of the store: whose it is and its affiliate rate now."""

    owner_id: str
    affiliate_rate_bps: int


@dataclass(frozen=True, slots=True)
class StoreChoice:
    """One store's part of the cart, with the shipping the buyer chose and its quoted fee."""

    store_id: str
    store_name: str
    lines: tuple[ChosenLine, ...]
    shipping_method: str
    shipping_fee: Money
    terms: StoreTerms | None = None  # unknown (or not needed: no referral): the store earns no referral


@dataclass(frozen=True, slots=True)
class Placement:
    checkout: Checkout
    orders: tuple[Order, ...]

    @property
    def quantities(self) -> dict[str, int]:
        """Variant id -> quantity to reserve, over every order."""
        wanted: dict[str, int] = {}
        for order in self.orders:
            for variant_id, quantity in order.quantities.items():
                wanted[variant_id] = wanted.get(variant_id, 0) + quantity
        return wanted


def place(
    *,
    new_id: Callable[[], str],
    buyer_id: str,
    address: PostalAddress,
    stores: Sequence[StoreChoice],
    fee_bps: int,
    now: datetime,
    expires_at: datetime,
    link: ReferralLink | None = None,
    idempotency_key: str | None = None,
) -> Placement:
    """A pending checkout of one order per store; `fee_bps` is the marketplace's cut frozen on each."""
    orders = [_order(new_id, buyer_id, address, store, fee_bps, now) for store in stores]
    checkout_id = new_id()
    amount = Money.zero("IDR")
    for order, store in zip(orders, stores, strict=True):
        order.checkout_id = checkout_id
        if link is not None and store.terms is not None:
            order.referral = _referral(link, buyer_id, order, store.terms)
        amount = amount + order.total
    checkout = Checkout.place(
        id=checkout_id,
        buyer_id=buyer_id,
        order_ids=[o.id for o in orders],
        address=address,
        amount=amount,
        now=now,
        expires_at=expires_at,
        referral_code=link.code if link is not None else None,
        idempotency_key=idempotency_key,
    )
    return Placement(checkout, tuple(orders))


def _order(
    new_id: Callable[[], str], buyer_id: str, address: PostalAddress, store: StoreChoice, fee_bps: int, now: datetime
) -> Order:
    return Order(
        id=new_id(),
        checkout_id="",  # the checkout's id is made after its orders' (ids grow in the order made)
        store_id=store.store_id,
        buyer_id=buyer_id,
        lines=[
            OrderLine(
                id=new_id(),
                variant_id=line.variant_id,
                product_id=line.product_id,
                title=line.title,
                quantity=line.quantity,
                unit_price=line.unit_price,
            )
            for line in store.lines
        ],
        shipping_fee=store.shipping_fee,
        created_at=now,
        store_name=store.store_name,
        shipping_method=store.shipping_method,
        address=address,
        fee_bps=fee_bps,
    )


def _referral(link: ReferralLink, buyer_id: str, order: Order, terms: StoreTerms) -> OrderReferral | None:
    """The order's lines the link covers (none for the affiliate's own purchase or own store)."""
    covered = covered_lines(
        link,
        buyer_id,
        [
            LineInfo(id=line.id, product_id=line.product_id, store_id=order.store_id, store_owner_id=terms.owner_id)
            for line in order.lines
        ],
    )
    if not covered:
        return None
    return OrderReferral(
        affiliate_id=link.affiliate_id, code=link.code, rate_bps=terms.affiliate_rate_bps, line_ids=covered
    )
