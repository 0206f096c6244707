"""In-memory repositories of the ledger, commissions, affiliates and payouts (staged like every
memory table; balances are versioned rows, so two units of work racing for one balance cannot both
commit)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Generic, TypeVar

from marketplace.adapters.memory.repositories import _Repository
from marketplace.application.ports.settlement import Entry
from marketplace.domain.affiliate.program import Affiliate, Commission, CommissionStatus, ReferralLink
from marketplace.domain.settlement.ledger import InsufficientBalance, LedgerTransaction, is_guarded
from marketplace.domain.settlement.payout import Payout
from marketplace.domain.shared.errors import Conflict

V = TypeVar("V")


@dataclass
class Balance:
    id: str
    amount: int
    version: int = 0


@dataclass
class Row(Generic[V]):
    id: str
    value: V
    version: int = 0


class MemoryLedgerRepository(_Repository[Balance]):
    table_name, versioned = "account_balances", True

    async def post(self, transaction: LedgerTransaction) -> None:
        deltas: dict[str, int] = {}
        for posting in transaction.postings:
            deltas[posting.account] = deltas.get(posting.account, 0) + posting.amount
        for name in sorted(deltas):
            row = self._get(name)
            if row is None:
                self._uow.remember_version(self.table_name, name, -1)
                row = Balance(name, 0, -1)
            amount = row.amount + deltas[name]
            if amount < 0 and is_guarded(name):
                raise InsufficientBalance(f"{name} holds {row.amount}; {-deltas[name]} cannot be taken from it")
            self._table.put(name, Balance(name, amount, row.version + 1))
        self._uow.table("ledger").put(transaction.id, Row(transaction.id, transaction))

    async def of_order(self, order_id: str) -> list[LedgerTransaction]:
        found = [r.value for r in self._uow.table("ledger").rows() if r.value.order_id == order_id]
        return sorted(found, key=lambda t: (t.created_at, t.id))

    async def balances(self, accounts: list[str]) -> dict[str, int]:
        return {name: (row.amount if (row := self._table.get(name)) else 0) for name in accounts}

    async def entries(self, accounts: list[str], before: tuple[datetime, str] | None, limit: int) -> list[Entry]:
        wanted = set(accounts)
        found = [
            Entry(
                id=f"{t.id}:{i}",
                transaction_id=t.id,
                account=p.account,
                kind=p.kind.value,
                amount=p.amount,
                currency=t.currency,
                order_id=t.order_id,
                payout_id=t.payout_id,
                created_at=t.created_at,
            )
            for r in self._uow.table("ledger").rows()
            for t in [r.value]
            for i, p in enumerate(t.postings)
            if p.account in wanted
        ]
        found.sort(key=lambda e: (e.created_at, e.id), reverse=True)
        if before is not None:
            found = [e for e in found if (e.created_at, e.id) < before]
        return found[:limit]

    async def all_balances(self) -> dict[str, int]:
        return {row.id: row.amount for row in self._table.rows()}


class MemoryCommissionRepository(_Repository[Commission]):
    table_name, versioned = "commissions", True

    async def add(self, commission: Commission) -> None:
        self._insert(commission)

    async def of_order(self, order_id: str) -> list[Commission]:
        return [self._present(c.id) for c in self._table.rows() if c.order_id == order_id]

    async def save(self, commission: Commission) -> None:
        self._update(commission)

    async def of_affiliate(
        self, affiliate_id: str, status: CommissionStatus | None, before_id: str | None, limit: int
    ) -> list[Commission]:
        found = [
            c
            for c in self._table.rows()
            if c.affiliate_id == affiliate_id
            and (status is None or c.status is status)
            and (before_id is None or c.id < before_id)
        ]
        return [self._present(c.id) for c in sorted(found, key=lambda c: c.id, reverse=True)[:limit]]

    async def approved_of(self, affiliate_id: str) -> list[Commission]:
        found = [
            c for c in self._table.rows() if c.affiliate_id == affiliate_id and c.status is CommissionStatus.APPROVED
        ]
        return [self._present(c.id) for c in sorted(found, key=lambda c: c.id)]

    async def totals(self, affiliate_id: str) -> dict[str, tuple[int, int]]:
        totals: dict[str, tuple[int, int]] = {}
        for c in self._table.rows():
            if c.affiliate_id == affiliate_id:
                count, amount = totals.get(c.status.value, (0, 0))
                totals[c.status.value] = (count + 1, amount + c.amount)
        return totals


class MemoryAffiliateRepository(_Repository[Row[Affiliate]]):
    table_name = "affiliates"

    async def join(self, affiliate: Affiliate) -> Affiliate:
        known = self._get(affiliate.user_id)
        if known is not None:
            return known.value
        self._uow.remember_version(self.table_name, affiliate.user_id, -1)
        self._table.put(affiliate.user_id, Row(affiliate.user_id, affiliate))
        return affiliate

    async def get(self, user_id: str) -> Affiliate | None:
        row = self._table.get(user_id)
        return row.value if row else None

    async def add_link(self, link: ReferralLink) -> None:
        links = self._uow.table("referral_links")
        if links.get(link.code) is not None:
            raise Conflict("this referral code is taken")
        self._uow.remember_version("referral_links", link.code, -1)
        links.put(link.code, Row(link.code, link))

    async def link(self, code: str) -> ReferralLink | None:
        row = self._uow.table("referral_links").get(code)
        return row.value if row else None

    async def count_click(self, code: str) -> bool:
        links = self._uow.table("referral_links")
        row = links.get(code)
        if row is None:
            return False
        self._uow.remember_version("referral_links", code, row.version)
        links.put(code, Row(code, replace(row.value, clicks=row.value.clicks + 1), row.version + 1))
        return True

    async def clicks(self, affiliate_id: str) -> int:
        return sum(
            r.value.clicks for r in self._uow.table("referral_links").rows() if r.value.affiliate_id == affiliate_id
        )


class MemoryPayoutRepository(_Repository[Payout]):
    table_name, versioned = "payouts", True

    async def add(self, payout: Payout) -> None:
        if payout.idempotency_key is not None and any(
            (p.owner_kind, p.owner_id, p.idempotency_key)
            == (payout.owner_kind, payout.owner_id, payout.idempotency_key)
            for p in self._table.rows()
        ):
            raise Conflict("another payout was requested with this Idempotency-Key")
        self._insert(payout)

    async def get_by_key(self, owner_kind: str, owner_id: str, key: str) -> Payout | None:
        found = next(
            (
                p
                for p in self._table.rows()
                if (p.owner_kind, p.owner_id, p.idempotency_key) == (owner_kind, owner_id, key)
            ),
            None,
        )
        return self._get(found.id) if found else None

    async def get(self, payout_id: str) -> Payout | None:
        return self._get(payout_id)

    async def get_by_provider(self, provider_id: str) -> Payout | None:
        found = next((p for p in self._table.rows() if p.provider_id == provider_id), None)
        return self._get(found.id) if found else None

    async def save(self, payout: Payout) -> None:
        self._update(payout)

    async def open_before(self, cutoff: datetime, limit: int) -> list[str]:
        found = sorted(
            (p for p in self._table.rows() if p.is_open and p.created_at < cutoff), key=lambda p: (p.created_at, p.id)
        )
        return [p.id for p in found[:limit]]
