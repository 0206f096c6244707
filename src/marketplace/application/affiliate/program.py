"""Affiliates: join, make referral links, follow a click, see what was earned, be paid out."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.affiliate.attribution import AttributionSigner
from marketplace.application.errors import Forbidden, NotFound
from marketplace.application.ports.catalog_queries import CatalogQueries
from marketplace.application.ports.persistence import UnitOfWork, UnitOfWorkFactory
from marketplace.application.ports.system import Clock
from marketplace.application.settlement.payouts import Payouts
from marketplace.application.settlement.store_money import balance_of
from marketplace.application.settlement.views import (
    AffiliateSummaryView,
    AffiliateView,
    CommissionView,
    LinkView,
    PayoutView,
)
from marketplace.application.shared.cursor import check_limit, decode_cursor, encode_cursor
from marketplace.application.shared.views import MoneyView, Page
from marketplace.domain.affiliate.program import (
    Affiliate,
    Commission,
    CommissionStatus,
    ReferralLink,
    TargetKind,
    new_code,
)
from marketplace.domain.settlement.ledger import Bucket
from marketplace.domain.settlement.payout import Destination
from marketplace.domain.shared.errors import Conflict, InvalidValue
from marketplace.domain.shared.ids import is_id

KIND = "commissions"


@dataclass(frozen=True, slots=True)
class Click:
    location: str
    cookie: str
    max_age: int


@dataclass(frozen=True, slots=True)
class AffiliateProgram:
    uow: UnitOfWorkFactory
    queries: CatalogQueries
    clock: Clock
    signer: AttributionSigner
    payouts: Payouts
    base_url: str = ""

    async def join(self, user_id: str) -> tuple[AffiliateView, bool]:
        """The affiliate, and whether they joined just now (joining again changes nothing)."""
        async with self.uow() as uow:
            known = await uow.affiliates.get(user_id)
            affiliate = known or await uow.affiliates.join(Affiliate(user_id=user_id, joined_at=self.clock.now()))
            await uow.commit()
        return AffiliateView(user_id=affiliate.user_id, joined_at=affiliate.joined_at), known is None

    async def create_link(self, user_id: str, product_id: str | None, store_id: str | None) -> LinkView:
        if product_id and store_id:
            raise InvalidValue("product_id", "a link points at a product, a store, or (with neither) the marketplace")
        target, target_id = TargetKind.MARKETPLACE, None
        if product_id:
            record = await self.queries.product(product_id) if len(product_id) <= 100 else None
            if record is None or not record.public:
                raise InvalidValue("product_id", "is not a product on sale")
            target, target_id = TargetKind.PRODUCT, record.detail.id
        async with self.uow() as uow:
            await self._affiliate(uow, user_id)
            if store_id:
                store = await uow.stores.get(store_id) if is_id(store_id) else await uow.stores.get_by_slug(store_id)
                if store is None or not store.is_active:
                    raise InvalidValue("store_id", "is not an open store")
                target, target_id = TargetKind.STORE, store.id
            for _ in range(5):
                link = ReferralLink(
                    code=new_code(),
                    affiliate_id=user_id,
                    target=target,
                    target_id=target_id,
                    created_at=self.clock.now(),
                )
                try:
                    await uow.affiliates.add_link(link)
                    break
                except Conflict:
                    continue
            else:
                raise Conflict("could not find a free referral code; try again")
            await uow.commit()
        return self._link_view(link)

    async def click(self, code: str) -> Click:
        """Counts the click and answers where it leads and the signed cookie that remembers it."""
        code = code.strip().upper()
        async with self.uow() as uow:
            link = await uow.affiliates.link(code) if 0 < len(code) <= 16 else None
            if link is None:
                raise NotFound("referral link", code[:16])
            await uow.affiliates.count_click(code)
            await uow.commit()
        now = self.clock.now()
        return Click(
            location=self._target_url(link),
            cookie=self.signer.sign(link.code, now),
            max_age=int(self.signer.window.total_seconds()),
        )

    async def summary(self, user_id: str) -> AffiliateSummaryView:
        async with self.uow() as uow:
            await self._affiliate(uow, user_id)
            clicks = await uow.affiliates.clicks(user_id)
            totals = await uow.commissions.totals(user_id)
            balances = await balance_of(uow, "affiliate", user_id)
        orders = sum(count for status, (count, _) in totals.items() if status != CommissionStatus.VOID.value)

        def money(amount: int) -> MoneyView:
            return MoneyView(amount=amount, currency="IDR")

        return AffiliateSummaryView(
            clicks=clicks,
            orders=orders,
            pending=money(balances[Bucket.PENDING]),
            approved=money(balances[Bucket.AVAILABLE]),
            paid=money(balances[Bucket.PAID_OUT]),
            in_flight=money(balances[Bucket.IN_FLIGHT]),
        )

    async def commissions(
        self, user_id: str, status: str | None, limit: int, cursor: str | None
    ) -> Page[CommissionView]:
        """`paid` is worked out, not stored: what has been paid out pays off approved commissions,
        oldest first."""
        try:
            wanted = CommissionStatus(status) if status else None
        except ValueError:
            raise InvalidValue("status", "must be pending, approved, paid or void") from None
        position = decode_cursor(cursor, kind=KIND)
        before = str(position["id"]) if position and is_id(str(position.get("id"))) else None
        if position is not None and before is None:
            raise InvalidValue("cursor", "is not a cursor this list made")
        async with self.uow() as uow:
            await self._affiliate(uow, user_id)
            paid_off = await self._paid_off(uow, user_id)
            stored = CommissionStatus.APPROVED if wanted is CommissionStatus.PAID else wanted
            found: list[Commission] = []
            cursor_id = before
            while len(found) <= limit:
                batch = await uow.commissions.of_affiliate(user_id, stored, cursor_id, check_limit(limit) + 1)
                for commission in batch:
                    shown = self._status(commission, paid_off)
                    if wanted is None or shown is wanted:
                        found.append(commission)
                if len(batch) <= limit:
                    break
                cursor_id = batch[-1].id
        page = found[:limit]
        more = encode_cursor({"k": KIND, "id": page[-1].id}) if len(found) > limit else None
        return Page(
            items=[
                CommissionView(
                    id=c.id,
                    order_id=c.order_id,
                    amount=MoneyView(amount=c.amount, currency=c.currency),
                    status=self._status(c, paid_off).value,
                    created_at=c.created_at,
                )
                for c in page
            ],
            next_cursor=more,
        )

    async def payout(
        self, user_id: str, amount: int, destination: Destination, idempotency_key: str | None = None
    ) -> PayoutView:
        async def owner(uow: UnitOfWork) -> tuple[str, str]:
            return "affiliate", (await self._affiliate(uow, user_id)).user_id

        return await self.payouts.request_for(owner, amount, destination, idempotency_key)

    @staticmethod
    async def _affiliate(uow: UnitOfWork, user_id: str) -> Affiliate:
        affiliate = await uow.affiliates.get(user_id)
        if affiliate is None:
            raise Forbidden("join the affiliate program first (POST /api/v1/affiliate/join)")
        return affiliate

    @staticmethod
    async def _paid_off(uow: UnitOfWork, user_id: str) -> set[str]:
        paid = (await balance_of(uow, "affiliate", user_id))[Bucket.PAID_OUT]
        covered: set[str] = set()
        for commission in await uow.commissions.approved_of(user_id):
            if commission.amount == 0:
                continue  # nothing to pay: it stays approved
            if commission.amount > paid:
                break
            paid -= commission.amount
            covered.add(commission.id)
        return covered

    @staticmethod
    def _status(commission: Commission, paid_off: set[str]) -> CommissionStatus:
        return CommissionStatus.PAID if commission.id in paid_off else commission.status

    def _link_view(self, link: ReferralLink) -> LinkView:
        return LinkView(
            code=link.code,
            url=f"{self.base_url}/r/{link.code}",
            target=link.target.value,
            target_id=link.target_id,
            clicks=link.clicks,
            created_at=link.created_at,
        )

    def _target_url(self, link: ReferralLink) -> str:
        if link.target is TargetKind.PRODUCT:
            return f"{self.base_url}/api/v1/products/{link.target_id}"
        if link.target is TargetKind.STORE:
            return f"{self.base_url}/api/v1/stores/{link.target_id}"
        return f"{self.base_url}/api/v1/products"
