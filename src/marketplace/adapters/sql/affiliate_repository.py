"""SQL repositories of affiliates, their referral links and commissions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select, update

from marketplace.adapters.sql.base import SqlRepository, insert_new
from marketplace.adapters.sql.mappers import Row
from marketplace.adapters.sql.tables import affiliates, commissions, referral_links
from marketplace.domain.affiliate.program import Affiliate, Commission, CommissionStatus, ReferralLink, TargetKind
from marketplace.domain.shared.errors import Conflict


def commission_to_row(c: Commission) -> dict[str, Any]:
    return {
        "id": c.id,
        "affiliate_id": c.affiliate_id,
        "order_id": c.order_id,
        "amount": c.amount,
        "currency": c.currency,
        "status": c.status.value,
        "created_at": c.created_at,
        "version": c.version,
    }


def commission_to_domain(row: Row) -> Commission:
    return Commission(
        id=row["id"],
        affiliate_id=row["affiliate_id"],
        order_id=row["order_id"],
        amount=row["amount"],
        currency=row["currency"],
        status=CommissionStatus(row["status"]),
        created_at=row["created_at"],
        version=row["version"],
    )


class SqlCommissionRepository(SqlRepository):
    async def add(self, commission: Commission) -> None:
        await self._write(insert(commissions), commission_to_row(commission))

    async def of_order(self, order_id: str) -> list[Commission]:
        rows = await self._all(select(commissions).where(commissions.c.order_id == order_id).order_by(commissions.c.id))
        return [commission_to_domain(r) for r in rows]

    async def save(self, commission: Commission) -> None:
        await self._update_versioned(commissions, commission, commission_to_row(commission))

    async def of_affiliate(
        self, affiliate_id: str, status: CommissionStatus | None, before_id: str | None, limit: int
    ) -> list[Commission]:
        statement = select(commissions).where(commissions.c.affiliate_id == affiliate_id)
        if status is not None:
            statement = statement.where(commissions.c.status == status.value)
        if before_id is not None:
            statement = statement.where(commissions.c.id < before_id)
        rows = await self._all(statement.order_by(commissions.c.id.desc()).limit(limit))
        return [commission_to_domain(r) for r in rows]

    async def approved_of(self, affiliate_id: str) -> list[Commission]:
        rows = await self._all(
            select(commissions)
            .where(commissions.c.affiliate_id == affiliate_id, commissions.c.status == CommissionStatus.APPROVED.value)
            .order_by(commissions.c.id)
        )
        return [commission_to_domain(r) for r in rows]

    async def totals(self, affiliate_id: str) -> dict[str, tuple[int, int]]:
        rows = await self._all(
            select(
                commissions.c.status,
                func.count().label("n"),
                func.coalesce(func.sum(commissions.c.amount), 0).label("total"),
            )
            .where(commissions.c.affiliate_id == affiliate_id)
            .group_by(commissions.c.status)
        )
        return {str(row["status"]): (int(row["n"]), int(row["total"])) for row in rows}


class SqlAffiliateRepository(SqlRepository):
    def __init__(self, session: Any, dialect: str) -> None:
        super().__init__(session)
        self._dialect = dialect

    async def join(self, affiliate: Affiliate) -> Affiliate:
        await self._write(
            insert_new(affiliates, self._dialect).values(user_id=affiliate.user_id, joined_at=affiliate.joined_at)
        )
        found = await self.get(affiliate.user_id)
        assert found is not None
        return found

    async def get(self, user_id: str) -> Affiliate | None:
        row = await self._one(select(affiliates).where(affiliates.c.user_id == user_id))
        return Affiliate(user_id=row["user_id"], joined_at=row["joined_at"]) if row else None

    async def add_link(self, link: ReferralLink) -> None:
        created = await self._write(
            insert_new(referral_links, self._dialect).values(
                code=link.code,
                affiliate_id=link.affiliate_id,
                target_kind=link.target.value,
                target_id=link.target_id,
                created_at=link.created_at,
                clicks=link.clicks,
            )
        )
        if created.rowcount != 1:
            raise Conflict("this referral code is taken")

    async def link(self, code: str) -> ReferralLink | None:
        row = await self._one(select(referral_links).where(referral_links.c.code == code))
        if row is None:
            return None
        return ReferralLink(
            code=row["code"],
            affiliate_id=row["affiliate_id"],
            target=TargetKind(row["target_kind"]),
            target_id=row["target_id"],
            created_at=row["created_at"],
            clicks=row["clicks"],
        )

    async def count_click(self, code: str) -> bool:
        moved = await self._write(
            update(referral_links).where(referral_links.c.code == code).values(clicks=referral_links.c.clicks + 1)
        )
        return moved.rowcount == 1

    async def clicks(self, affiliate_id: str) -> int:
        row = await self._one(
            select(func.coalesce(func.sum(referral_links.c.clicks), 0).label("n")).where(
                referral_links.c.affiliate_id == affiliate_id
            )
        )
        return int(row["n"]) if row else 0
