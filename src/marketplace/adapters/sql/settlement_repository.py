"""SQL repositories of the ledger, commissions, affiliates and payouts.

Balances move by conditional deltas (`UPDATE ... SET balance = balance + d WHERE account = a AND
(balance + d >= 0 OR NOT guarded)`) in the transaction that writes the postings, accounts in name
order: two payouts racing for one balance queue on its row and the second finds what the first
left, so only what is available is ever paid.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update

from marketplace.adapters.sql.base import SqlRepository, insert_new
from marketplace.adapters.sql.mappers import Row
from marketplace.adapters.sql.tables import (
    account_balances,
    affiliates,
    commissions,
    ledger_postings,
    payouts,
    referral_links,
)
from marketplace.application.ports.settlement import Entry
from marketplace.domain.affiliate.program import Affiliate, Commission, CommissionStatus, ReferralLink, TargetKind
from marketplace.domain.settlement.ledger import EntryKind, InsufficientBalance, LedgerTransaction, Posting, is_guarded
from marketplace.domain.settlement.payout import Destination, Payout, PayoutState
from marketplace.domain.shared.errors import Conflict
from marketplace.domain.shared.ids import new_id
from marketplace.domain.shared.money import Money


class SqlLedgerRepository(SqlRepository):
    def __init__(self, session: Any, dialect: str) -> None:
        super().__init__(session)
        self._dialect = dialect

    async def post(self, transaction: LedgerTransaction) -> None:
        deltas: dict[str, int] = {}
        for posting in transaction.postings:
            deltas[posting.account] = deltas.get(posting.account, 0) + posting.amount
        for name in sorted(deltas):
            await self._write(
                insert_new(account_balances, self._dialect).values(account=name, balance=0, guarded=is_guarded(name))
            )
            c = account_balances.c
            moved = await self._write(
                update(account_balances)
                .where(c.account == name, or_(c.balance + deltas[name] >= 0, ~c.guarded))
                .values(balance=c.balance + deltas[name])
            )
            if moved.rowcount != 1:
                raise InsufficientBalance(f"{name} does not hold the {-deltas[name]} this needs")
        await self._write(
            insert(ledger_postings),
            [
                {
                    "id": new_id(),
                    "transaction_id": transaction.id,
                    "reason": transaction.reason,
                    "account": p.account,
                    "kind": p.kind.value,
                    "amount": p.amount,
                    "currency": transaction.currency,
                    "order_id": transaction.order_id,
                    "payout_id": transaction.payout_id,
                    "created_at": transaction.created_at,
                }
                for p in transaction.postings
            ],
        )

    async def of_order(self, order_id: str) -> list[LedgerTransaction]:
        rows = await self._all(
            select(ledger_postings)
            .where(ledger_postings.c.order_id == order_id)
            .order_by(ledger_postings.c.created_at, ledger_postings.c.id)
        )
        grouped: dict[str, list[Row]] = {}
        for row in rows:
            grouped.setdefault(row["transaction_id"], []).append(row)
        return [
            LedgerTransaction(
                id=tid,
                reason=group[0]["reason"],
                currency=group[0]["currency"],
                created_at=group[0]["created_at"],
                order_id=group[0]["order_id"],
                payout_id=group[0]["payout_id"],
                postings=tuple(Posting(r["account"], r["amount"], EntryKind(r["kind"])) for r in group),
            )
            for tid, group in grouped.items()
        ]

    async def balances(self, accounts: list[str]) -> dict[str, int]:
        found = dict.fromkeys(accounts, 0)
        if accounts:
            rows = await self._all(select(account_balances).where(account_balances.c.account.in_(accounts)))
            found.update({row["account"]: row["balance"] for row in rows})
        return found

    async def entries(self, accounts: list[str], before: tuple[datetime, str] | None, limit: int) -> list[Entry]:
        c = ledger_postings.c
        statement = select(ledger_postings).where(c.account.in_(accounts))
        if before is not None:
            at, entry_id = before
            statement = statement.where(or_(c.created_at < at, and_(c.created_at == at, c.id < entry_id)))
        rows = await self._all(statement.order_by(c.created_at.desc(), c.id.desc()).limit(limit))
        return [
            Entry(
                id=r["id"],
                transaction_id=r["transaction_id"],
                account=r["account"],
                kind=r["kind"],
                amount=r["amount"],
                currency=r["currency"],
                order_id=r["order_id"],
                payout_id=r["payout_id"],
                created_at=r["created_at"],
            )
            for r in rows
        ]

    async def all_balances(self) -> dict[str, int]:
        return {row["account"]: row["balance"] for row in await self._all(select(account_balances))}


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


def payout_to_row(p: Payout) -> dict[str, Any]:
    d = p.destination
    return {
        "id": p.id,
        "owner_kind": p.owner_kind,
        "owner_id": p.owner_id,
        "amount": p.amount.amount,
        "currency": p.amount.currency,
        "status": p.status.value,
        "provider_id": p.provider_id,
        "failure_code": p.failure_code,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
        "idempotency_key": p.idempotency_key,
        "version": p.version,
        "destination": {
            "channel_code": d.channel_code,
            "account_number": d.account_number,
            "account_holder_name": d.account_holder_name,
        },
    }


def payout_to_domain(row: Row) -> Payout:
    d = row["destination"]
    return Payout(
        id=row["id"],
        owner_kind=row["owner_kind"],
        owner_id=row["owner_id"],
        amount=Money(row["amount"], row["currency"]),
        destination=Destination(d["channel_code"], d["account_number"], d["account_holder_name"]),
        created_at=row["created_at"],
        status=PayoutState(row["status"]),
        provider_id=row["provider_id"],
        failure_code=row["failure_code"],
        updated_at=row["updated_at"],
        idempotency_key=row["idempotency_key"],
        version=row["version"],
    )


class SqlPayoutRepository(SqlRepository):
    async def add(self, payout: Payout) -> None:
        await self._write(insert(payouts), payout_to_row(payout))
        self._session.touch(payout)

    async def get(self, payout_id: str) -> Payout | None:
        row = await self._one(select(payouts).where(payouts.c.id == payout_id))
        return payout_to_domain(row) if row else None

    async def get_by_provider(self, provider_id: str) -> Payout | None:
        row = await self._one(select(payouts).where(payouts.c.provider_id == provider_id))
        return payout_to_domain(row) if row else None

    async def get_by_key(self, owner_kind: str, owner_id: str, key: str) -> Payout | None:
        row = await self._one(
            select(payouts).where(
                payouts.c.owner_kind == owner_kind, payouts.c.owner_id == owner_id, payouts.c.idempotency_key == key
            )
        )
        return payout_to_domain(row) if row else None

    async def save(self, payout: Payout) -> None:
        await self._update_versioned(payouts, payout, payout_to_row(payout))

    async def open_before(self, cutoff: datetime, limit: int) -> list[str]:
        rows = await self._all(
            select(payouts.c.id)
            .where(payouts.c.status == PayoutState.REQUESTED.value, payouts.c.created_at < cutoff)
            .order_by(payouts.c.created_at, payouts.c.id)
            .limit(limit)
        )
        return [row["id"] for row in rows]
