"""Checkouts and orders as docs/api.md shows them."""

from __future__ import annotations

from datetime import datetime

import msgspec

from marketplace.application.shared.views import AddressView, MoneyView
from marketplace.domain.identity.user import User
from marketplace.domain.ordering.checkout import Checkout
from marketplace.domain.ordering.order import Order


class OptionView(msgspec.Struct, frozen=True):
    method: str
    price: MoneyView
    eta: str


class StoreQuoteView(msgspec.Struct, frozen=True):
    store_id: str
    store_name: str
    subtotal: MoneyView
    weight_grams: int
    options: list[OptionView]


class QuoteView(msgspec.Struct, frozen=True):
    stores: list[StoreQuoteView]
    items_total: MoneyView


class OrderLineView(msgspec.Struct, frozen=True):
    id: str
    variant_id: str
    product_id: str
    title: str
    quantity: int
    unit_price: MoneyView
    line_total: MoneyView


class StatusChangeView(msgspec.Struct, frozen=True):
    status: str
    at: datetime


class StoreRefView(msgspec.Struct, frozen=True):
    id: str
    name: str


class BuyerContactView(msgspec.Struct, frozen=True):
    id: str
    name: str
    email: str
    phone: str | None


class OrderView(msgspec.Struct, frozen=True, omit_defaults=True):
    id: str
    checkout_id: str
    store_id: str
    store: StoreRefView
    status: str
    lines: list[OrderLineView]
    shipping_method: str
    shipping_fee: MoneyView
    subtotal: MoneyView
    total: MoneyView
    address: AddressView | None
    history: list[StatusChangeView]
    created_at: datetime
    buyer: BuyerContactView | None = None  # the seller's view: who to pack it for


class RefundView(msgspec.Struct, frozen=True):
    id: str
    order_id: str
    amount: MoneyView
    status: str
    reason: str


class PaymentView(msgspec.Struct, frozen=True):
    id: str
    invoice_id: str | None
    invoice_url: str | None
    amount: MoneyView
    expires_at: datetime
    status: str
    refunds: list[RefundView]


class CheckoutView(msgspec.Struct, frozen=True):
    id: str
    status: str
    orders: list[OrderView]
    payment: PaymentView
    address: AddressView
    referral_code: str | None
    created_at: datetime
    expires_at: datetime


def order_view(order: Order, buyer: User | None = None) -> OrderView:
    contact = None
    if buyer is not None:
        phone = buyer.phone or (order.address.phone if order.address else None)
        contact = BuyerContactView(id=buyer.id, name=buyer.name, email=buyer.email, phone=phone)
    return OrderView(
        id=order.id,
        checkout_id=order.checkout_id,
        store_id=order.store_id,
        store=StoreRefView(id=order.store_id, name=order.store_name),
        status=order.status.value,
        lines=[
            OrderLineView(
                id=line.id,
                variant_id=line.variant_id,
                product_id=line.product_id,
                title=line.title,
                quantity=line.quantity,
                unit_price=MoneyView.of(line.unit_price),
                line_total=MoneyView.of(line.total),
            )
            for line in order.lines
        ],
        shipping_method=order.shipping_method,
        shipping_fee=MoneyView.of(order.shipping_fee),
        subtotal=MoneyView.of(order.subtotal),
        total=MoneyView.of(order.total),
        address=AddressView.of(order.address) if order.address else None,
        history=[StatusChangeView(status=change.status.value, at=change.at) for change in order.history],
        created_at=order.created_at,
        buyer=contact,
    )


def checkout_view(checkout: Checkout, orders: list[Order]) -> CheckoutView:
    by_id = {order.id: order for order in orders}
    return CheckoutView(
        id=checkout.id,
        status=checkout.status.value,
        orders=[order_view(by_id[order_id]) for order_id in checkout.order_ids if order_id in by_id],
        payment=PaymentView(
            id=checkout.id,
            invoice_id=checkout.invoice_id,
            invoice_url=checkout.invoice_url,
            amount=MoneyView.of(checkout.amount),
            expires_at=checkout.expires_at,
            status=checkout.payment_status.value,
            refunds=[
                RefundView(
                    id=r.id, order_id=r.order_id, amount=MoneyView.of(r.amount), status=r.status.value, reason=r.reason
                )
                for r in sorted(checkout.refunds, key=lambda r: (r.created_at, r.id))
            ],
        ),
        address=AddressView.of(checkout.address),
        referral_code=checkout.referral_code,
        created_at=checkout.created_at,
        expires_at=checkout.expires_at,
    )
