"""The ordering and payments context's use cases: checkouts, orders, refunds, provider callbacks."""

from __future__ import annotations

from dependency_injector import providers

from marketplace.application.ordering.callbacks import ReceiveCallback
from marketplace.application.ordering.checkouts import (
    ApplyInvoice,
    CancelCheckout,
    ExpireCancelledInvoice,
    GetCheckout,
    SyncPayment,
)
from marketplace.application.ordering.expiry import ExpireCheckouts
from marketplace.application.ordering.orders import BuyerOrders, StoreOrders
from marketplace.application.ordering.place_checkout import PlaceCheckout
from marketplace.application.ordering.quote import QuoteCheckout
from marketplace.application.ordering.reconcile import ReconcilePayments
from marketplace.application.ordering.refunds import RefundOrder
from marketplace.entrypoints.container.core import Core

uow, clock, ids, payments, settings = Core.uow, Core.clock, Core.ids, Core.payments, Core.settings


class OrderingServices(Core):
    quote_checkout = providers.Singleton(QuoteCheckout, uow=uow, queries=Core.catalog_queries, shipping=Core.shipping)
    place_checkout = providers.Singleton(
        PlaceCheckout,
        uow=uow,
        queries=Core.catalog_queries,
        shipping=Core.shipping,
        payments=payments,
        clock=clock,
        ids=ids,
        invoice_seconds=settings.provided.invoice_duration_seconds,
        fee_bps=settings.provided.platform_fee_bps,
        checkpoints=Core.checkpoints,
    )
    get_checkout = providers.Singleton(GetCheckout, uow=uow)
    apply_invoice = providers.Singleton(ApplyInvoice, uow=uow, clock=clock)
    sync_payment = providers.Singleton(SyncPayment, uow=uow, payments=payments, apply=apply_invoice)
    cancel_checkout = providers.Singleton(CancelCheckout, uow=uow, clock=clock)
    expire_cancelled_invoice = providers.Singleton(
        ExpireCancelledInvoice, uow=uow, payments=payments, apply=apply_invoice
    )
    expire_checkouts = providers.Singleton(
        ExpireCheckouts, uow=uow, payments=payments, apply=apply_invoice, clock=clock
    )
    buyer_orders = providers.Singleton(BuyerOrders, uow=uow, clock=clock)
    store_orders = providers.Singleton(StoreOrders, uow=uow, clock=clock)
    refund_order = providers.Singleton(RefundOrder, uow=uow, payments=payments, clock=clock)
    receive_callback = providers.Singleton(ReceiveCallback, uow=uow, clock=clock, ids=ids, checkpoints=Core.checkpoints)
    reconcile_payments = providers.Singleton(ReconcilePayments, uow=uow, payments=payments, clock=clock)
