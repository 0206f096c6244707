"""Quote and check out the cart; see and cancel a checkout."""

from dataclasses import replace
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, HeaderParameter, JSONBody
from msgspec import Meta

from marketplace.application.affiliate.attribution import COOKIE
from marketplace.application.ordering.place_checkout import CheckoutRequest
from marketplace.application.ordering.views import CheckoutView, QuoteView
from marketplace.entrypoints.http.controllers._types import BEARER, Svc, UserId
from marketplace.entrypoints.http.idempotency import idempotent
from marketplace.entrypoints.http.problems import problem_responses
from marketplace.entrypoints.http.schemas.common import Body, Uuid
from marketplace.entrypoints.http.schemas.patterns import REFERRAL_CODE

IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        max_length=255,
        description="Required: unique per intent; a retry with the same key and body answers the first status and "
        "body (422 without it)",
    ),
]
StoreId = Annotated[str, Meta(min_length=1, max_length=64)]
# Any text: the use case names the store in its 422 (`shipping.<store id>`); the OpenAPI document says which
# keys and methods can work (openapi_fixes).
Method = Annotated[str, Meta(min_length=1, max_length=32, description="`instant` or `same_day`")]


class QuoteBody(Body, kw_only=True):
    address_id: Uuid


class CheckoutBody(Body, kw_only=True):
    address_id: Uuid
    shipping: Annotated[dict[StoreId, Method], Meta(max_length=100, description="store id -> shipping method")]
    referral_code: Annotated[str, Meta(max_length=64, pattern=REFERRAL_CODE)] | None = None


class CheckoutController(Controller):
    path = "/api/v1"
    tags = ["Checkout"]
    security = BEARER

    @post(
        "/checkout/quote",
        status_code=200,
        operation_id="quoteCheckout",
        summary="What my cart costs per store, with each store's shipping options to an address",
        responses=problem_responses(401, 409, 422),
    )
    async def quote(self, data: JSONBody[QuoteBody], services: Svc, user_id: UserId) -> QuoteView:
        return await services.quote_checkout(user_id, data.address_id)

    @post(
        "/checkouts",
        status_code=201,
        operation_id="createCheckout",
        summary="Check out my cart: one order per store, stock reserved, one invoice (needs Idempotency-Key)",
        description="Send a unique `Idempotency-Key` header per intent; a retry with the same key and body "
        "answers the first status and body, without reserving twice.",
        responses=problem_responses(401, 409, 422, 502, 503),
    )
    async def create(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[CheckoutBody],
        services: Svc,
        user_id: UserId,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[CheckoutView]:
        clicked = services.attribution.read(request.cookies.get(COOKIE), services.clock.now())
        order = CheckoutRequest(
            address_id=data.address_id,
            shipping=dict(data.shipping),
            referral_code=data.referral_code,
            clicked_code=clicked.code if clicked else None,
        )
        return await idempotent(
            request,
            services,
            user_id,
            "POST /api/v1/checkouts",
            lambda key: services.place_checkout(user_id, replace(order, idempotency_key=key)),
        )

    @get(
        "/checkouts/{checkout_id:str}",
        operation_id="getCheckout",
        summary="One of my checkouts, as it is now",
        responses=problem_responses(401, 404),
    )
    async def show(self, checkout_id: FromPath[str], services: Svc, user_id: UserId) -> CheckoutView:
        return await services.get_checkout(user_id, checkout_id)

    @post(
        "/checkouts/{checkout_id:str}/cancel",
        status_code=200,
        operation_id="cancelCheckout",
        summary="Cancel an unpaid checkout: every order cancelled, the invoice expired, the stock back",
        responses=problem_responses(401, 404, 409, 503),
    )
    async def cancel(self, checkout_id: FromPath[str], services: Svc, user_id: UserId) -> CheckoutView:
        return await services.cancel_checkout(user_id, checkout_id)
