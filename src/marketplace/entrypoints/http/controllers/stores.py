"""Stores over HTTP: open, show, browse, update; admins suspend and reinstate."""

from typing import Annotated

import msgspec
from litestar import Controller, get, patch, post
from litestar.params import JSONBody, QueryParameter

from marketplace.application.shared.views import Page
from marketplace.application.stores.open_store import OpenStoreCommand
from marketplace.application.stores.update_store import StoreChanges
from marketplace.application.stores.views import StoreView
from marketplace.entrypoints.http.controllers._types import BEARER, Cursor, Limit, StoreRef, Svc, UserId, ViewerId
from marketplace.entrypoints.http.problems import problem_responses
from marketplace.entrypoints.http.schemas.catalog import StoreBody, StorePatch

StoreQuery = Annotated[str | None, QueryParameter(max_length=200, description="text in the name or description")]


class StoreController(Controller):
    path = "/api/v1/stores"
    tags = ["Stores"]

    @post(
        "/",
        status_code=201,
        operation_id="openStore",
        summary="Open a store",
        security=BEARER,
        responses=problem_responses(400, 401, 409, 422),
    )
    async def open_store(self, data: JSONBody[StoreBody], services: Svc, user_id: UserId) -> StoreView:
        command = OpenStoreCommand(
            name=data.name,
            description=data.description,
            pickup_address=data.pickup_address.to_input(),
            logo_media_id=data.logo_media_id,
        )
        return await services.open_store(user_id, command)

    @get("/", operation_id="browseStores", summary="Browse active stores", responses=problem_responses(400, 401, 422))
    async def browse(
        self, services: Svc, q: StoreQuery = None, limit: Limit = 20, cursor: Cursor = None
    ) -> Page[StoreView]:
        return await services.browse_stores(q, limit, cursor)

    @get(
        "/{store_id:str}",
        operation_id="getStore",
        summary="A store by id or slug",
        responses=problem_responses(401, 404),
    )
    async def show(self, store_id: StoreRef, services: Svc, viewer_id: ViewerId) -> StoreView:
        return await services.get_store(store_id, viewer_id)

    @patch(
        "/{store_id:str}",
        operation_id="updateStore",
        summary="Change my store",
        security=BEARER,
        responses=problem_responses(),
    )
    async def update(self, store_id: StoreRef, data: JSONBody[StorePatch], services: Svc, user_id: UserId) -> StoreView:
        changes = StoreChanges(
            name=None if data.name is msgspec.UNSET else data.name,
            description=None if data.description is msgspec.UNSET else data.description,
            pickup_address=None if data.pickup_address is msgspec.UNSET else data.pickup_address.to_input(),
            logo_media_id=None if data.logo_media_id is msgspec.UNSET else data.logo_media_id,
            clear_logo=data.logo_media_id is None,
        )
        return await services.update_store(user_id, store_id, changes)


class StoreAdminController(Controller):
    path = "/api/v1/admin/stores"
    tags = ["Admin"]
    security = BEARER

    @post(
        "/{store_id:str}/suspend",
        status_code=200,
        operation_id="suspendStore",
        summary="Suspend a store (admin)",
        responses=problem_responses(401, 403, 404, 409),
    )
    async def suspend(self, store_id: StoreRef, services: Svc, user_id: UserId) -> StoreView:
        return await services.suspend_store(user_id, store_id)

    @post(
        "/{store_id:str}/unsuspend",
        status_code=200,
        operation_id="unsuspendStore",
        summary="Reinstate a store (admin)",
        responses=problem_responses(401, 403, 404, 409),
    )
    async def unsuspend(self, store_id: StoreRef, services: Svc, user_id: UserId) -> StoreView:
        return await services.unsuspend_store(user_id, store_id)
