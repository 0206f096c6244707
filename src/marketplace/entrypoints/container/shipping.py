"""The shipping context's use cases: booking couriers, their reports, completing delivered orders."""

from __future__ import annotations

from dependency_injector import providers

from marketplace.application.shipping.complete_orders import CompleteDeliveredOrders
from marketplace.application.shipping.ship_order import StoreShipping
from marketplace.application.shipping.show_shipment import GetShipment
from marketplace.application.shipping.track_shipment import ShipmentReports
from marketplace.entrypoints.container.core import Core, seconds
from marketplace.entrypoints.container.gateways import BOOKING_EVENTS

uow, clock, settings = Core.uow, Core.clock, Core.settings


class ShippingServices(Core):
    store_shipping = providers.Singleton(
        StoreShipping, uow=uow, shipping=Core.shipping, clock=clock, booking_events=providers.Object(BOOKING_EVENTS)
    )
    shipment_reports = providers.Singleton(
        ShipmentReports,
        uow=uow,
        shipping=Core.shipping,
        clock=clock,
        ids=Core.ids,
        quiet_after=providers.Callable(seconds, settings.provided.shipment_poll_seconds),
    )
    get_shipment = providers.Singleton(GetShipment, uow=uow)
    complete_delivered_orders = providers.Singleton(
        CompleteDeliveredOrders,
        uow=uow,
        clock=clock,
        after=providers.Callable(seconds, settings.provided.order_autocomplete_seconds),
    )
