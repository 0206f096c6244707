"""SQL repositories of the ledger and payouts (affiliates and commissions: affiliate_repository.py).

Balances move by conditional deltas (`UPDATE ... SET balance = balance + d WHERE account = a AND
(balance + d >= 0 OR NOT guarded)`) in the transaction that writes the postings, accounts in name
order: two payouts racing for one balance queue on its row and the second finds what the first
left, so only what is available is ever paid.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, insert, or_, select, update

from marketplace.adapters.sql.base import SqlRepository, insert_new
from marketplace.adapters.sql.mappers import Row
from marketplace.adapters.sql.tables import account_balances, ledger_postings, payouts
from marketplace.application.ports.settlement import Entry
from marketplace.domain.settlement.ledger import EntryKind, InsufficientBalance, LedgerTransaction, Posting, is_guarded
from marketplace.domain.settlement.payout import Destination, Payout, PayoutState
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
