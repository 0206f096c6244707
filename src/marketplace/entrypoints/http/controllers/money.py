"""Marketplace money over HTTP (docs/api.md, "Marketplace money"): affiliates, referral links and clicks,
a store's rate, balance, ledger and withdrawals."""

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post, put
from litestar.datastructures import Cookie
from litestar.params import FromPath, HeaderParameter, JSONBody, QueryParameter
from litestar.response import Redirect
from msgspec import Meta

from marketplace.application.affiliate.attribution import COOKIE
from marketplace.application.settlement.views import (
    AffiliateSummaryView,
    AffiliateView,
    BalanceView,
    CommissionView,
    EntryView,
    LinkView,
    PayoutView,
)
from marketplace.application.shared.views import Page
from marketplace.domain.settlement.payout import Destination
from marketplace.entrypoints.http.controllers._types import BEARER, Cursor, Limit, StoreRef, Svc, UserId
from marketplace.entrypoints.http.idempotency import idempotent
from marketplace.entrypoints.http.problems import also_ok, problem_responses
from marketplace.entrypoints.http.schemas.common import Amount, Body, MoneyBody, stripped
from marketplace.entrypoints.http.schemas.patterns import ACCOUNT_NUMBER, CHANNEL_CODE, COMMISSION_STATUS

Ref = Annotated[str, Meta(min_length=1, max_length=64)]
IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(name="Idempotency-Key", max_length=255, description="Required: unique per payout request"),
]


class BankBody(Body, kw_only=True):
    channel_code: Annotated[
        str, Meta(min_length=3, max_length=40, pattern=CHANNEL_CODE, description="e.g. ID_BCA, ID_MANDIRI, ID_DANA")
    ]
    account_number: Annotated[str, Meta(min_length=4, max_length=34, pattern=ACCOUNT_NUMBER)]
    account_holder_name: Annotated[str, stripped(1, 100)]


class PayoutBody(Body, kw_only=True):
    amount: MoneyBody | Amount  # a money object, or a bare integer amount in IDR
    bank: BankBody

    @property
    def whole(self) -> int:
        return self.amount if isinstance(self.amount, int) else self.amount.amount


class LinkBody(Body, kw_only=True):
    product_id: Ref | None = None
    store_id: Ref | None = None


class RateBody(Body, kw_only=True):
    rate_bps: Annotated[int, Meta(ge=0, le=10_000, description="basis points: 1000 = 10%")]


class RateView(Body, kw_only=True):
    store_id: str
    rate_bps: int


def _destination(bank: BankBody) -> Destination:
    return Destination.of(bank.channel_code, bank.account_number, bank.account_holder_name)


