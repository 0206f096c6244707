"""Chat over HTTP (docs/api.md, "Chat over HTTP"): the same use cases as the Socket.IO events."""

from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.params import FromPath, JSONBody
from msgspec import Meta

from marketplace.application.chat.views import ConversationView, MessageView
from marketplace.application.shared.views import Page
from marketplace.domain.chat.conversation import MAX_CLIENT_ID, MAX_MEDIA
from marketplace.entrypoints.http.controllers._types import BEARER, Cursor, Limit, Svc, UserId
from marketplace.entrypoints.http.problems import also_ok, problem_responses
from marketplace.entrypoints.http.schemas.common import Body, Uuid, stripped
from marketplace.entrypoints.http.schemas.patterns import CLIENT_ID

Ref = Annotated[str, Meta(min_length=1, max_length=64, description="the store's id or slug")]


class OpenConversationBody(Body, kw_only=True):
    store_id: Ref
    product_id: Uuid | None = None
    order_id: Uuid | None = None


class SendMessageBody(Body, kw_only=True):
    """Text or at least one attachment (stated in the OpenAPI document by openapi_fixes)."""

    client_id: Annotated[str, Meta(min_length=1, max_length=MAX_CLIENT_ID, pattern=CLIENT_ID)]
    body: Annotated[str, stripped(0, 100_000)] = ""
    media_ids: Annotated[list[Uuid], Meta(max_length=MAX_MEDIA)] = []


class MarkReadBody(Body, kw_only=True):
    up_to_message_id: Uuid


class ConversationController(Controller):
    path = "/api/v1/conversations"
    tags = ["Chat"]
    security = BEARER

    @get(
        "/",
        operation_id="listConversations",
        summary="My conversations (as a buyer and as a store owner), most recently active first, with the last "
        "message and my unread count",
        responses=problem_responses(401, 422),
    )
    async def index(
        self, services: Svc, user_id: UserId, limit: Limit = 20, cursor: Cursor = None
    ) -> Page[ConversationView]:
        return await services.conversations.list(user_id, limit, cursor)

    @post(
        "/",
        operation_id="openConversation",
        summary="Open a conversation with a store, about a product or an order if given: 201 when created, "
        "200 when it was open already",
        status_code=201,
        responses={**problem_responses(400, 401, 404, 422), **also_ok(ConversationView, "it was open already")},
    )
    async def open(
        self, data: JSONBody[OpenConversationBody], services: Svc, user_id: UserId
    ) -> Response[ConversationView]:
        view, created = await services.conversations.open(user_id, data.store_id, data.product_id, data.order_id)
        return Response(view, status_code=201 if created else 200)

    @get(
        "/{conversation_id:str}",
        operation_id="getConversation",
        summary="One of my conversations",
        responses=problem_responses(401, 404),
    )
    async def show(self, conversation_id: FromPath[str], services: Svc, user_id: UserId) -> ConversationView:
        return await services.conversations.get(user_id, conversation_id)

    @get(
        "/{conversation_id:str}/messages",
        operation_id="listMessages",
        summary="Messages, newest first",
        responses=problem_responses(401, 404, 422),
    )
    async def messages(
        self, conversation_id: FromPath[str], services: Svc, user_id: UserId, limit: Limit = 20, cursor: Cursor = None
    ) -> Page[MessageView]:
        return await services.chat_messages.history(user_id, conversation_id, limit, cursor)

    @post(
        "/{conversation_id:str}/messages",
        operation_id="sendMessage",
        status_code=201,
        summary="Send a message (as the socket's message:send): 201 once stored; the same client_id again "
        "answers 200 with the stored message",
        responses={
            **problem_responses(400, 401, 404, 422, 429),
            **also_ok(MessageView, "a resend: the stored message"),
        },
    )
    async def send(
        self, conversation_id: FromPath[str], data: JSONBody[SendMessageBody], services: Svc, user_id: UserId
    ) -> Response[MessageView]:
        view, created = await services.chat_messages.send(
            user_id, conversation_id, data.client_id, data.body, list(data.media_ids)
        )
        return Response(view, status_code=201 if created else 200)

    @post(
        "/{conversation_id:str}/read",
        operation_id="markConversationRead",
        status_code=204,
        summary="Mark messages read up to one (as the socket's message:read)",
        responses=problem_responses(400, 401, 404, 422),
    )
    async def read(
        self, conversation_id: FromPath[str], data: JSONBody[MarkReadBody], services: Svc, user_id: UserId
    ) -> None:
        await services.chat_messages.read(user_id, conversation_id, data.up_to_message_id)
