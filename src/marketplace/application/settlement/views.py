"""Balances, ledger entries, payouts and the affiliate's numbers as docs/api.md shows them."""

from __future__ import annotations

from datetime import datetime

import msgspec

from marketplace.application.shared.views import MoneyView
from marketplace.domain.settlement.payout import Payout


class BalanceView(msgspec.Struct, frozen=True):
    pending: MoneyView
    available: MoneyView
    in_flight: MoneyView
    paid_out: MoneyView


class EntryView(msgspec.Struct, frozen=True):
    id: str
    kind: str
    amount: MoneyView
    bucket: str
    order_id: str | None
    payout_id: str | None
    created_at: datetime


class PayoutView(msgspec.Struct, frozen=True):
    id: str
    amount: MoneyView
    status: str
    channel_code: str
    account_number: str  # masked: only its last four digits
    failure_code: str | None
    provider_id: str | None  # Xendit's payout id, once it has the payout
    created_at: datetime

    @classmethod
    def of(cls, payout: Payout) -> PayoutView:
        number = payout.destination.account_number
        return cls(
            id=payout.id,
            amount=MoneyView.of(payout.amount),
            status=payout.status.value,
            channel_code=payout.destination.channel_code,
            account_number="•" * (len(number) - 4) + number[-4:],
            failure_code=payout.failure_code,
            provider_id=payout.provider_id,
            created_at=payout.created_at,
        )


class CommissionView(msgspec.Struct, frozen=True):
    id: str
    order_id: str
    amount: MoneyView
    status: str
    created_at: datetime


class AffiliateSummaryView(msgspec.Struct, frozen=True):
    clicks: int
    orders: int
    pending: MoneyView
    approved: MoneyView  # approved and not yet paid: what a payout may take
    paid: MoneyView
    in_flight: MoneyView


class LinkView(msgspec.Struct, frozen=True):
    code: str
    url: str
    target: str
    target_id: str | None
    clicks: int
    created_at: datetime


class AffiliateView(msgspec.Struct, frozen=True):
    user_id: str
    joined_at: datetime
