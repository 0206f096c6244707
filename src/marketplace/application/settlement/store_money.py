"""A store's money: its affiliate rate, its balance, its ledger and its withdrawals (owner only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from marketplace.application.ports.persistence import UnitOfWork, UnitOfWorkFactory
from marketplace.application.settlement.payouts import Payouts
from marketplace.application.settlement.views import BalanceView, EntryView, PayoutView
from marketplace.application.shared.cursor import check_limit, decode_cursor, encode_cursor
from marketplace.application.shared.views import MoneyView, Page
from marketplace.application.stores.lookup import owned_store
from marketplace.domain.settlement.ledger import Bucket, account
from marketplace.domain.settlement.payout import Destination
from marketplace.domain.shared.errors import InvalidValue

BUCKETS = (Bucket.PENDING, Bucket.AVAILABLE, Bucket.IN_FLIGHT, Bucket.PAID_OUT)
KIND = "ledger"


async def balance_of(uow: UnitOfWork, owner_kind: str, owner_id: str) -> dict[Bucket, int]:
    names = {bucket: account(owner_kind, owner_id, bucket) for bucket in BUCKETS}
    found = await uow.ledger.balances(list(names.values()))
    return {bucket: found[name] for bucket, name in names.items()}


def balance_view(amounts: dict[Bucket, int], currency: str = "IDR") -> BalanceView:
    def money(bucket: Bucket) -> MoneyView:
        return MoneyView(amount=amounts[bucket], currency=currency)

    return BalanceView(
        pending=money(Bucket.PENDING),
        available=money(Bucket.AVAILABLE),
        in_flight=money(Bucket.IN_FLIGHT),
        paid_out=money(Bucket.PAID_OUT),
    )


async def entries_page(
    uow: UnitOfWork, owner_kind: str, owner_id: str, limit: int, cursor: str | None
) -> Page[EntryView]:
    position = decode_cursor(cursor, kind=KIND)
    before = None
    if position is not None:
        try:
            before = (datetime.fromisoformat(str(position["at"])), str(position["id"]))
        except (KeyError, ValueError):
            raise InvalidValue("cursor", "is not a cursor this list made") from None
        if before[0].tzinfo is None or len(before[1]) > 64:
            raise InvalidValue("cursor", "is not a cursor this list made")
    names = [account(owner_kind, owner_id, bucket) for bucket in BUCKETS]
    found = await uow.ledger.entries(names, before, check_limit(limit) + 1)
    page = found[:limit]
    more = None
    if len(found) > limit:
        more = encode_cursor({"k": KIND, "at": page[-1].created_at.isoformat(), "id": page[-1].id})
    return Page(
        items=[
            EntryView(
                id=e.id,
                kind=e.kind,
                amount=MoneyView(amount=e.amount, currency=e.currency),
                bucket=e.account.rsplit(":", 1)[1],
                order_id=e.order_id,
                payout_id=e.payout_id,
                created_at=e.created_at,
            )
            for e in page
        ],
        next_cursor=more,
    )


@dataclass(frozen=True, slots=True)
class RateView:
    store_id: str
    rate_bps: int


@dataclass(frozen=True, slots=True)
class StoreMoney:
    uow: UnitOfWorkFactory
    payouts: Payouts

    async def set_affiliate_rate(self, user_id: str, store_ref: str, rate_bps: int) -> dict[str, object]:
        async with self.uow() as uow:
            store = await owned_store(uow, store_ref, user_id)
            store.set_affiliate_rate(rate_bps)
            await uow.stores.save(store)
            await uow.commit()
        return {"store_id": store.id, "rate_bps": store.affiliate_rate_bps}

    async def balance(self, user_id: str, store_ref: str) -> BalanceView:
        async with self.uow() as uow:
            store = await owned_store(uow, store_ref, user_id)
            return balance_view(await balance_of(uow, "store", store.id))

    async def ledger(self, user_id: str, store_ref: str, limit: int, cursor: str | None) -> Page[EntryView]:
        async with self.uow() as uow:
            store = await owned_store(uow, store_ref, user_id)
            return await entries_page(uow, "store", store.id, limit, cursor)

    async def withdraw(
        self, user_id: str, store_ref: str, amount: int, destination: Destination, idempotency_key: str | None = None
    ) -> PayoutView:
        async def owner(uow: UnitOfWork) -> tuple[str, str]:
            store = await owned_store(uow, store_ref, user_id)
            store.ensure_trading("withdraw its balance")
            return "store", store.id

        return await self.payouts.request_for(owner, amount, destination, idempotency_key)