class AffiliateController(Controller):
    path = "/api/v1/affiliate"
    tags = ["Affiliates"]
    security = BEARER

    @post(
        "/join",
        status_code=201,
        operation_id="joinAffiliateProgram",
        summary="Join the affiliate program: 201 when joined now, 200 when already an affiliate",
        responses={**problem_responses(401), **also_ok(AffiliateView, "already an affiliate")},
    )
    async def join(self, services: Svc, user_id: UserId) -> Response[AffiliateView]:
        view, joined = await services.affiliate_program.join(user_id)
        return Response(view, status_code=201 if joined else 200)

    @post(
        "/links",
        status_code=201,
        operation_id="createReferralLink",
        summary="A referral link to a product, a store, or (with neither) the marketplace",
        responses=problem_responses(400, 401, 403, 422),
    )
    async def link(self, data: JSONBody[LinkBody], services: Svc, user_id: UserId) -> LinkView:
        return await services.affiliate_program.create_link(user_id, data.product_id, data.store_id)

    @get(
        "/summary",
        operation_id="affiliateSummary",
        summary="Clicks, attributed orders, and pending / approved / paid commission amounts",
        responses=problem_responses(401, 403),
    )
    async def summary(self, services: Svc, user_id: UserId) -> AffiliateSummaryView:
        return await services.affiliate_program.summary(user_id)

    @get(
        "/commissions",
        operation_id="listCommissions",
        summary="My commissions, newest first",
        responses=problem_responses(401, 403, 422),
    )
    async def commissions(
        self,
        services: Svc,
        user_id: UserId,
        limit: Limit = 20,
        cursor: Cursor = None,
        status: Annotated[
            str | None, QueryParameter(pattern=COMMISSION_STATUS, description="pending, approved, paid or void")
        ] = None,
    ) -> Page[CommissionView]:
        return await services.affiliate_program.commissions(user_id, status, limit, cursor)

    @post(
        "/payouts",
        status_code=201,
        operation_id="requestAffiliatePayout",
        summary="Be paid (part of) my approved commissions (needs Idempotency-Key); at most what is available",
        responses=problem_responses(400, 401, 403, 409, 422),
    )
    async def payout(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[PayoutBody],
        services: Svc,
        user_id: UserId,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[PayoutView]:
        return await idempotent(
            request,
            services,
            user_id,
            "POST /api/v1/affiliate/payouts",
            lambda key: services.affiliate_program.payout(user_id, data.whole, _destination(data.bank), key),
        )


class ReferralController(Controller):
    path = "/r"
    tags = ["Affiliates"]

    @get(
        "/{code:str}",
        operation_id="followReferralLink",
        status_code=302,
        summary="Counts the click, remembers it in a signed cookie and redirects to the link's target",
        responses=problem_responses(404),
    )
    async def follow(self, code: FromPath[str], services: Svc) -> Redirect:
        click = await services.affiliate_program.click(code)
        return Redirect(
            click.location,
            status_code=302,
            cookies=[
                Cookie(key=COOKIE, value=click.cookie, max_age=click.max_age, httponly=True, samesite="lax", path="/")
            ],
        )


class StoreMoneyController(Controller):
    path = "/api/v1/stores/{store_id:str}"
    tags = ["Store money"]
    security = BEARER

    @put(
        "/affiliate-rate",
        operation_id="setAffiliateRate",
        summary="The commission rate (basis points) affiliates earn on this store's referred sales",
        responses=problem_responses(400, 401, 403, 404, 422),
    )
    async def rate(self, store_id: StoreRef, data: JSONBody[RateBody], services: Svc, user_id: UserId) -> RateView:
        changed = await services.store_money.set_affiliate_rate(user_id, store_id, data.rate_bps)
        return RateView(store_id=str(changed["store_id"]), rate_bps=int(str(changed["rate_bps"])))

    @get(
        "/balance",
        operation_id="storeBalance",
        summary="What the store is owed: pending (open orders), available, in flight, paid out",
        responses=problem_responses(401, 403, 404),
    )
    async def balance(self, store_id: StoreRef, services: Svc, user_id: UserId) -> BalanceView:
        return await services.store_money.balance(user_id, store_id)

    @get(
        "/ledger",
        operation_id="storeLedger",
        summary="The store's ledger entries, newest first",
        responses=problem_responses(401, 403, 404, 422),
    )
    async def ledger(
        self, store_id: StoreRef, services: Svc, user_id: UserId, limit: Limit = 20, cursor: Cursor = None
    ) -> Page[EntryView]:
        return await services.store_money.ledger(user_id, store_id, limit, cursor)

    @post(
        "/withdrawals",
        status_code=201,
        operation_id="requestWithdrawal",
        summary="Withdraw (part of) the available balance to a bank account (needs Idempotency-Key)",
        responses=problem_responses(400, 401, 403, 404, 409, 422),
    )
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        store_id: StoreRef,
        data: JSONBody[PayoutBody],
        services: Svc,
        user_id: UserId,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[PayoutView]:
        return await idempotent(
            request,
            services,
            user_id,
            f"POST /api/v1/stores/{store_id}/withdrawals",
            lambda key: services.store_money.withdraw(user_id, store_id, data.whole, _destination(data.bank), key),
        )
