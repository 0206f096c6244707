"""The payment and courier gateways, each chosen by a setting of its own (MARKETPLACE_PAYMENT_PROVIDER,
MARKETPLACE_SHIPPING_PROVIDER), not by the backend; the HTTP clients behind them and the built-in
sandboxes they talk to on the embedded default are in sandboxes.py; core.py wires them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from marketplace.adapters.gosend import callbacks as gosend_callbacks
from marketplace.application.ports.payments import PaymentGateway
from marketplace.application.ports.payouts import PayoutGateway
from marketplace.application.ports.shipping import ShippingGateway
from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.entrypoints.container import sandboxes
from marketplace.entrypoints.settings import Settings

if TYPE_CHECKING:
    import httpx

# Every courier provider's webhook translator, by the provider name kept with its webhooks: a webhook
# kept before its booking was recorded is read again through it (StoreShipping).
BOOKING_EVENTS = {gosend_callbacks.PROVIDER: gosend_callbacks.booking_report}


def payment_gateway(
    settings: Settings, clock: Clock, ids: IdGenerator, http: httpx.AsyncClient | None
) -> PaymentGateway:
    if settings.payments_with == "memory":
        from marketplace.adapters.memory.payments import MemoryPaymentGateway

        return MemoryPaymentGateway(clock, ids, base_url=f"{settings.base_url}/sandbox/xendit")
    from marketplace.adapters.xendit.payments import XenditPaymentGateway

    return XenditPaymentGateway(sandboxes.configured(http, "MARKETPLACE_XENDIT_BASE_URL"))


def payout_gateway(settings: Settings, ids: IdGenerator, http: httpx.AsyncClient | None) -> PayoutGateway:
    if settings.payments_with == "memory":
        from marketplace.adapters.memory.payouts import MemoryPayoutGateway

        return MemoryPayoutGateway(ids)
    from marketplace.adapters.xendit.payouts import XenditPayoutGateway

    return XenditPayoutGateway(sandboxes.configured(http, "MARKETPLACE_XENDIT_BASE_URL"))


def shipping_gateway(settings: Settings, http: httpx.AsyncClient | None) -> ShippingGateway:
    if settings.shipping_with == "memory":
        from marketplace.adapters.memory.shipping import MemoryShippingGateway

        return MemoryShippingGateway()
    from marketplace.adapters.gosend.shipping import GoSendShippingGateway

    return GoSendShippingGateway(sandboxes.configured(http, "MARKETPLACE_GOSEND_BASE_URL"))
