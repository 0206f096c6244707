"""Orders: the buyer's, and a store's for its owner."""

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import FromPath, QueryParameter

from marketplace.application.ordering.views import OrderView
from marketplace.application.shared.views import Page
from marketplace.application.shipping.views import ShipmentView
from marketplace.domain.ordering.status import OrderStatus
from marketplace.entrypoints.http.controllers._types import BEARER, Cursor, Limit, StoreRef, Svc, UserId
from marketplace.entrypoints.http.problems import problem_responses

StatusFilter = Annotated[OrderStatus | None, QueryParameter(description="only orders in this status")]


class OrderController(Controller):
    path = "/api/v1/orders"
    tags = ["Orders"]
    security = BEARER

    @get("/", operation_id="listMyOrders", summary="My orders, newest first", responses=problem_responses(401, 422))
    async def index(
        self, services: Svc, user_id: UserId, status: StatusFilter = None, limit: Limit = 20, cursor: Cursor = None
    ) -> Page[OrderView]:
        return await services.buyer_orders.list(user_id, status.value if status else None, limit, cursor)

    @get(
        "/{order_id:str}",
        operation_id="getMyOrder",
        summary="One of my orders, with its status history",
        responses=problem_responses(401, 404),
    )
    async def show(self, order_id: FromPath[str], services: Svc, user_id: UserId) -> OrderView:
        return await services.buyer_orders.get(user_id, order_id)

    @post(
        "/{order_id:str}/cancel",
        status_code=200,
        operation_id="cancelMyOrder",
        summary="Cancel a paid order the store has not accepted yet; its total is refunded",
        responses=problem_responses(401, 404, 409),
    )
    async def cancel(self, order_id: FromPath[str], services: Svc, user_id: UserId) -> OrderView:
        return await services.buyer_orders.cancel(user_id, order_id)

    @post(
        "/{order_id:str}/confirm-received",
        status_code=200,
        operation_id="confirmOrderReceived",
        summary="Say the parcel arrived: the order completes",
        responses=problem_responses(401, 404, 409),
    )
    async def confirm_received(self, order_id: FromPath[str], services: Svc, user_id: UserId) -> OrderView:
        return await services.buyer_orders.confirm_received(user_id, order_id)

    @get(
        "/{order_id:str}/shipment",
        operation_id="getOrderShipment",
        summary="The order's courier booking: status, driver, tracking link, timeline and earlier attempts "
        "(for its buyer and its store's owner)",
        responses=problem_responses(401, 404),
    )
    async def shipment(self, order_id: FromPath[str], services: Svc, user_id: UserId) -> ShipmentView:
        return await services.get_shipment(user_id, order_id)


class StoreOrderController(Controller):
    path = "/api/v1/stores/{store_id:str}/orders"
    tags = ["Store orders"]
    security = BEARER

    @get(
        "/",
        operation_id="listStoreOrders",
        summary="My store's orders, newest first",
        responses=problem_responses(401, 403, 404, 422),
    )
    async def index(
        self,
        store_id: StoreRef,
        services: Svc,
        user_id: UserId,
        status: StatusFilter = None,
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> Page[OrderView]:
        return await services.store_orders.list(user_id, store_id, status.value if status else None, limit, cursor)

    @get(
        "/{order_id:str}",
        operation_id="getStoreOrder",
        summary="One order of my store, with the buyer's name, phone and address for packing",
        responses=problem_responses(401, 403, 404),
    )
    async def show(self, store_id: StoreRef, order_id: FromPath[str], services: Svc, user_id: UserId) -> OrderView:
        return await services.store_orders.get(user_id, store_id, order_id)

    @post(
        "/{order_id:str}/accept",
        status_code=200,
        operation_id="acceptStoreOrder",
        summary="Accept a paid order",
        responses=problem_responses(401, 403, 404, 409),
    )
    async def accept(self, store_id: StoreRef, order_id: FromPath[str], services: Svc, user_id: UserId) -> OrderView:
        return await services.store_orders.accept(user_id, store_id, order_id)

    @post(
        "/{order_id:str}/reject",
        status_code=200,
        operation_id="rejectStoreOrder",
        summary="Reject a paid order: the stock comes back and the buyer is refunded",
        responses=problem_responses(401, 403, 404, 409),
    )
    async def reject(self, store_id: StoreRef, order_id: FromPath[str], services: Svc, user_id: UserId) -> OrderView:
        return await services.store_orders.reject(user_id, store_id, order_id)

    @post(
        "/{order_id:str}/ship",
        status_code=200,
        operation_id="shipStoreOrder",
        summary="Book the courier for an accepted order (again after no_driver or a cancelled booking); "
        "502/503 when the courier fails, and the order keeps its state",
        responses=problem_responses(401, 403, 404, 409, 422, 502, 503),
    )
    async def ship(self, store_id: StoreRef, order_id: FromPath[str], services: Svc, user_id: UserId) -> ShipmentView:
        return await services.store_shipping.ship(user_id, store_id, order_id)

    @post(
        "/{order_id:str}/cancel-shipment",
        status_code=200,
        operation_id="cancelStoreOrderShipment",
        summary="Cancel the live courier booking before the driver picks the parcel up; the order is accepted again",
        responses=problem_responses(401, 403, 404, 409, 503),
    )
    async def cancel_shipment(
        self, store_id: StoreRef, order_id: FromPath[str], services: Svc, user_id: UserId
    ) -> ShipmentView:
        return await services.store_shipping.cancel(user_id, store_id, order_id)
