"""The cart as docs/api.md shows it: lines grouped by store, priced and checked against stock now."""

from __future__ import annotations

import msgspec

from marketplace.application.catalog.views import VariantSnapshot
from marketplace.application.shared.views import MoneyView
from marketplace.domain.cart.cart import Cart


class CartLineView(msgspec.Struct, frozen=True):
    variant_id: str
    product_id: str
    title: str
    quantity: int
    unit_price: MoneyView
    available: bool
    line_total: MoneyView


class CartStoreView(msgspec.Struct, frozen=True):
    store_id: str
    store_name: str
    lines: list[CartLineView]
    subtotal: MoneyView


class CartView(msgspec.Struct, frozen=True):
    stores: list[CartStoreView]
    items_total: MoneyView


def cart_view(cart: Cart | None, snapshots: dict[str, VariantSnapshot], currency: str = "IDR") -> CartView:
    """Lines that can no longer be bought as they are say `available: false` and count in no total."""
    groups: dict[str, tuple[str, list[CartLineView]]] = {}
    for line in sorted((cart.lines.values() if cart else []), key=lambda item: (item.added_at, item.variant_id)):
        snapshot = snapshots.get(line.variant_id)
        if snapshot is None:
            continue  # the variant is gone for good: nothing left to show
        available = snapshot.purchasable and line.quantity <= snapshot.stock
        total = MoneyView(amount=snapshot.price.amount * line.quantity, currency=snapshot.price.currency)
        view = CartLineView(
            variant_id=line.variant_id,
            product_id=snapshot.product_id,
            title=snapshot.title,
            quantity=line.quantity,
            unit_price=snapshot.price,
            available=available,
            line_total=total,
        )
        groups.setdefault(snapshot.store_id, (snapshot.store_name, []))[1].append(view)
    stores = []
    for store_id, (name, lines) in groups.items():
        subtotal = sum(line.line_total.amount for line in lines if line.available)
        stores.append(
            CartStoreView(
                store_id=store_id, store_name=name, lines=lines, subtotal=MoneyView(amount=subtotal, currency=currency)
            )
        )
    items_total = sum(store.subtotal.amount for store in stores)
    return CartView(stores=stores, items_total=MoneyView(amount=items_total, currency=currency))
