"""The buyer's cart over HTTP."""

from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, JSONBody
from msgspec import Meta

from marketplace.application.cart.views import CartView
from marketplace.domain.cart.cart import MAX_QUANTITY
from marketplace.entrypoints.http.controllers._types import BEARER, Svc, UserId
from marketplace.entrypoints.http.problems import problem_responses
from marketplace.entrypoints.http.schemas.common import Body, Uuid

Quantity = Annotated[int, Meta(ge=1, le=MAX_QUANTITY)]


class CartItemBody(Body, kw_only=True):
    variant_id: Uuid
    quantity: Quantity


class CartQuantityBody(Body, kw_only=True):
    quantity: Quantity


class CartController(Controller):
    path = "/api/v1/cart"
    tags = ["Cart"]
    security = BEARER

    @get("/", operation_id="getCart", summary="My cart, by store, at today's prices", responses=problem_responses(401))
    async def show(self, services: Svc, user_id: UserId) -> CartView:
        return await services.cart.view(user_id)

    @post(
        "/items",
        status_code=201,
        operation_id="addToCart",
        summary="Add a variant to my cart",
        responses=problem_responses(400, 401, 409, 422),
    )
    async def add(self, data: JSONBody[CartItemBody], services: Svc, user_id: UserId) -> CartView:
        return await services.cart.add(user_id, data.variant_id, data.quantity)

    @patch(
        "/items/{variant_id:str}",
        operation_id="changeCartItem",
        summary="Change a line's quantity",
        responses=problem_responses(400, 401, 404, 409, 422),
    )
    async def change(
        self, variant_id: FromPath[str], data: JSONBody[CartQuantityBody], services: Svc, user_id: UserId
    ) -> CartView:
        return await services.cart.set_quantity(user_id, variant_id, data.quantity)

    @delete(
        "/items/{variant_id:str}",
        operation_id="removeCartItem",
        summary="Remove a line",
        responses=problem_responses(400, 401, 404),
    )
    async def remove(self, variant_id: FromPath[str], services: Svc, user_id: UserId) -> None:
        await services.cart.remove(user_id, variant_id)
