"""Identity over HTTP: register, log in, refresh, log out, profile and saved addresses."""

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, JSONBody

from marketplace.application.identity.log_in import Credentials
from marketplace.application.identity.profile import ProfileChanges
from marketplace.application.identity.register_user import Register
from marketplace.application.identity.views import Profile, RegisteredUser, SavedAddress, TokenPair
from marketplace.application.shared.views import Page
from marketplace.entrypoints.http.controllers._types import BEARER, ClientAddress, RateLimit, Svc, UserId
from marketplace.entrypoints.http.problems import problem_responses
from marketplace.entrypoints.http.schemas.common import AddressBody, AddressPatch
from marketplace.entrypoints.http.schemas.identity import LoginBody, ProfilePatch, RefreshBody, RegisterBody


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["Identity"]

    @post(
        "/register",
        status_code=201,
        operation_id="register",
        summary="Register an account",
        responses=problem_responses(400, 409, 422, 429),
    )
    async def register(self, data: JSONBody[RegisterBody], services: Svc, auth_rate_limit: RateLimit) -> RegisteredUser:
        return await services.register_user(Register(email=data.email, password=data.password, name=data.name))

    @post(
        "/login",
        status_code=200,
        operation_id="logIn",
        summary="Log in: a token pair",
        responses=problem_responses(400, 401, 422, 429),
    )
    async def log_in(
        self, data: JSONBody[LoginBody], services: Svc, auth_rate_limit: RateLimit, client_address: ClientAddress
    ) -> TokenPair:
        return await services.log_in(Credentials(email=data.email, password=data.password, client=client_address))

    @post(
        "/refresh",
        status_code=200,
        operation_id="refreshSession",
        summary="Rotate the refresh token",
        responses=problem_responses(400, 401, 422),
    )
    async def refresh(self, data: JSONBody[RefreshBody], services: Svc) -> TokenPair:
        return await services.refresh_session(data.refresh_token)

    @post(
        "/logout",
        status_code=204,
        operation_id="logOut",
        summary="Log out: revoke the session",
        security=BEARER,
        responses=problem_responses(400, 401, 422),
    )
    async def log_out(self, data: JSONBody[RefreshBody], services: Svc, user_id: UserId) -> None:
        await services.log_out(user_id, data.refresh_token)


class MeController(Controller):
    path = "/api/v1/me"
    tags = ["Identity"]
    security = BEARER

    @get("/", operation_id="getProfile", summary="My profile", responses=problem_responses(401))
    async def profile(self, services: Svc, user_id: UserId) -> Profile:
        return await services.get_profile(user_id)

    @patch("/", operation_id="updateProfile", summary="Change my profile", responses=problem_responses(400, 401, 422))
    async def update_profile(self, data: JSONBody[ProfilePatch], services: Svc, user_id: UserId) -> Profile:
        phone = None if data.phone is msgspec.UNSET else data.phone
        changes = ProfileChanges(
            name=None if data.name is msgspec.UNSET else data.name,
            phone=phone or None,
            clear_phone=data.phone is not msgspec.UNSET and not data.phone,
        )
        return await services.update_profile(user_id, changes)

    @get("/addresses", operation_id="listAddresses", summary="My saved addresses", responses=problem_responses(401))
    async def addresses(self, services: Svc, user_id: UserId) -> Page[SavedAddress]:
        return Page(items=await services.list_addresses(user_id), next_cursor=None)

    @post(
        "/addresses",
        status_code=201,
        operation_id="addAddress",
        summary="Save an address",
        responses=problem_responses(400, 401, 409, 422),
    )
    async def add_address(self, data: JSONBody[AddressBody], services: Svc, user_id: UserId) -> SavedAddress:
        return await services.add_address(user_id, data.to_input())

    @patch(
        "/addresses/{address_id:str}",
        operation_id="changeAddress",
        summary="Change a saved address",
        responses=problem_responses(400, 401, 404, 422),
    )
    async def change_address(
        self, address_id: FromPath[str], data: JSONBody[AddressPatch], services: Svc, user_id: UserId
    ) -> SavedAddress:
        return await services.change_address(user_id, address_id, data.changes())

    @delete(
        "/addresses/{address_id:str}",
        operation_id="removeAddress",
        summary="Remove a saved address",
        responses=problem_responses(401, 404),
    )
    async def remove_address(self, address_id: FromPath[str], services: Svc, user_id: UserId) -> None:
        await services.remove_address(user_id, address_id)


__all__ = ["AuthController", "MeController"]
