"""A payout: a store's withdrawal or an affiliate's payout of their available balance."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from marketplace.domain.shared.errors import InvalidValue
from marketplace.domain.shared.events import Aggregate, DomainEvent
from marketplace.domain.shared.money import Money
from marketplace.domain.shared.text import clean_text


class PayoutState(str, enum.Enum):
    REQUESTED = "requested"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Destination:
    channel_code: str
    account_number: str
    account_holder_name: str

    @classmethod
    def of(cls, channel_code: str, account_number: str, account_holder_name: str) -> Destination:
        code = channel_code.strip().upper()
        if not (3 <= len(code) <= 40 and code.replace("_", "").isalnum() and code.isascii()):
            raise InvalidValue("bank.channel_code", "must be a channel code such as ID_BCA")
        number = account_number.strip()
        if not (4 <= len(number) <= 34 and number.isascii() and number.isdigit()):
            raise InvalidValue("bank.account_number", "must be 4 to 34 digits")
        return cls(code, number, clean_text("bank.account_holder_name", account_holder_name, max_length=100))


@dataclass(frozen=True, slots=True)
class PayoutRequested(DomainEvent):
    topic: ClassVar[str] = "PayoutRequested"

    payout_id: str
    owner_kind: str
    owner_id: str
    amount: int
    currency: str


@dataclass(frozen=True, slots=True)
class PayoutSettled(DomainEvent):
    topic: ClassVar[str] = "PayoutSettled"

    payout_id: str
    owner_kind: str
    owner_id: str
    status: str
    amount: int


@dataclass(eq=False)
class Payout(Aggregate):
    id: str
    owner_kind: str  # "store" or "affiliate"
    owner_id: str
    amount: Money
    destination: Destination
    created_at: datetime
    status: PayoutState = PayoutState.REQUESTED
    provider_id: str | None = None
    failure_code: str | None = None
    updated_at: datetime | None = None
    idempotency_key: str | None = None  # the requester's Idempotency-Key: a retry after a crash finds it
    version: int = 0

    @classmethod
    def request(
        cls,
        *,
        id: str,
        owner_kind: str,
        owner_id: str,
        amount: Money,
        destination: Destination,
        minimum: int,
        now: datetime,
        idempotency_key: str | None = None,
    ) -> Payout:
        if amount.amount < minimum:
            raise InvalidValue("amount", f"the smallest payout is {minimum} {amount.currency}")
        payout = cls(
            id=id,
            owner_kind=owner_kind,
            owner_id=owner_id,
            amount=amount,
            destination=destination,
            created_at=now,
            updated_at=now,
            idempotency_key=idempotency_key,
        )
        payout.record(
            PayoutRequested(
                payout_id=id, owner_kind=owner_kind, owner_id=owner_id, amount=amount.amount, currency=amount.currency
            )
        )
        return payout

    @property
    def is_open(self) -> bool:
        return self.status is PayoutState.REQUESTED

    def sent(self, provider_id: str) -> None:
        self.provider_id = provider_id

    def settle(self, succeeded: bool, failure_code: str | None, now: datetime) -> bool:
        """Answers whether it moved (a settled payout stays as it is: replays change nothing)."""
        if not self.is_open:
            return False
        self.status = PayoutState.SUCCEEDED if succeeded else PayoutState.FAILED
        self.failure_code = None if succeeded else (failure_code or "TRANSFER_ERROR")
        self.updated_at = now
        self.record(
            PayoutSettled(
                payout_id=self.id,
                owner_kind=self.owner_kind,
                owner_id=self.owner_id,
                status=self.status.value,
                amount=self.amount.amount,
            )
        )
        return True
