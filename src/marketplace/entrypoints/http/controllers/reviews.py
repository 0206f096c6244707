"""Reviews over HTTP (docs/api.md, "Reviews")."""

from typing import Annotated, Literal

from litestar import Controller, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter
from msgspec import UNSET, Meta, UnsetType

from marketplace.application.reviews.use_cases import ReviewEdit
from marketplace.application.reviews.views import ReviewPage, ReviewView
from marketplace.domain.reviews.review import MAX_BODY, MAX_PHOTOS, MAX_REPLY
from marketplace.entrypoints.http.controllers._types import BEARER, Cursor, Limit, ProductRef, Svc, UserId, ViewerId
from marketplace.entrypoints.http.problems import problem_responses
from marketplace.entrypoints.http.schemas.common import Body, Uuid, stripped

Stars = Annotated[int, Meta(ge=1, le=5)]
MediaIds = Annotated[list[Uuid], Meta(max_length=MAX_PHOTOS)]
ReviewText = Annotated[str, stripped(0, MAX_BODY)]


class ReviewBody(Body, kw_only=True):
    rating: Stars
    body: ReviewText = ""
    media_ids: MediaIds = []


class ReviewPatch(Body, kw_only=True):
    rating: Stars | UnsetType = UNSET
    body: ReviewText | UnsetType = UNSET
    media_ids: MediaIds | UnsetType = UNSET


class ReplyBody(Body, kw_only=True):
    body: Annotated[str, stripped(1, MAX_REPLY)]


class OrderReviewController(Controller):
    path = "/api/v1/orders/{order_id:str}/lines/{line_id:str}/review"
    tags = ["Reviews"]
    security = BEARER

    @post(
        "/",
        status_code=201,
        operation_id="reviewOrderLine",
        summary="Review a line of my completed order (once); 409 before completion or for a second review",
        responses=problem_responses(400, 401, 404, 409, 422),
    )
    async def create(
        self,
        order_id: FromPath[str],
        line_id: FromPath[str],
        data: JSONBody[ReviewBody],
        services: Svc,
        user_id: UserId,
    ) -> ReviewView:
        return await services.reviews.write(user_id, order_id, line_id, data.rating, data.body, list(data.media_ids))


class ReviewController(Controller):
    path = "/api/v1/reviews"
    tags = ["Reviews"]
    security = BEARER

    @patch(
        "/{review_id:str}",
        operation_id="editReview",
        summary="Edit my review while its edit window is open (MARKETPLACE_REVIEW_EDIT_SECONDS)",
        responses=problem_responses(400, 401, 404, 409, 422),
    )
    async def edit(
        self, review_id: FromPath[str], data: JSONBody[ReviewPatch], services: Svc, user_id: UserId
    ) -> ReviewView:
        changes = ReviewEdit(
            rating=None if isinstance(data.rating, UnsetType) else data.rating,
            body=None if isinstance(data.body, UnsetType) else data.body,
            media_ids=None if isinstance(data.media_ids, UnsetType) else list(data.media_ids),
        )
        return await services.reviews.edit(user_id, review_id, changes)

    @post(
        "/{review_id:str}/reply",
        status_code=201,
        operation_id="replyToReview",
        summary="The store's owner replies, once (409 for a second)",
        responses=problem_responses(400, 401, 403, 404, 409, 422),
    )
    async def reply(
        self, review_id: FromPath[str], data: JSONBody[ReplyBody], services: Svc, user_id: UserId
    ) -> ReviewView:
        return await services.reviews.reply(user_id, review_id, data.body)


class ReviewAdminController(Controller):
    path = "/api/v1/admin/reviews"
    tags = ["Admin"]
    security = BEARER

    @post(
        "/{review_id:str}/hide",
        status_code=200,
        operation_id="hideReview",
        summary="Hide a review (admin): it leaves the list and the rating summaries",
        responses=problem_responses(401, 403, 404),
    )
    async def hide(self, review_id: FromPath[str], services: Svc, user_id: UserId) -> ReviewView:
        return await services.reviews.hide(user_id, review_id)


class ProductReviewController(Controller):
    path = "/api/v1/products/{product_id:str}/reviews"
    tags = ["Reviews"]

    @get(
        "/",
        operation_id="listProductReviews",
        summary="A product's visible reviews with its rating summary (average, count, distribution)",
        responses=problem_responses(404, 422),
    )
    async def index(
        self,
        product_id: ProductRef,
        services: Svc,
        viewer_id: ViewerId,
        rating: Annotated[int | None, QueryParameter(ge=1, le=5, description="only reviews of this many stars")] = None,
        sort: Annotated[Literal["newest", "highest", "lowest"], QueryParameter(description="order")] = "newest",
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> ReviewPage:
        return await services.reviews.of_product(viewer_id, product_id, rating, sort, limit, cursor)
