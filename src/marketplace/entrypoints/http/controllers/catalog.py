"""The catalog over HTTP: categories, products, variants, browsing and search."""

from typing import Annotated, Literal, TypeVar
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter

from marketplace.application.catalog.browse_products import BrowseParams
from marketplace.application.catalog.commands import CreateProductCommand, ProductChanges, VariantChanges
from marketplace.application.catalog.views import CategoryNode, ProductCard, ProductDetail, Sort, VariantView
from marketplace.application.shared.views import Page
from marketplace.entrypoints.http.controllers._types import (
    BEARER,
    Cursor,
    Limit,
    ProductRef,
    StoreRef,
    Svc,
    UserId,
    ViewerId,
)
from marketplace.entrypoints.http.problems import problem_responses
from marketplace.entrypoints.http.schemas.catalog import (
    CategoryBody,
    ProductBody,
    ProductPatch,
    VariantBody,
    VariantPatch,
    money_of,
)

Price = Annotated[int | None, QueryParameter(ge=0, le=1_000_000_000_000, description="integer amount (IDR)")]
Text = Annotated[str | None, QueryParameter(max_length=200)]
IdFilter = Annotated[UUID | None, QueryParameter(description="an id")]
Status = Annotated[Literal["draft", "active", "archived"] | None, QueryParameter()]


T = TypeVar("T")


class CategoryTree(msgspec.Struct, frozen=True):
    items: list[CategoryNode]


def _set(value: T | msgspec.UnsetType) -> T | None:
    return None if isinstance(value, msgspec.UnsetType) else value


class CategoryController(Controller):
    tags = ["Catalog"]

    @get(
        "/api/v1/categories",
        operation_id="listCategories",
        summary="The category tree",
        responses=problem_responses(400),
    )
    async def tree(self, services: Svc) -> CategoryTree:
        return CategoryTree(items=await services.list_categories())

    @post(
        "/api/v1/admin/categories",
        status_code=201,
        operation_id="createCategory",
        summary="Add a category (admin)",
        security=BEARER,
        responses=problem_responses(400, 401, 403, 409, 422),
    )
    async def create(self, data: JSONBody[CategoryBody], services: Svc, user_id: UserId) -> CategoryNode:
        return await services.create_category(user_id, data.name, data.parent_id)


class StoreProductController(Controller):
    path = "/api/v1/stores/{store_id:str}/products"
    tags = ["Catalog"]

    @post(
        "/",
        status_code=201,
        operation_id="createProduct",
        summary="Create a draft product in my store",
        security=BEARER,
        responses=problem_responses(),
    )
    async def create(
        self, store_id: StoreRef, data: JSONBody[ProductBody], services: Svc, user_id: UserId
    ) -> ProductDetail:
        command = CreateProductCommand(
            title=data.title,
            description=data.description,
            category_id=data.category_id,
            variants=[v.to_input() for v in data.variants],
            media_ids=list(data.media_ids),
        )
        return await services.create_product(user_id, store_id, command)

    @get(
        "/",
        operation_id="listStoreProducts",
        summary="A store's products (owners see every status)",
        responses=problem_responses(400, 401, 404, 422),
    )
    async def list_products(
        self,
        store_id: StoreRef,
        services: Svc,
        viewer_id: ViewerId,
        status: Status = None,
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> Page[ProductCard]:
        return await services.list_store_products(store_id, viewer_id, status, limit, cursor)


class ProductController(Controller):
    path = "/api/v1/products"
    tags = ["Catalog"]

    @get(
        "/",
        operation_id="browseProducts",
        summary="Browse and search the catalog",
        responses=problem_responses(400, 422),
    )
    async def browse(
        self,
        services: Svc,
        q: Text = None,
        category: IdFilter = None,
        store: IdFilter = None,
        min_price: Price = None,
        max_price: Price = None,
        sort: Annotated[Sort | None, QueryParameter()] = None,
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> Page[ProductCard]:
        params = BrowseParams(
            q=q,
            category=str(category) if category else None,
            store=str(store) if store else None,
            min_price=min_price,
            max_price=max_price,
            sort=sort,
            limit=limit,
            cursor=cursor,
        )
        return await services.browse_products(params)

    @get(
        "/{product_id:str}",
        operation_id="getProduct",
        summary="A product by id or slug",
        responses=problem_responses(401, 404),
    )
    async def show(self, product_id: ProductRef, services: Svc, viewer_id: ViewerId) -> ProductDetail:
        return await services.get_product(product_id, viewer_id)

    @patch(
        "/{product_id:str}",
        operation_id="updateProduct",
        summary="Change my product",
        security=BEARER,
        responses=problem_responses(),
    )
    async def update(
        self, product_id: ProductRef, data: JSONBody[ProductPatch], services: Svc, user_id: UserId
    ) -> ProductDetail:
        changes = ProductChanges(
            title=_set(data.title),
            description=_set(data.description),
            category_id=_set(data.category_id),
            clear_category=data.category_id is None,
            media_ids=None if data.media_ids is msgspec.UNSET else list(data.media_ids),
        )
        return await services.update_product(user_id, product_id, changes)

    @post(
        "/{product_id:str}/publish",
        status_code=200,
        operation_id="publishProduct",
        summary="Publish my product",
        security=BEARER,
        responses=problem_responses(401, 403, 404, 409),
    )
    async def publish(self, product_id: ProductRef, services: Svc, user_id: UserId) -> ProductDetail:
        return await services.publish_product(user_id, product_id)

    @post(
        "/{product_id:str}/archive",
        status_code=200,
        operation_id="archiveProduct",
        summary="Archive my product",
        security=BEARER,
        responses=problem_responses(401, 403, 404, 409),
    )
    async def archive(self, product_id: ProductRef, services: Svc, user_id: UserId) -> ProductDetail:
        return await services.archive_product(user_id, product_id)

    @post(
        "/{product_id:str}/variants",
        status_code=201,
        operation_id="addVariant",
        summary="Add a variant",
        security=BEARER,
        responses=problem_responses(),
    )
    async def add_variant(
        self, product_id: ProductRef, data: JSONBody[VariantBody], services: Svc, user_id: UserId
    ) -> VariantView:
        return await services.add_variant(user_id, product_id, data.to_input())

    @patch(
        "/{product_id:str}/variants/{variant_id:str}",
        operation_id="changeVariant",
        summary="Change a variant (name, price, stock)",
        security=BEARER,
        responses=problem_responses(),
    )
    async def change_variant(
        self,
        product_id: ProductRef,
        variant_id: FromPath[str],
        data: JSONBody[VariantPatch],
        services: Svc,
        user_id: UserId,
    ) -> VariantView:
        changes = VariantChanges(
            name=_set(data.name),
            price=None if data.price is msgspec.UNSET else money_of(data.price),
            stock=_set(data.stock),
        )
        return await services.change_variant(user_id, product_id, variant_id, changes)

    @delete(
        "/{product_id:str}/variants/{variant_id:str}",
        operation_id="removeVariant",
        summary="Remove a variant",
        security=BEARER,
        responses=problem_responses(401, 403, 404, 409),
    )
    async def remove_variant(
        self, product_id: ProductRef, variant_id: FromPath[str], services: Svc, user_id: UserId
    ) -> None:
        await services.remove_variant(user_id, product_id, variant_id)
