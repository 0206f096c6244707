"""The CMS over HTTP: anyone reads published pages and live banners; admins write and publish them."""

from typing import Annotated, Literal

from litestar import Controller, get, patch, post
from litestar.params import JSONBody, PathParameter, QueryParameter

from marketplace.application.cms.views import BannerView, PageView, PublicPageView
from marketplace.application.shared.views import Page
from marketplace.entrypoints.http.controllers._types import BEARER, Cursor, Limit, Svc, UserId
from marketplace.entrypoints.http.problems import problem_responses
from marketplace.entrypoints.http.schemas.cms import BannerBody, BannerPatch, PageBody, PagePatch
from marketplace.entrypoints.http.schemas.patterns import PLACEMENT

PageSlug = Annotated[str, PathParameter(description="the page's slug")]
PageId = Annotated[str, PathParameter(description="the page's id")]
BannerId = Annotated[str, PathParameter(description="the banner's id")]
PlacementFilter = Annotated[str | None, QueryParameter(max_length=40, description="only banners shown there")]
# The public list checks the placement as a banner's (the admins' list takes any text to search by).
LivePlacement = Annotated[
    str | None, QueryParameter(max_length=40, pattern=PLACEMENT, description="only banners shown there")
]
StatusFilter = Annotated[Literal["draft", "published"] | None, QueryParameter()]


class CmsController(Controller):
    path = "/api/v1/cms"
    tags = ["CMS"]

    @get(
        "/pages/{slug:str}",
        operation_id="getCmsPage",
        summary="A published page by slug",
        responses=problem_responses(404),
    )
    async def page(self, slug: PageSlug, services: Svc) -> PublicPageView:
        return await services.read_public_page(slug)

    @get(
        "/banners",
        operation_id="listCmsBanners",
        summary="Banners published and inside their time window now",
        responses=problem_responses(422),
    )
    async def banners(
        self, services: Svc, placement: LivePlacement = None, limit: Limit = 20, cursor: Cursor = None
    ) -> Page[BannerView]:
        return await services.list_live_banners(placement, limit, cursor)


class CmsAdminController(Controller):
    path = "/api/v1/admin/cms"
    tags = ["Admin"]
    security = BEARER

    @post(
        "/pages",
        status_code=201,
        operation_id="createCmsPage",
        summary="Write a draft page (admin)",
        responses=problem_responses(401, 403, 409, 422),
    )
    async def create_page(self, data: JSONBody[PageBody], services: Svc, user_id: UserId) -> PageView:
        return await services.create_page(user_id, data.to_input())

    @get(
        "/pages",
        operation_id="listCmsPages",
        summary="Every page, drafts included, newest first (admin)",
        responses=problem_responses(401, 403, 422),
    )
    async def list_pages(
        self, services: Svc, user_id: UserId, status: StatusFilter = None, limit: Limit = 20, cursor: Cursor = None
    ) -> Page[PageView]:
        return await services.list_pages(user_id, status, limit, cursor)

    @get(
        "/pages/{page_id:str}",
        operation_id="getCmsPageById",
        summary="A page by id, drafts included (admin)",
        responses=problem_responses(401, 403, 404),
    )
    async def show_page(self, page_id: PageId, services: Svc, user_id: UserId) -> PageView:
        return await services.show_page(user_id, page_id)

    @patch(
        "/pages/{page_id:str}",
        operation_id="updateCmsPage",
        summary="Change a page; a published one stays published with the new content (admin)",
        responses=problem_responses(401, 403, 404, 409, 422),
    )
    async def edit_page(self, page_id: PageId, data: JSONBody[PagePatch], services: Svc, user_id: UserId) -> PageView:
        return await services.edit_page(user_id, page_id, data.to_changes())

    @post(
        "/pages/{page_id:str}/publish",
        status_code=200,
        operation_id="publishCmsPage",
        summary="Publish a draft page (admin)",
        responses=problem_responses(401, 403, 404, 409),
    )
    async def publish_page(self, page_id: PageId, services: Svc, user_id: UserId) -> PageView:
        return await services.publish_page(user_id, page_id)

    @post(
        "/pages/{page_id:str}/unpublish",
        status_code=200,
        operation_id="unpublishCmsPage",
        summary="Take a published page back to draft (admin)",
        responses=problem_responses(401, 403, 404, 409),
    )
    async def unpublish_page(self, page_id: PageId, services: Svc, user_id: UserId) -> PageView:
        return await services.unpublish_page(user_id, page_id)

    @post(
        "/banners",
        status_code=201,
        operation_id="createCmsBanner",
        summary="Make a draft banner (admin)",
        responses=problem_responses(401, 403, 422),
    )
    async def create_banner(self, data: JSONBody[BannerBody], services: Svc, user_id: UserId) -> BannerView:
        return await services.create_banner(user_id, data.to_input())

    @get(
        "/banners",
        operation_id="listCmsBannersAdmin",
        summary="Every banner, drafts and ended ones included, newest first (admin)",
        responses=problem_responses(401, 403, 422),
    )
    async def list_banners(
        self,
        services: Svc,
        user_id: UserId,
        placement: PlacementFilter = None,
        status: StatusFilter = None,
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> Page[BannerView]:
        return await services.list_banners(user_id, placement, status, limit, cursor)

    @get(
        "/banners/{banner_id:str}",
        operation_id="getCmsBanner",
        summary="A banner by id, drafts included (admin)",
        responses=problem_responses(401, 403, 404),
    )
    async def show_banner(self, banner_id: BannerId, services: Svc, user_id: UserId) -> BannerView:
        return await services.show_banner(user_id, banner_id)

    @patch(
        "/banners/{banner_id:str}",
        operation_id="updateCmsBanner",
        summary="Change a banner; a published one stays published (admin)",
        responses=problem_responses(401, 403, 404, 409, 422),
    )
    async def edit_banner(
        self, banner_id: BannerId, data: JSONBody[BannerPatch], services: Svc, user_id: UserId
    ) -> BannerView:
        return await services.edit_banner(user_id, banner_id, data.to_changes())

    @post(
        "/banners/{banner_id:str}/publish",
        status_code=200,
        operation_id="publishCmsBanner",
        summary="Publish a draft banner; refused once its window has ended (admin)",
        responses=problem_responses(401, 403, 404, 409),
    )
    async def publish_banner(self, banner_id: BannerId, services: Svc, user_id: UserId) -> BannerView:
        return await services.publish_banner(user_id, banner_id)

    @post(
        "/banners/{banner_id:str}/unpublish",
        status_code=200,
        operation_id="unpublishCmsBanner",
        summary="Take a published banner back to draft (admin)",
        responses=problem_responses(401, 403, 404, 409),
    )
    async def unpublish_banner(self, banner_id: BannerId, services: Svc, user_id: UserId) -> BannerView:
        return await services.unpublish_banner(user_id, banner_id)
