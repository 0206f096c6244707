"""The quote: what the cart costs per store and how each store can ship it to an address."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.ordering.basket import load_basket, shipping_options
from marketplace.application.ordering.views import OptionView, QuoteView, StoreQuoteView
from marketplace.application.ports.catalog_queries import CatalogQueries
from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.application.ports.shipping import ShippingGateway
from marketplace.application.shared.views import MoneyView


@dataclass(frozen=True, slots=True)
class QuoteCheckout:
    uow: UnitOfWorkFactory
    queries: CatalogQueries
    shipping: ShippingGateway

    async def __call__(self, user_id: str, address_id: str) -> QuoteView:
        basket = await load_basket(self.uow, self.queries, user_id, address_id)
        options = await shipping_options(self.shipping, basket)
        return QuoteView(
            stores=[
                StoreQuoteView(
                    store_id=store.store_id,
                    store_name=store.store_name,
                    subtotal=MoneyView.of(store.subtotal),
                    weight_grams=store.weight_grams,
                    options=[
                        OptionView(
                            method=o.method.value, price=MoneyView(amount=o.price, currency=o.currency), eta=o.eta
                        )
                        for o in options[store.store_id]
                    ],
                )
                for store in basket.stores
            ],
            items_total=MoneyView.of(basket.items_total),
        )
