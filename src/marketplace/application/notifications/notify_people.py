"""Outbox handler: the notification centre's entries (docs/api.md, "Notifications"), made from order,
refund and payout events and pushed live as `notification:new` to their user.

Who is told what: a paid order -> the store's owner (`store_order`) and the buyer (`order`); accepted,
rejected, cancelled -> the buyer (`order`); a refund that succeeded -> the buyer (`order`); shipping,
delivered, returned -> the buyer (`shipment`); a settled payout -> its payee (`payout`). A kind the user
turned off in the app makes nothing. Each entry's source is the message, the user and the kind, so a
message delivered again stores nothing twice and pushes nothing twice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marketplace.application.notifications.texts import rupiah, short_ref, words
from marketplace.application.notifications.views import NotificationView
from marketplace.application.ports.notifications import NotificationStore
from marketplace.application.ports.notifier import Notifier
from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.application.worker.subscriptions import Received, Subscriptions
from marketplace.domain.notifications.notification import Notification, NotificationKind
from marketplace.domain.ordering.checkout import RefundRecorded
from marketplace.domain.ordering.order import OrderStatusChanged
from marketplace.domain.settlement.payout import PayoutSettled

ORDER, SHIPMENT = NotificationKind.ORDER, NotificationKind.SHIPMENT
BUYER_TOLD = {  # order status -> the kind the buyer is told it as
    "paid": ORDER,
    "accepted": ORDER,
    "rejected": ORDER,
    "cancelled": ORDER,
    "shipping": SHIPMENT,
    "delivered": SHIPMENT,
    "returned": SHIPMENT,
}
LIVE_EVENT = "notification:new"


@dataclass(frozen=True, slots=True)
class NotifyPeople:
    uow: UnitOfWorkFactory
    store: NotificationStore
    notifier: Notifier
    clock: Clock
    ids: IdGenerator
    name: str = "notify-people"

    def subscribe(self, bus: Subscriptions) -> None:
        bus.subscribe(OrderStatusChanged, self.name, self.order_changed)
        bus.subscribe(RefundRecorded, self.name, self.refund_recorded)
        bus.subscribe(PayoutSettled, self.name, self.payout_settled)

    async def order_changed(self, received: Received[OrderStatusChanged]) -> None:
        event = received.event
        kind = BUYER_TOLD.get(event.status)
        if kind is None:
            return
        data = {
            "order_id": event.order_id,
            "store_id": event.store_id,
            "checkout_id": event.checkout_id,
            "status": event.status,
        }
        async with self.uow() as uow:
            store = await uow.stores.get(event.store_id)
        facts = {"order": short_ref(event.order_id), "store": store.name if store else ""}
        if event.status == "paid" and store is not None:
            await self._tell(received, store.owner_id, NotificationKind.STORE_ORDER, "store_order.paid", facts, data)
        await self._tell(received, event.buyer_id, kind, f"{kind.value}.{event.status}", facts, data)

    async def refund_recorded(self, received: Received[RefundRecorded]) -> None:
        event = received.event
        if event.status != "succeeded":
            return
        data: dict[str, Any] = {
            "order_id": event.order_id,
            "checkout_id": event.checkout_id,
            "refund_id": event.refund_id,
            "amount": event.amount,
        }
        facts = {"order": short_ref(event.order_id), "amount": rupiah(event.amount)}
        await self._tell(received, event.buyer_id, ORDER, "order.refunded", facts, data)

    async def payout_settled(self, received: Received[PayoutSettled]) -> None:
        event = received.event
        if event.status not in ("succeeded", "failed"):
            return
        payee: str | None = event.owner_id
        data: dict[str, Any] = {"payout_id": event.payout_id, "status": event.status, "amount": event.amount}
        if event.owner_kind == "store":
            data["store_id"] = event.owner_id
            async with self.uow() as uow:
                store = await uow.stores.get(event.owner_id)
            payee = store.owner_id if store is not None else None
        if payee is not None:
            facts = {"amount": rupiah(event.amount)}
            await self._tell(received, payee, NotificationKind.PAYOUT, f"payout.{event.status}", facts, data)

    async def _tell(
        self,
        received: Received[Any],
        user_id: str,
        kind: NotificationKind,
        key: str,
        facts: dict[str, str],
        data: dict[str, Any],
    ) -> None:
        if not (await self.store.preferences(user_id)).of(kind).in_app:
            return
        async with self.uow() as uow:
            user = await uow.users.get(user_id)
        locale = getattr(user, "locale", "id")  # lead: user.locale after merge
        title, body = words(key, locale, **facts)
        notification = Notification(
            id=self.ids.new_id(),
            user_id=user_id,
            kind=kind,
            title=title,
            body=body,
            data=data,
            created_at=self.clock.now(),
            source=f"{received.message_id}:{user_id}:{kind.value}",
        )
        if await self.store.add(notification):
            await self.notifier.notify([user_id], LIVE_EVENT, live_payload(notification))


def live_payload(notification: Notification) -> dict[str, Any]:
    """The notification as `notification:new` carries it: the same fields as the HTTP list's items."""
    view = NotificationView.of(notification)
    return {
        "id": view.id,
        "kind": view.kind,
        "title": view.title,
        "body": view.body,
        "data": view.data,
        "created_at": view.created_at.isoformat(),
        "read_at": None if view.read_at is None else view.read_at.isoformat(),
    }
